package io.waymark.core.port;

import io.waymark.core.model.HealthObservations;

/** Where the planner's health input comes from: health checkers in production, a script in simulation. */
@FunctionalInterface
public interface HealthSource {
    HealthObservations observe();
}
