package io.waymark.sim.cascade;

/** How one lease re-establishment attempt ended. */
enum Outcome {
    /** The lease is held again. */
    DONE,
    /** The attempt took longer than its timeout; the worker was busy for the whole timeout. */
    TIMED_OUT,
    /** The service's name resolved to nothing: fails fast. */
    UNREACHABLE
}
