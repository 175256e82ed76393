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

    /**
     * Validates a whole batch before a store decides anything, so that a refused request writes nothing:
     * no null entry, and (I1 at the store's boundary, always on) no empty record set.
     */
    public static void requireValid(java.util.List<ConditionalApply> applies) {
        if (applies == null) throw new IllegalArgumentException("applies must not be null");
        for (ConditionalApply a : applies) {
            if (a == null) throw new IllegalArgumentException("null apply in batch");
            if (a.records().addresses().isEmpty()) throw new IllegalArgumentException("refusing to apply an empty record set to " + a.endpoint());
        }
    }
}
