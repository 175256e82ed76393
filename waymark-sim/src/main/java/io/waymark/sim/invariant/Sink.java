package io.waymark.sim.invariant;

/** Where a checker reports a broken invariant; the run decides whether to stop. */
@FunctionalInterface
public interface Sink {
    void violate(SystemInvariant invariant, String line);
}
