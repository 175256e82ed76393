package io.waymark.adapters.record;

import io.waymark.core.model.Endpoint;
import io.waymark.core.model.RecordSet;
import io.waymark.core.model.Stamp;

/** One durable fact in the record log: from now on {@code endpoint} serves {@code records} under {@code stamp}. */
record EndpointChange(Endpoint endpoint, Stamp stamp, RecordSet records) {
    EndpointChange {
        if (endpoint == null || stamp == null || records == null) throw new IllegalArgumentException("change parts must not be null");
        if (stamp.isNone()) throw new IllegalArgumentException("a stored change always carries a real stamp: " + endpoint);
    }
}
