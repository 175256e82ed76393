package io.waymark.core.invariant;

import java.util.List;

/** The violations found by one check, and the observation to pass to the next check. */
public record InvariantReport(List<Violation> violations, Observation observation) {
    public InvariantReport {
        if (violations == null || observation == null) throw new IllegalArgumentException("report parts must not be null");
        violations = List.copyOf(violations);
    }

    public boolean ok() {
        return violations.isEmpty();
    }
}
