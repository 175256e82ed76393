package io.waymark.adapters.rfc2136;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;

/**
 * How the RFC 2136 store reaches its server: DNS messages in, DNS messages out. Over TCP to a real
 * server ({@link TcpWire}), or to a simulated one in waymark-sim (all-or-nothing UPDATE, prerequisites,
 * lost requests and replies), so that the simulator runs the store's real code.
 */
public interface DnsWire {
    /**
     * Sends one query or UPDATE ({@code sign}: with the store's TSIG key) and completes with the answer,
     * or exceptionally with an {@link IOException} when none came (the message may or may not have been
     * applied).
     */
    CompletableFuture<Message> send(Message message, boolean sign);

    /** Every record of {@code zone} from one AXFR (SOA first), or an IOException. */
    List<Record> transfer(Name zone) throws IOException;

    /** One version step of an incremental transfer: the records it deleted and added (SOA records included). */
    record Change(List<Record> deletes, List<Record> adds) {}

    /**
     * What an incremental transfer (IXFR, RFC 1995) from {@code fromSerial} found: {@code current} (nothing
     * changed since), the changes in order, or — when the server has no journal that far back and answers
     * with the whole zone — {@code whole}.
     */
    record Incremental(boolean current, List<Change> changes, List<Record> whole) {}

    /** An IXFR from {@code fromSerial}; a wire without one answers with the whole zone. */
    default Incremental incremental(Name zone, long fromSerial) throws IOException {
        return new Incremental(false, List.of(), transfer(zone));
    }
}
