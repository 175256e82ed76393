package io.waymark.sim.system;

import io.waymark.core.planner.PlannerResult;
import io.waymark.core.planner.PlannerStatus;
import io.waymark.core.model.Plan;
import io.waymark.core.model.PlanDraft;
import io.waymark.core.planner.TickTime;
import java.util.Optional;
import io.waymark.sim.explore.Fault;

/**
 * One planner process: the real core planner (with its safety rules and velocity ledger), fed by
 * its own {@link HealthMonitor}, ticking every 3-7 s on its own wall clock. RESTARTS: the process crashes
 * and a fresh one starts 1-20 s later with nothing in memory (no ledger, no health probed yet). CLOCK: its
 * wall clock steps backwards or forwards by up to two minutes.
 */
final class PlannerProcess {
    /** Wall clocks read like epoch milliseconds, far from zero, so that steps backwards stay positive. */
    static final long EPOCH_MS = 1_700_000_000_000L;
    static final long CLOCK_STEP_MS_MAX = 120_000;

    private final SystemRun run;
    final String id;
    private PlannerUnderTest planner;
    private HealthMonitor monitor;
    private long clockOffsetMillis = 0;
    private boolean up = false;
    private int incarnation = 0;
    private long monotonicOffsetMillis = 0;

    PlannerProcess(SystemRun run, String id) {
        this.run = run;
        this.id = id;
    }

    private long wallMillis() {
        return run.sim.nowMillis() + EPOCH_MS + clockOffsetMillis;
    }

    /** This tick's two clocks: the wall clock (which CLOCK steps) and the process's monotonic clock (which never steps). */
    TickTime now() {
        return new TickTime(wallMillis(), Math.multiplyExact(run.sim.nowMillis() + monotonicOffsetMillis, 1_000_000L));
    }

    /** What this process's planner would publish forced now (the operator's {@code publish --force}); empty when it is down. */
    Optional<PlanDraft> desired(Optional<Plan> latest) {
        if (!up) return Optional.empty();
        return planner.desired(run.config.topology(), monitor.observations(), latest, now());
    }

    void start(long atMillis) {
        run.sim.at(atMillis, id, this::boot);
    }

    private void boot() {
        incarnation++;
        planner = run.options.planner().create(run.plans, run.records::read, SystemRun.POLICY, run.enactorConfig.changeGuard());
        // A new process's monotonic clock starts anywhere: it means nothing across processes or incarnations.
        monotonicOffsetMillis = run.random.nextLong(0, 1L << 40);
        monitor = new HealthMonitor(run.world, run.sim.split(), run.sim.nowMillis(), run.options.unknownAsDown());
        up = true;
        if (incarnation > 1 && run.sim.tracing()) run.sim.log(id, "restarted: velocity ledger and probed health lost");
        tick();
    }

    boolean up() {
        return up;
    }

    boolean probedAll() {
        return up && monitor.probedAll();
    }

    /**
     * A tick whose inputs did not change since a quiet tick (UNCHANGED or PINNED, no velocity rule waiting on
     * time) would compute the same answer: the planner is a function of its inputs. Such ticks are skipped,
     * but never more than this many in a row, so that any dependence on time alone is still met (at worst a
     * few seconds later). Computing every tick was most of a schedule's cost.
     */
    static final int QUIET_SKIPS_MAX = 20;
    private long seenHealth = -1, seenConfig = -1, seenLatest = -1;
    private io.waymark.core.model.ControlFlags seenFlags = null;
    private boolean lastQuiet = false;
    private int skipped = 0;

    private boolean unchangedSinceQuietTick() {
        long health = monitor.version(), cfg = run.config.version();
        long latest = run.checkedPlans().latest().map(p -> p.generation().value()).orElse(0L);
        var flags = run.checkedPlans().flags();
        boolean same = lastQuiet && health == seenHealth && cfg == seenConfig && latest == seenLatest && flags.equals(seenFlags) && skipped < QUIET_SKIPS_MAX;
        seenHealth = health;
        seenConfig = cfg;
        seenLatest = latest;
        seenFlags = flags;
        skipped = same ? skipped + 1 : 0;
        return same;
    }

    private void tick() {
        if (!up) return;
        if (faults()) return;
        monitor.probe(run.sim.nowMillis());
        if (unchangedSinceQuietTick()) {
            run.sim.after(run.random.nextLong(3_000, 7_000), id, this::tick);
            return;
        }
        PlannerResult r = planner.tick(run.config.topology(), monitor.observations(), now());
        lastQuiet = (r.status() == PlannerStatus.UNCHANGED || r.status() == PlannerStatus.PINNED) && !planner.waitingOnTime(r);
        if (r.status() == PlannerStatus.PUBLISHED) run.plannerPublished(this, r);
        else if (r.status() == PlannerStatus.CHECK_FAILED) run.plannerCheckFailed(this, r);
        else if (run.sim.tracing() && r.status() != PlannerStatus.UNCHANGED && r.status() != PlannerStatus.PINNED) run.sim.log(id, r.status() + " " + r.error().orElse(""));
        run.sim.after(run.plans.latency().takeCharged() + run.random.nextLong(3_000, 7_000), id, this::tick);
    }

    /** Draws this tick's faults (every draw made whether or not it fires); true when the process crashed. */
    private boolean faults() {
        boolean crashCameUp = run.random.nextInt(40) == 0;
        long down = run.random.nextLong(1_000, 20_000);
        boolean stepCameUp = run.random.nextInt(40) == 0;
        long step = run.random.nextLong(-CLOCK_STEP_MS_MAX, CLOCK_STEP_MS_MAX + 1);
        if (!run.faultsOn()) return false;
        if (run.dice.fires(Fault.CLOCK, stepCameUp)) {
            clockOffsetMillis += step;
            if (run.sim.tracing()) run.sim.log(id, "wall clock steps " + (step >= 0 ? "forwards " : "backwards ") + Math.abs(step) + " ms");
        }
        if (run.dice.fires(Fault.RESTARTS, crashCameUp)) {
            up = false;
            if (run.sim.tracing()) run.sim.log(id, "crashed; restarts in " + down + " ms");
            run.sim.after(down, id, this::boot);
            return true;
        }
        return false;
    }
}
