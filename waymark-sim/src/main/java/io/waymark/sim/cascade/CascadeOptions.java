package io.waymark.sim.cascade;

import java.util.Locale;

/**
 * One cascade run: which enactor drives DNS, how the lease manager recovers, whether NLB fail-over
 * has velocity control, and the seed that drives every bit of chance.
 */
public record CascadeOptions(Algorithm algorithm, Recovery recovery, Velocity velocity, long seed) {
    public enum Algorithm { LEGACY, WAYMARK }

    public enum Recovery { NAIVE, THROTTLED }

    public enum Velocity { ON, OFF }

    public CascadeOptions {
        if (algorithm == null || recovery == null || velocity == null) throw new IllegalArgumentException("options must not be null");
    }

    /** The incident as it was: naive lease recovery, fail-over without velocity control. */
    public static CascadeOptions asItWas(Algorithm algorithm, long seed) {
        return new CascadeOptions(algorithm, Recovery.NAIVE, Velocity.OFF, seed);
    }

    /** Parses the CLI words ("legacy", "throttled", "on", …), case-insensitively. */
    public static CascadeOptions parse(String algorithm, String recovery, String velocity, long seed) {
        return new CascadeOptions(
                Algorithm.valueOf(algorithm.toUpperCase(Locale.ROOT)),
                Recovery.valueOf(recovery.toUpperCase(Locale.ROOT)),
                Velocity.valueOf(velocity.toUpperCase(Locale.ROOT)),
                seed);
    }

    /** e.g. {@code legacy-naive-velocity-off}: used for file names. */
    public String slug() {
        return (algorithm + "-" + recovery + "-velocity-" + velocity).toLowerCase(Locale.ROOT);
    }

    @Override
    public String toString() {
        return "algorithm=" + algorithm.name().toLowerCase(Locale.ROOT) + " recovery=" + recovery.name().toLowerCase(Locale.ROOT)
                + " velocity=" + velocity.name().toLowerCase(Locale.ROOT) + " seed=" + seed;
    }
}
