package io.waymark.core.invariant;

/** The safety invariants of DESIGN.md that can be checked on a state (L1/L2 are checked over runs). */
public enum Invariant {
    I1_NEVER_EMPTY("an endpoint that has been served always resolves to at least one address"),
    I2_MONOTONIC("the generation an endpoint serves never decreases"),
    I3_INTEGRITY("an endpoint's records equal the record set of the plan its stamp names"),
    I4_NO_LIVE_DELETION("no plan that a stamp names is ever deleted");

    private final String meaning;

    Invariant(String meaning) {
        this.meaning = meaning;
    }

    public String meaning() {
        return meaning;
    }
}
