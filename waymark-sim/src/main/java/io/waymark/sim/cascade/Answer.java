package io.waymark.sim.cascade;

/**
 * What the authoritative DNS serves for the endpoint at one moment: how many addresses (0 = the
 * NOERROR-with-empty-answer of October 2025, not NXDOMAIN) and the plan generation it came from.
 */
public record Answer(int addresses, long generation) {
    public Answer {
        if (addresses < 0) throw new IllegalArgumentException("addresses must be >= 0");
        if (generation < 0) throw new IllegalArgumentException("generation must be >= 0");
    }

    public boolean empty() {
        return addresses == 0;
    }
}
