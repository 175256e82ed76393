package io.waymark.core.enactor;

/**
 * What one enactor tick did to the endpoints it visited. Every endpoint visited lands in exactly one of
 * applied, superseded, skipped, foreign, deferred or failed; {@code conflicts} counts CONFLICT answers
 * (an endpoint may see several before it lands somewhere), {@code healed} counts the applied endpoints
 * whose stamp was missing or unreadable (generation 0). Built by name through {@link Builder}.
 *
 * @param visited    endpoints whose stamp was read in prepare
 * @param applied    conditional applies that wrote
 * @param superseded endpoints found already serving a plan at least as new at write time
 * @param skipped    endpoints found serving exactly the latest plan (its generation and hash) at read time
 * @param foreign    endpoints whose stamp names a generation above the latest plan, or the latest
 *                   generation with another hash: no plan in the store explains what they serve (the plan
 *                   store lost plans, or the stamp is corrupt). Reported, never taken for "newer"; the
 *                   store's compare-and-set refuses to write over them, so the next plan above heals them
 * @param conflicts  CONFLICT answers received (each followed by a bounded re-read)
 * @param deferred   endpoints left to the next tick (after conflictRetriesMax re-reads, or heals held back
 *                   because a newer plan appeared)
 * @param healed     applied endpoints whose stamp was generation 0
 * @param failed     endpoints whose read or write met a StoreUnavailableException
 * @param errors     StoreUnavailableExceptions caught (one per failed store call)
 */
public record TickCounts(int visited, int applied, int superseded, int skipped, int foreign, int conflicts,
                         int deferred, int healed, int failed, int errors) {
    public static final TickCounts NONE = new Builder().build();

    public TickCounts {
        int[] all = {visited, applied, superseded, skipped, foreign, conflicts, deferred, healed, failed, errors};
        for (int n : all) if (n < 0) throw new IllegalArgumentException("tick counts are >= 0: " + java.util.Arrays.toString(all));
        if (applied + superseded + skipped + foreign + deferred + failed != visited) {
            throw new IllegalArgumentException("every visited endpoint lands in exactly one bucket: " + applied + "+" + superseded + "+" + skipped
                    + "+" + foreign + "+" + deferred + "+" + failed + " != " + visited);
        }
        if (healed > applied) throw new IllegalArgumentException("healed endpoints are a subset of applied ones");
    }

    public static Builder builder() {
        return new Builder();
    }

    /** This tick's counts as a builder, to go on counting (apply continues what prepare counted). */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.visited = visited;
        b.applied = applied;
        b.superseded = superseded;
        b.skipped = skipped;
        b.foreign = foreign;
        b.conflicts = conflicts;
        b.deferred = deferred;
        b.healed = healed;
        b.failed = failed;
        b.errors = errors;
        return b;
    }

    /** Counts by name, one increment at a time; {@link #build()} checks that they add up. */
    public static final class Builder {
        private int visited, applied, superseded, skipped, foreign, conflicts, deferred, healed, failed, errors;

        public Builder visited(int n) { visited += n; return this; }
        public Builder applied(int n) { applied += n; return this; }
        public Builder superseded(int n) { superseded += n; return this; }
        public Builder skipped(int n) { skipped += n; return this; }
        public Builder foreign(int n) { foreign += n; return this; }
        public Builder conflicts(int n) { conflicts += n; return this; }
        public Builder deferred(int n) { deferred += n; return this; }
        public Builder healed(int n) { healed += n; return this; }
        public Builder failed(int n) { failed += n; return this; }
        public Builder errors(int n) { errors += n; return this; }

        public TickCounts build() {
            return new TickCounts(visited, applied, superseded, skipped, foreign, conflicts, deferred, healed, failed, errors);
        }
    }
}
