package io.waymark.core.model;

/**
 * (generation, plan hash) stored with an endpoint's records in the same atomic write. It names the
 * plan whose record set the endpoint serves.
 *
 * <p>A stamp the store cannot read (missing, empty, garbled) is represented with generation 0, so the
 * enactor heals it like a never-written endpoint; {@code planHash} then carries whatever raw text was
 * found, so that the compare-and-set of the heal still compares against the exact stored value.
 */
public record Stamp(Generation generation, PlanHash planHash) {
    public static final Stamp NONE = new Stamp(Generation.ZERO, PlanHash.NONE);

    public Stamp {
        if (generation == null || planHash == null) throw new IllegalArgumentException("stamp parts must not be null");
        if (generation.value() > 0 && !planHash.isWellFormed()) {
            throw new IllegalArgumentException("a stamp of " + generation + " needs a well-formed plan hash, got '" + planHash.hex() + "'");
        }
    }

    public static Stamp of(long generation, PlanHash hash) {
        return new Stamp(Generation.of(generation), hash);
    }

    /** A stamp that could not be read: generation 0, raw text kept for the compare-and-set. */
    public static Stamp unreadable(String raw) {
        return new Stamp(Generation.ZERO, new PlanHash(raw == null ? "" : raw));
    }

    public boolean isNone() {
        return generation.value() == 0;
    }

    /** By hand, identity first: enactors compare each endpoint's stamp with their plan's on every tick, mostly the very same object. */
    @Override
    public boolean equals(Object o) {
        return this == o || o instanceof Stamp s && generation.equals(s.generation) && planHash.equals(s.planHash);
    }

    @Override
    public int hashCode() {
        return generation.hashCode() * 31 + planHash.hashCode();
    }

    @Override
    public String toString() {
        return generation + "/" + planHash;
    }
}
