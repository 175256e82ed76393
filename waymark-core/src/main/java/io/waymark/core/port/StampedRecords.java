package io.waymark.core.port;

import io.waymark.core.model.Generation;
import io.waymark.core.model.RecordSet;
import io.waymark.core.model.Stamp;
import java.util.Optional;

/**
 * What a record store holds for one endpoint: its stamp and its records, read together in one atomic
 * read. A never-written endpoint reads as {@code (Stamp.NONE, empty)}; a retired one as a
 * {@link #tombstone}: no stamp, no records, and the generation it was retired at.
 *
 * <p>The tombstone's stamp is NONE, as before it was written, so the compare-and-set is unchanged: a
 * stale enactor that read the live stamp before the retirement conflicts, and one that reads the
 * tombstone heals only while its plan is the latest (see Enactor). {@code retiredAt} is there because
 * what comes next depends on it: the store brings the endpoint back only with a plan above it, so an
 * endpoint retired at the latest plan and configured again needs a new generation, and only a reader
 * that sees the generation can tell that from an endpoint the enactors have not reached yet.
 */
public record StampedRecords(Stamp stamp, Optional<RecordSet> records, Generation retiredAt) {
    public static final StampedRecords ABSENT = new StampedRecords(Stamp.NONE, Optional.empty());

    public StampedRecords {
        if (stamp == null || records == null || retiredAt == null) throw new IllegalArgumentException("stamp, records and retiredAt must not be null");
        if (retiredAt.isAfter(Generation.ZERO) && (!stamp.isNone() || records.isPresent())) {
            throw new IllegalArgumentException("a tombstone (retired at " + retiredAt + ") holds no stamp and no records, got " + stamp + " " + records);
        }
    }

    /** A live (or never written) endpoint: not retired. */
    public StampedRecords(Stamp stamp, Optional<RecordSet> records) {
        this(stamp, records, Generation.ZERO);
    }

    /** A retired endpoint: retired when it served generation {@code retiredAt} ({@code ZERO} reads as {@link #ABSENT}). */
    public static StampedRecords tombstone(Generation retiredAt) {
        return new StampedRecords(Stamp.NONE, Optional.empty(), retiredAt);
    }

    /** True for a {@link #tombstone} above generation 0. */
    public boolean retired() {
        return retiredAt.isAfter(Generation.ZERO);
    }
}
