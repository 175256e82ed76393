package io.waymark.sim.system;

import io.waymark.core.model.ControlFlags;
import io.waymark.core.model.Generation;
import io.waymark.core.model.Plan;
import io.waymark.core.model.PlanDraft;
import io.waymark.core.port.PlanStore;
import io.waymark.core.port.PublishOutcome;
import io.waymark.sim.SimPlanStore;
import io.waymark.sim.explore.Fault;
import java.util.List;
import java.util.Optional;

/**
 * The plan store as one operator request sees it (an HTTP handler running the real core operator code):
 * before each call the request may stall (STALLS: a slow handler thread, a GC pause), and while it is
 * stalled the rest of the world runs ({@code Simulation.block}) -- so two requests interleave between
 * one's read of the flags and its write, as concurrent HTTP requests do. Every write of the flags is
 * judged by I7 with the store's value right before and after it.
 *
 * <p>{@code lastWriterWins} injects the old behaviour (main at 33942b1, issue 7 defect 6): the flags write
 * ignores what the caller read and stores its copy unconditionally, as {@code setFlags} did.
 */
final class OperatorStore implements PlanStore {
    /** A stall inside an operator request lasts at most this long (drawn, then scaled by the schedule). */
    static final long STALL_MS_MAX = 15_000;

    private final SystemRun run;
    private final SimPlanStore inner;
    private final String actor;
    private final Levers.Intent lever;

    private boolean leverStored = false;

    /** Whether this request's lever write happened (then it was reported acknowledged at that moment). */
    boolean leverStored() {
        return leverStored;
    }

    OperatorStore(SystemRun run, String actor, Levers.Intent lever) {
        this.run = run;
        this.inner = run.plans;
        this.actor = actor;
        this.lever = lever;
    }

    private void before(String what) {
        boolean cameUp = run.random.nextInt(3) == 0;
        long drawn = run.random.nextLong(0, STALL_MS_MAX);
        long latency = inner.latency().takeCharged();
        long stall = run.faultsOn() && run.dice.fires(Fault.STALLS, cameUp) ? run.dice.stall(drawn) : 0;
        if (stall > 0 && run.sim.tracing()) run.sim.log(actor, "stalls " + stall + " ms before " + what);
        if (latency + stall > 0) run.sim.block(latency + stall);
    }

    @Override
    public PublishOutcome publish(Generation expectedLatest, PlanDraft draft) {
        before("publish");
        return inner.publish(expectedLatest, draft);
    }

    @Override
    public Optional<Plan> latest() {
        before("reading the latest plan");
        return inner.latest();
    }

    @Override
    public Optional<Plan> read(Generation generation) {
        before("reading " + generation);
        return inner.read(generation);
    }

    @Override
    public List<Generation> history() {
        before("reading history");
        return inner.history();
    }

    @Override
    public boolean delete(Generation generation) {
        before("delete");
        return inner.delete(generation);
    }

    @Override
    public ControlFlags flags() {
        before("reading the flags");
        return inner.flags();
    }

    @Override
    public boolean updateFlags(ControlFlags expected, ControlFlags next) {
        before("writing the flags");
        ControlFlags was = inner.truth().flags();
        boolean written = run.options.flagsLastWriterWins() ? inner.updateFlags(was, next) : inner.updateFlags(expected, next);
        if (written) {
            if (run.sim.tracing()) run.sim.log(actor, "flags " + was + " -> " + inner.truth().flags());
            // The write is the moment the lever is stored, whatever the request does after it (a rollback
            // publishes after pinning): acknowledging at the request's end would order a later write first.
            if (!leverStored) run.levers.acknowledged(lever);
            leverStored = true;
            run.levers.check(inner.truth().flags(), actor + "'s write", run.sim.nowMillis(), run::violate);
        }
        return written;
    }
}
