package io.waymark.core.port;

/** The only source of time in core: production passes the wall clock, the simulator a virtual one. */
@FunctionalInterface
public interface Clock {
    long nowMillis();
}
