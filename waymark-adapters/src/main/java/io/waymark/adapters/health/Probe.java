package io.waymark.adapters.health;

import java.time.Duration;

/**
 * One health probe of one target. Returns whether the target passed; never throws for a failing
 * target (a refused connection is a result, not an error). Blocking is fine: probes run on virtual
 * threads.
 */
@FunctionalInterface
public interface Probe {
    boolean passes(Duration timeout) throws InterruptedException;
}
