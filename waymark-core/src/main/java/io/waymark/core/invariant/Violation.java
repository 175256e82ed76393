package io.waymark.core.invariant;

import io.waymark.core.model.Endpoint;

/** One invariant broken at one endpoint, and what was seen. */
public record Violation(Invariant invariant, Endpoint endpoint, String detail) {
    public Violation {
        if (invariant == null || endpoint == null || detail == null) throw new IllegalArgumentException("violation parts must not be null");
    }

    @Override
    public String toString() {
        return invariant + " at " + endpoint + ": " + detail;
    }
}
