package io.waymark.sim.scenario;

/** Which enactor protocol a scenario runs: the system as it was, or Waymark's core code. */
public enum Algorithm {
    LEGACY,
    WAYMARK
}
