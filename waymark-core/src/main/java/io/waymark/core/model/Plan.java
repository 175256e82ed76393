package io.waymark.core.model;

/**
 * An immutable, content-hashed plan with the generation the plan store gave it. {@code hash} is what
 * was stored; {@link #verifyHash()} recomputes it from the content so that an enactor never applies a
 * plan that was corrupted at rest or in transit.
 */
public record Plan(Generation generation, PlanHash hash, PlanDraft draft) {
    public Plan {
        if (generation == null || hash == null || draft == null) throw new IllegalArgumentException("plan parts must not be null");
        if (generation.value() < 1) throw new IllegalArgumentException("a published plan has generation >= 1, got " + generation);
    }

    /** The plan store's constructor: stamps the draft's own hash. */
    public static Plan publish(Generation generation, PlanDraft draft) {
        return new Plan(generation, draft.hash(), draft);
    }

    public boolean verifyHash() {
        return hash.equals(draft.hash());
    }

    public Stamp stamp() {
        return new Stamp(generation, hash);
    }

    public java.util.SortedMap<Endpoint, RecordSet> recordSets() {
        return draft.recordSets();
    }

    public boolean forced() {
        return draft.forced();
    }

    public Provenance provenance() {
        return draft.provenance();
    }

    @Override
    public String toString() {
        return "Plan[" + generation + " " + hash + ", " + draft.recordSets().size() + " endpoints" + (forced() ? ", forced" : "") + "]";
    }
}
