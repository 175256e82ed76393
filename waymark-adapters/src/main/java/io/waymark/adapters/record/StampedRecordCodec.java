package io.waymark.adapters.record;

import io.waymark.core.model.Endpoint;
import io.waymark.core.model.RecordSet;
import io.waymark.core.model.Stamp;
import io.waymark.core.port.StampedRecords;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Optional;

/**
 * One endpoint's stamp and records as bytes, in the record log's binary form ({@link ChangeCodec}),
 * for stores that keep one value per endpoint (etcd): the stamp travels in the same value as the
 * records, so one atomic write carries both.
 */
public final class StampedRecordCodec {
    /** A record set of {@link RecordSet#ADDRESSES_MAX} IPv6 addresses, with room for the name and stamp. */
    public static final int VALUE_BYTES_MAX = 1024 + RecordSet.ADDRESSES_MAX * (1 + 16 + 4);

    private StampedRecordCodec() {}

    /** What one value holds. */
    public record Decoded(Endpoint endpoint, Stamp stamp, RecordSet records) {}

    public static byte[] encode(Endpoint endpoint, Stamp stamp, RecordSet records) {
        if (records == null) throw new IllegalArgumentException("records must not be null for " + endpoint);
        return ChangeCodec.encode(List.of(new EndpointChange(endpoint, stamp, records)), VALUE_BYTES_MAX).get(0);
    }

    /** Decodes one value; IllegalArgumentException when it is not exactly one endpoint with records. */
    public static Decoded decode(byte[] bytes) {
        List<EndpointChange> changes = ChangeCodec.decode(ByteBuffer.wrap(bytes));
        if (changes.size() != 1 || changes.get(0).isRetirement()) throw new IllegalArgumentException("a record value holds one endpoint with records, got " + changes.size() + " changes");
        EndpointChange c = changes.get(0);
        return new Decoded(c.endpoint(), c.stamp(), c.records());
    }

    public static StampedRecords stampedRecords(Decoded d) {
        return new StampedRecords(d.stamp(), Optional.of(d.records()));
    }
}
