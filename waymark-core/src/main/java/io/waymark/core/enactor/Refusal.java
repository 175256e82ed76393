package io.waymark.core.enactor;

/** A guard that refused a plan, and a human-readable why (for logs and the status view). */
public record Refusal(RefusalReason reason, String detail) {
    public Refusal {
        if (reason == null || detail == null) throw new IllegalArgumentException("refusal needs a reason and a detail");
    }
}
