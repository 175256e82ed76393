package io.waymark.core.invariant;

import io.waymark.core.model.Endpoint;
import java.util.Optional;

/** One invariant broken, at one endpoint when it is about one (I1–I4), and what was seen. */
public record Violation(Invariant invariant, Optional<Endpoint> endpoint, String detail) {
    public Violation {
        if (invariant == null || endpoint == null || detail == null) throw new IllegalArgumentException("violation parts must not be null");
    }

    public Violation(Invariant invariant, Endpoint endpoint, String detail) {
        this(invariant, Optional.of(requireEndpoint(endpoint)), detail);
    }

    /** A violation about the stores as a whole (I5–I7), not about one endpoint. */
    public static Violation global(Invariant invariant, String detail) {
        return new Violation(invariant, Optional.empty(), detail);
    }

    private static Endpoint requireEndpoint(Endpoint endpoint) {
        if (endpoint == null) throw new IllegalArgumentException("endpoint must not be null (use Violation.global)");
        return endpoint;
    }

    @Override
    public String toString() {
        return invariant + endpoint.map(e -> " at " + e).orElse("") + ": " + detail;
    }
}
