package io.waymark.sim.system;

import io.waymark.sim.explore.Fault;
import io.waymark.sim.explore.Outcome;
import io.waymark.sim.explore.Schedule;
import io.waymark.sim.explore.Shrinker;
import io.waymark.sim.system.old.OldCode;
import java.util.ArrayList;
import java.util.List;

/**
 * The defects of issue 7 the whole-system run must see: the invariant each breaks, the words of its
 * violation (so that a schedule breaking the same invariant another way does not count), and the old
 * behaviour that reproduces it once the fix has landed (a copy of the old planner, no retirement and the
 * old clean-up, the old flags write).
 * The real code is judged by the same predicate: clean once the fix is merged.
 */
enum Defect {
    /** #5: a dual-stack endpoint answers A with NOERROR and no records when its IPv4 targets fail. */
    DUAL_STACK_EMPTY_A("I1_NEVER_EMPTY", "A query answers NOERROR with no address while IPv6 lives", OldCode.OLD_PLANNER),
    /** #7: velocity never removes a target larger than one window's budget. */
    VELOCITY_KEEPS_A_LARGE_DOWN_TARGET("L1_CONVERGENCE", "down since before the faults stopped", OldCode.OLD_PLANNER),
    /** #8: a change-threshold refusal is permanent (the planner answers UNCHANGED). */
    REFUSAL_IS_PERMANENT("L2_NO_STUCK_STATE", "refuses the latest plan", OldCode.OLD_PLANNER),
    /** #9: an endpoint removed from the configuration is served forever... */
    REMOVED_ENDPOINT_SERVED_FOREVER("L1_CONVERGENCE", "left the configuration", OldCode.OLD_RETIREMENT),
    /** #9: ...and clean-up stops forever. */
    CLEANUP_STOPS("L2_NO_STUCK_STATE", "clean-up stopped", OldCode.OLD_RETIREMENT),
    /** #12: targets not yet probed count as unhealthy at a (re)start. */
    UNKNOWN_COUNTS_AS_DOWN("U1_UNKNOWN_IS_NOT_DOWN", "which was never down", OldCode.OLD_PLANNER),
    /** #6: concurrent pause and pin lose one of the two flags. */
    LOST_PAUSE_OR_PIN("I7_LEVERS_HOLD", "lost: the plan store now says", OldCode.OLD_FLAGS);

    final String invariant;
    final String words;
    final SystemRun.Options old;

    Defect(String invariant, String words, SystemRun.Options old) {
        this.invariant = invariant;
        this.words = words;
        this.old = old;
    }

    /**
     * A runner whose outcome counts as violating {@link #invariant} only when this defect's words are in it,
     * and -- except for #12 itself -- when unknown-counted-as-down (#12, which the old code breaks at almost
     * every start) did not come first: each finding then shows its own defect, not #12's consequences.
     */
    Shrinker.Runner runner(SystemRun.Options options) {
        Shrinker.Runner base = SystemRun.runner(options);
        return (s, tracing, target) -> {
            Outcome o = base.run(s, tracing, target);
            boolean other = this != UNKNOWN_COUNTS_AS_DOWN && o.violates("U1_UNKNOWN_IS_NOT_DOWN");
            if (!other && o.violations().stream().anyMatch(v -> v.contains(words))) return o;
            return Outcome.of(s, List.of(), List.of(), target, o.trace(), o.events(), o.faultEvents());
        };
    }

    /** The first {@code count} seeds in {@code from..from+seeds-1} whose all-faults schedule shows this defect under {@code options}. */
    List<Long> seeds(SystemRun.Options options, long from, long seeds, int count) {
        Shrinker.Runner r = runner(options);
        List<Long> out = new ArrayList<>();
        for (long s = from; s < from + seeds && out.size() < count; s++) if (r.run(Schedule.of(s, Fault.ALL), false, invariant).violates(invariant)) out.add(s);
        return out;
    }
}
