package io.waymark.core.model;

import java.util.Optional;

/**
 * When a plan was published and, for a forced plan, why: kept with the plan, in its hash and in the
 * log, so that velocity control can reason over plan history after a restart and across planners, and
 * so that every forced publish carries its operator's reason for the audit trail.
 *
 * @param publishedAtMillis the publisher's wall clock at publication; 0 when not recorded (plans written
 *                          before publish times were kept). A wall clock may step: readers treat a time
 *                          in their future as "just now", never as "long ago"
 * @param reason            why the plan was forced (operators must say), empty for planner plans
 */
public record Provenance(long publishedAtMillis, Optional<String> reason) {
    /** Plans from logs written before provenance was kept. */
    public static final Provenance UNKNOWN = new Provenance(0, Optional.empty());
    public static final int REASON_LENGTH_MAX = 1024;

    public Provenance {
        if (publishedAtMillis < 0) throw new IllegalArgumentException("publishedAtMillis must be >= 0 (0 = not recorded), got " + publishedAtMillis);
        if (reason == null) throw new IllegalArgumentException("reason must not be null (empty when there is none)");
        if (reason.isPresent()) {
            String r = reason.get();
            if (r.isBlank()) throw new IllegalArgumentException("a reason must say something; leave it empty instead");
            if (r.length() > REASON_LENGTH_MAX) throw new IllegalArgumentException("a reason has at most " + REASON_LENGTH_MAX + " characters, got " + r.length());
            if (r.indexOf('\n') >= 0 || r.indexOf('\r') >= 0) throw new IllegalArgumentException("a reason is one line (it goes into the audit log as is)");
        }
    }

    public static Provenance at(long publishedAtMillis) {
        return new Provenance(publishedAtMillis, Optional.empty());
    }

    public Provenance because(String why) {
        return new Provenance(publishedAtMillis, Optional.of(why));
    }

    public boolean timeKnown() {
        return publishedAtMillis > 0;
    }

    /** Canonical text appended to the plan hash; empty for {@link #UNKNOWN}, so that old plans hash as before. */
    String canonical() {
        StringBuilder sb = new StringBuilder();
        if (timeKnown()) sb.append("\nT").append(publishedAtMillis);
        reason.ifPresent(r -> sb.append("\nR").append(r));
        return sb.toString();
    }
}
