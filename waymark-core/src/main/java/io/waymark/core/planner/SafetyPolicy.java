package io.waymark.core.planner;

/**
 * The planner's safety rules and their thresholds.
 *
 * <p>Build by name from {@link #DEFAULTS} or {@link #PERMISSIVE} with the {@code with…} methods rather than
 * with four positional values.
 *
 * @param failOpen                   when every target of an endpoint is unhealthy, keep its last known good
 *                                   record set (when off, "never empty" still keeps it, and says so)
 * @param minHealthyFraction         when the healthy share of an endpoint's capacity is below this, no
 *                                   target is removed (gdnsd's up_thresh); 0 disables the rule
 * @param velocityMaxRemovedFraction at most this share of an endpoint's capacity (per address family) is
 *                                   removed per window (the NLB lesson); 1 disables the rule. When nothing
 *                                   was removed in the window, one target always may go, even above it
 * @param velocityWindowMillis       the velocity window
 */
public record SafetyPolicy(boolean failOpen, double minHealthyFraction, double velocityMaxRemovedFraction, long velocityWindowMillis) {
    /** gdnsd's default up_thresh of 0.5; a quarter of capacity per minute. */
    public static final SafetyPolicy DEFAULTS = new SafetyPolicy(true, 0.5, 0.25, 60_000);
    /** Every rule off except never-empty, which cannot be turned off. */
    public static final SafetyPolicy PERMISSIVE = new SafetyPolicy(false, 0.0, 1.0, 1);

    public SafetyPolicy withFailOpen(boolean v) {
        return new SafetyPolicy(v, minHealthyFraction, velocityMaxRemovedFraction, velocityWindowMillis);
    }

    public SafetyPolicy withMinHealthyFraction(double v) {
        return new SafetyPolicy(failOpen, v, velocityMaxRemovedFraction, velocityWindowMillis);
    }

    /** At most {@code fraction} of a family's capacity removed per {@code windowMillis}. */
    public SafetyPolicy withVelocity(double fraction, long windowMillis) {
        return new SafetyPolicy(failOpen, minHealthyFraction, fraction, windowMillis);
    }

    public SafetyPolicy {
        if (!(minHealthyFraction >= 0.0 && minHealthyFraction <= 1.0)) throw new IllegalArgumentException("minHealthyFraction must be in 0..1, got " + minHealthyFraction);
        if (!(velocityMaxRemovedFraction >= 0.0 && velocityMaxRemovedFraction <= 1.0)) throw new IllegalArgumentException("velocityMaxRemovedFraction must be in 0..1, got " + velocityMaxRemovedFraction);
        if (velocityWindowMillis < 1) throw new IllegalArgumentException("velocityWindowMillis must be >= 1, got " + velocityWindowMillis);
    }
}
