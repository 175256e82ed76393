package io.waymark.sim.explore;

import java.util.List;

/**
 * One schedule's verdict, for either algorithm. A run stops after the event that first broke an
 * invariant; {@code invariant} names the first one broken (e.g. {@code I1_NEVER_EMPTY},
 * {@code L2_NO_STUCK_STATE}), empty when none was. {@code trace} is empty unless the run was traced.
 */
public record Outcome(Schedule schedule, List<String> violations, String invariant, List<String> trace, long events, int faultEvents) {
    public Outcome {
        violations = List.copyOf(violations);
        trace = List.copyOf(trace);
        if (violations.isEmpty() != invariant.isEmpty()) throw new IllegalArgumentException("an invariant is named exactly when there are violations");
    }

    public boolean ok() {
        return violations.isEmpty();
    }

    public boolean violates(String name) {
        return !name.isEmpty() && name.equals(invariant);
    }
}
