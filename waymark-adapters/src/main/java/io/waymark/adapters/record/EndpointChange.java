package io.waymark.adapters.record;

import io.waymark.core.model.Endpoint;
import io.waymark.core.model.RecordSet;
import io.waymark.core.model.Stamp;

/**
 * One durable fact in the record log: from now on {@code endpoint} serves {@code records} under
 * {@code stamp} — or, for a retirement ({@code records == null}), serves nothing, while {@code stamp}
 * keeps its high-water generation (so that no older plan can come back).
 */
record EndpointChange(Endpoint endpoint, Stamp stamp, RecordSet records) {
    EndpointChange {
        if (endpoint == null || stamp == null) throw new IllegalArgumentException("change parts must not be null");
        if (stamp.isNone()) throw new IllegalArgumentException("a stored change always carries a real stamp: " + endpoint);
    }

    /** A conditional tombstone's durable half: {@code endpoint} retired at {@code stamp}. */
    static EndpointChange retirement(Endpoint endpoint, Stamp stamp) {
        return new EndpointChange(endpoint, stamp, null);
    }

    boolean isRetirement() {
        return records == null;
    }
}
