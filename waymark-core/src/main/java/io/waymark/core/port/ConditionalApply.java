package io.waymark.core.port;

import io.waymark.core.model.Endpoint;
import io.waymark.core.model.RecordSet;
import io.waymark.core.model.Stamp;

/** One {@link RecordStore#applyIfNewer} request, for batching. */
public record ConditionalApply(Endpoint endpoint, Stamp expected, Stamp next, RecordSet records) {
    public ConditionalApply {
        if (endpoint == null || expected == null || next == null || records == null) throw new IllegalArgumentException("apply parts must not be null");
        if (next.isNone()) throw new IllegalArgumentException("cannot apply the empty stamp to " + endpoint);
    }
}
