package io.waymark.core.invariant;

/** The safety invariants of DESIGN.md that can be checked on states and observations (L1/L2 are checked over runs). */
public enum Invariant {
    I1_NEVER_EMPTY("an endpoint that has been served always resolves to at least one address"),
    I2_MONOTONIC("the generation an endpoint serves never decreases"),
    I3_INTEGRITY("an endpoint's records equal the record set of the plan its stamp names"),
    I4_NO_LIVE_DELETION("no plan that a stamp names is ever deleted"),
    I5_NOTHING_ACKNOWLEDGED_LOST("after a crash and restart a store returns every acknowledged publish and apply, or refuses to open"),
    I6_NO_REUSED_GENERATION("a generation number is handed out once: every plan seen with it has the same content"),
    I7_LEVERS_HOLD("an acknowledged pause or pin is never lost, whatever else writes the flags");

    private final String meaning;

    Invariant(String meaning) {
        this.meaning = meaning;
    }

    public String meaning() {
        return meaning;
    }
}
