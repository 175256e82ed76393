package io.waymark.sim.system;

import io.waymark.core.model.Generation;
import io.waymark.core.operator.ForcedPublish;
import io.waymark.core.operator.Rollback;
import io.waymark.core.operator.RollbackResult;
import io.waymark.core.operator.RollbackStatus;
import io.waymark.core.operator.Switches;
import io.waymark.core.port.StoreUnavailableException;
import io.waymark.sim.explore.Fault;
import io.waymark.sim.system.Levers.Intent;
import java.util.List;

/**
 * Operators (OPERATORS): every 8-40 s one to three requests at about the same moment, each one of pause, resume, pin, unpin, rollback (with or without pin) or
 * forced publish, each a request of its own through {@link OperatorStore}, so requests stall and overlap.
 * When the faults stop the incident is over: operators resume and unpin (the levers are lifted at
 * {@link SystemRun#LEVERS_LIFTED_MS}, after every stalled request has finished) and L1 is measured from there.
 */
final class OperatorDesk {
    private final SystemRun run;
    private int requests = 0;

    OperatorDesk(SystemRun run) {
        this.run = run;
    }

    void start() {
        run.sim.at(run.random.nextLong(5_000, 40_000), "operators", this::next);
        run.sim.at(SystemRun.LEVERS_LIFTED_MS, "operators", this::liftLevers);
    }

    /** Requests that may start together (an operator, a colleague, a script): at most this many per moment. */
    static final int CONCURRENT_REQUESTS_MAX = 3;

    private void next() {
        if (!run.faultsOn()) return;
        boolean cameUp = run.random.nextInt(2) == 0;
        int together = 1 + run.random.nextInt(CONCURRENT_REQUESTS_MAX);
        // Draws for every possible request, so that a schedule with fewer keeps the same chances after it.
        for (int k = 0; k < CONCURRENT_REQUESTS_MAX; k++) {
            int kind = run.random.nextInt(7);
            double pick = run.random.nextDouble();
            boolean pin = run.random.nextBoolean();
            long offset = run.random.nextLong(0, 3_000);
            if (k < together && run.dice.fires(Fault.OPERATORS, cameUp)) run.sim.after(offset, "operators", () -> act(kind, pick, pin));
        }
        run.sim.after(run.random.nextLong(8_000, 40_000), "operators", this::next);
    }

    private void act(int kind, double pick, boolean pin) {
        String actor = "operator-" + (++requests);
        try {
            switch (kind) {
                case 0 -> lever(actor, Intent.PAUSE);
                case 1 -> lever(actor, Intent.RESUME);
                case 2 -> lever(actor, Intent.PIN);
                case 3 -> lever(actor, Intent.UNPIN);
                case 4, 5 -> rollback(actor, pick, pin);
                default -> forcedPublish(actor);
            }
        } catch (StoreUnavailableException e) {
            if (run.sim.tracing()) run.sim.log(actor, "request failed: " + e.getMessage());
        }
    }

    private void lever(String actor, Intent lever) {
        if (run.sim.tracing()) run.sim.log(actor, lever.name().toLowerCase(java.util.Locale.ROOT) + " requested");
        OperatorStore store = new OperatorStore(run, actor, lever);
        Switches s = new Switches(store);
        run.levers.started(lever);
        io.waymark.core.model.ControlFlags now;
        try {
            now = switch (lever) {
                case PAUSE -> s.pause();
                case RESUME -> s.resume();
                case PIN -> s.pin();
                case UNPIN -> s.unpin();
                case NONE -> throw new IllegalArgumentException("no lever");
            };
        } catch (RuntimeException e) {
            if (!store.leverStored()) run.levers.unacknowledged(lever);
            throw e;
        }
        if (run.sim.tracing()) run.sim.log(actor, lever.name().toLowerCase(java.util.Locale.ROOT) + " acknowledged: " + now);
    }

    private void rollback(String actor, double pick, boolean pin) {
        Intent intent = pin ? Intent.PIN : Intent.NONE;
        OperatorStore store = new OperatorStore(run, actor, intent);
        List<Generation> history = store.history();
        if (history.isEmpty()) return;
        Generation to = history.get((int) (pick * history.size()));
        if (run.sim.tracing()) run.sim.log(actor, "rollback to " + to + (pin ? " with pin" : "") + " requested");
        run.levers.started(intent);
        RollbackResult r;
        try {
            r = new Rollback(store).to(to, pin);
        } catch (RuntimeException e) {
            if (!store.leverStored()) run.levers.unacknowledged(intent);
            throw e;
        }
        // The pin was acknowledged when it was written (OperatorStore); a rollback that never pinned ends the call unacknowledged.
        if (!store.leverStored()) run.levers.unacknowledged(intent);
        if (run.sim.tracing()) run.sim.log(actor, "rollback: " + r.status() + " " + r.detail());
        if (r.status() == RollbackStatus.PUBLISHED) run.operatorPublished(r.published().orElseThrow());
    }

    /**
     * {@code ./waymark publish --force --reason TEXT} through core's {@link ForcedPublish}: the desired draft of
     * a planner process that is up (what its safety rules want against the latest plan), published forced.
     */
    private void forcedPublish(String actor) {
        PlannerProcess p = run.plannerUp();
        if (p == null) return;
        if (run.sim.tracing()) run.sim.log(actor, "forced publish requested");
        ForcedPublish.Result r = new ForcedPublish(new OperatorStore(run, actor, Intent.NONE))
                .publish(latest -> p.desired(latest), "simulated operator " + actor, run.sim.nowMillis() + PlannerProcess.EPOCH_MS);
        if (run.sim.tracing()) run.sim.log(actor, r.auditLine());
        if (r.status() == ForcedPublish.Status.PUBLISHED) run.operatorPublished(r.published().orElseThrow());
    }

    private void liftLevers() {
        if (!run.dice.enabled(Fault.OPERATORS)) return;
        run.sim.log("operators", "the incident is over: resume and unpin");
        try {
            run.levers.started(Intent.RESUME);
            new Switches(new OperatorStore(run, "operators", Intent.RESUME)).resume();
            run.levers.started(Intent.UNPIN);
            new Switches(new OperatorStore(run, "operators", Intent.UNPIN)).unpin();
        } catch (StoreUnavailableException e) {
            // Only a plan store refused as damaged stays unavailable this long: automation is stopped, and so are the levers.
            if (run.sim.tracing()) run.sim.log("operators", "lifting the levers failed: " + e.getMessage());
        }
    }
}
