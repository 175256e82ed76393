package io.waymark.adapters.rfc2136;

import io.waymark.adapters.rfc2136.Rfc2136RecordStore.Candidate;
import io.waymark.adapters.rfc2136.StampText.Served;
import io.waymark.core.model.Endpoint;
import java.net.Inet4Address;
import java.util.ArrayList;
import java.util.List;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.Type;
import org.xbill.DNS.Update;

/**
 * RFC 2136 UPDATE messages of the store: per endpoint, a prerequisite on its stamp RRset exactly as
 * observed (value-dependent "RRset exists" with every TXT record, or "RRset does not exist"), then
 * the deletion of its A and AAAA RRsets and of its stamp RRset, then the new records. Nothing else at
 * the name is touched (its MX, its own TXT records stay). Messages are split to stay under a size.
 */
final class UpdateMessage {
    private UpdateMessage() {}

    /** Groups that each fit one message (with the message, built once: building is most of the client's work), and the candidates too large for any message on their own. */
    record Chunks(List<Chunk> chunks, List<Candidate> oversized) {}

    /** One group of candidates and its UPDATE message. */
    record Chunk(List<Candidate> group, Message message) {}

    /**
     * The candidates in groups that should each fit one message, by estimate alone (nothing built):
     * the caller builds each with {@link #fitted} just before sending it, so building the next message
     * overlaps the server's work on the ones in flight.
     */
    static List<List<Candidate>> groups(List<Candidate> candidates, int bytesMax) {
        List<List<Candidate>> out = new ArrayList<>();
        List<Candidate> current = new ArrayList<>();
        long bytes = 0;
        for (Candidate c : candidates) {
            long size = estimate(c);
            if (!current.isEmpty() && bytes + size > bytesMax) {
                out.add(current);
                current = new ArrayList<>();
                bytes = 0;
            }
            current.add(c);
            bytes += size;
        }
        if (!current.isEmpty()) out.add(current);
        return out;
    }

    /** One group as built messages under {@code bytesMax} (halved where the estimate was low), and its candidates too large alone. */
    static Chunks fitted(List<Candidate> group, int bytesMax, Name zone) {
        List<Chunk> out = new ArrayList<>();
        List<Candidate> oversized = new ArrayList<>();
        fit(group, bytesMax, zone, out, oversized);
        return new Chunks(out, oversized);
    }

    /** The estimate assumes compressed names; the built message decides, halving a group that is still too large. */
    private static void fit(List<Candidate> group, int bytesMax, Name zone, List<Chunk> out, List<Candidate> oversized) {
        // Bounded: each level halves the group, and a single candidate ends it.
        Message m = build(group, zone);
        if (m.toWire().length <= bytesMax) {
            out.add(new Chunk(List.copyOf(group), m));
        } else if (group.size() == 1) {
            oversized.add(group.get(0));
        } else {
            int half = group.size() / 2;
            fit(group.subList(0, half), bytesMax, zone, out, oversized);
            fit(group.subList(half, group.size()), bytesMax, zone, out, oversized);
        }
    }

    /** Bytes one candidate adds to a message, names compressed after their first use. */
    private static long estimate(Candidate c) {
        long nameBytes = 2L * (c.apply().endpoint().name().length() + 1) + StampText.LABEL.length() + 1;
        long records = 5L + c.written().served().size() + c.assumed().txt().size() + c.written().txt().size();
        long rdata = 0;
        for (Served s : c.written().served()) rdata += s.address() instanceof Inet4Address ? 4 : 16;
        for (List<String> t : c.written().txt()) for (String s : t) rdata += s.length() + 1;
        for (List<String> t : c.assumed().txt()) for (String s : t) rdata += s.length() + 1;
        return nameBytes + records * 12 + rdata;
    }

    static Message build(List<Candidate> group, Name zone) {
        Update u = new Update(zone);
        for (Candidate c : group) {
            prerequisite(u, c.apply().endpoint(), c.assumed());
            // A drift repair rewrites the same stamp RRset, so a prerequisite on it alone would let a second
            // repair pass after the first: it also names the drifted addresses it replaces.
            if (c.drift().isPresent()) addressPrerequisite(u, c.apply().endpoint(), c.assumed());
        }
        for (Candidate c : group) replace(u, c.apply().endpoint(), c.written(), c.apply().records().ttlSeconds());
        return u;
    }

    /** Retirement: the same prerequisite, then records and stamp removed and the tombstone (if any) written. */
    static Message retire(Endpoint endpoint, EndpointState before, EndpointState after, Name zone) {
        Update u = new Update(zone);
        prerequisite(u, endpoint, before);
        replace(u, endpoint, after, 0);
        return u;
    }

    private static void prerequisite(Update u, Endpoint endpoint, EndpointState assumed) {
        Name stamp = ZoneClient.stampName(endpoint);
        if (assumed.txt().isEmpty()) {
            u.absent(stamp, Type.TXT);
        } else {
            // RFC 2136 2.4.2: TTL 0, class IN, and the RRset must match exactly (every record, no more).
            for (List<String> strings : assumed.txt()) u.present(new TXTRecord(stamp, DClass.IN, 0, strings));
        }
    }

    private static void addressPrerequisite(Update u, Endpoint endpoint, EndpointState assumed) {
        Name name = ZoneClient.nameOf(endpoint);
        boolean v4 = false;
        boolean v6 = false;
        for (Served s : assumed.served()) {
            if (s.address() instanceof Inet4Address) {
                v4 = true;
                u.present(new ARecord(name, DClass.IN, 0, s.address()));
            } else {
                v6 = true;
                u.present(new AAAARecord(name, DClass.IN, 0, s.address()));
            }
        }
        if (!v4) u.absent(name, Type.A);
        if (!v6) u.absent(name, Type.AAAA);
    }

    private static void replace(Update u, Endpoint endpoint, EndpointState written, long ttl) {
        Name name = ZoneClient.nameOf(endpoint);
        Name stamp = ZoneClient.stampName(endpoint);
        u.delete(name, Type.A);
        u.delete(name, Type.AAAA);
        u.delete(stamp, Type.TXT);
        for (Served s : written.served()) {
            if (s.address() instanceof Inet4Address) u.add(new ARecord(name, DClass.IN, s.ttl(), s.address()));
            else u.add(new AAAARecord(name, DClass.IN, s.ttl(), s.address()));
        }
        for (List<String> strings : written.txt()) u.add(new TXTRecord(stamp, DClass.IN, ttl, strings));
    }
}
