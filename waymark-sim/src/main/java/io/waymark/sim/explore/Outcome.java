package io.waymark.sim.explore;

import java.util.List;

/**
 * One schedule's verdict, for either algorithm. A run stops after the event that broke its target
 * invariant (any, unless a target was given); {@code broken} names the invariants broken, in order (e.g.
 * {@code I2_MONOTONIC}, {@code I1_NEVER_EMPTY}, {@code L2_NO_STUCK_STATE}); {@code invariant} is the
 * target when it was broken, else the first broken, empty when none was. {@code trace} is empty unless
 * the run was traced.
 */
public record Outcome(Schedule schedule, List<String> violations, String invariant, List<String> broken, List<String> trace, long events, int faultEvents) {
    public Outcome {
        violations = List.copyOf(violations);
        broken = List.copyOf(broken);
        trace = List.copyOf(trace);
        if (violations.isEmpty() != invariant.isEmpty()) throw new IllegalArgumentException("an invariant is named exactly when there are violations");
    }

    /** Builds the verdict: {@code target} empty = the first broken invariant counts. */
    public static Outcome of(Schedule schedule, List<String> violations, List<String> broken, String target, List<String> trace, long events, int faultEvents) {
        String invariant = broken.isEmpty() ? "" : !target.isEmpty() && broken.contains(target) ? target : broken.get(0);
        return new Outcome(schedule, violations, invariant, broken, trace, events, faultEvents);
    }

    public boolean ok() {
        return violations.isEmpty();
    }

    public boolean violates(String name) {
        return !name.isEmpty() && broken.contains(name);
    }

    /** Whether the run found what it looked for: {@code target} broken, or any invariant when no target. */
    public boolean found(String target) {
        return target.isEmpty() ? !ok() : violates(target) || violates(Explorer.EXCEPTION);
    }
}
