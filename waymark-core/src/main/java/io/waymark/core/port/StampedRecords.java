package io.waymark.core.port;

import io.waymark.core.model.RecordSet;
import io.waymark.core.model.Stamp;
import java.util.Optional;

/**
 * What a record store holds for one endpoint: its stamp and its records, read together in one atomic
 * read. A never-written endpoint reads as {@code (Stamp.NONE, empty)}.
 */
public record StampedRecords(Stamp stamp, Optional<RecordSet> records) {
    public static final StampedRecords ABSENT = new StampedRecords(Stamp.NONE, Optional.empty());

    public StampedRecords {
        if (stamp == null || records == null) throw new IllegalArgumentException("stamp and records must not be null");
    }
}
