package io.waymark.adapters.rfc2136;

import io.waymark.core.model.Endpoint;
import io.waymark.core.model.RecordSet;
import io.waymark.core.model.Stamp;
import java.util.List;

/**
 * The stamp TXT RRset as {@link Rfc2136RecordStore} writes it at {@code _waymark.<endpoint>}, for a
 * server that serves stamps itself (Waymark's own DNS server as an UPDATE target): the same records,
 * so a prerequisite read from one server names the stamp on any other.
 */
public final class StampRecords {
    /** The stamp name's first label. */
    public static final String LABEL = StampText.LABEL;

    private StampRecords() {}

    /** The character-strings of each TXT record of the stamp RRset: the stamp, then the high-water. */
    public static List<List<String>> txt(Stamp stamp, RecordSet records) {
        if (stamp == null || records == null) throw new IllegalArgumentException("a stamp RRset needs the stamp and the records it names");
        return List.of(StampText.stamp(stamp, records), StampText.high(stamp.generation()));
    }

    /** The stamp name of {@code endpoint}, as text ({@code _waymark.<endpoint>}). */
    public static String name(Endpoint endpoint) {
        return ZoneClient.stampName(endpoint).toString();
    }
}
