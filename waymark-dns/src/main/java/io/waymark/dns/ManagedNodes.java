package io.waymark.dns;

import io.waymark.core.model.Endpoint;
import io.waymark.core.model.RecordSet;
import io.waymark.core.model.WeightedAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Type;

/**
 * Turns managed endpoint changes into node upserts against a snapshot's table. Work is proportional
 * to the change: one lookup per endpoint and per missing ancestor, and the endpoint's own records.
 */
final class ManagedNodes {
    /**
     * The label of an endpoint's stamp name, {@code _waymark.<endpoint>} (RFC 8552 underscore label):
     * the same name the RFC 2136 record store writes stamps at on other servers (its StampText.LABEL),
     * so that another Waymark, or any writer, reads and names stamps here as it does there.
     */
    static final String STAMP_LABEL = "_waymark";
    private static final byte[] STAMP_PREFIX = {8, '_', 'w', 'a', 'y', 'm', 'a', 'r', 'k'};

    private ManagedNodes() {}

    /** The key of {@code endpointKey}'s stamp name. */
    static byte[] stampKey(byte[] endpointKey) {
        byte[] out = new byte[STAMP_PREFIX.length + endpointKey.length];
        System.arraycopy(STAMP_PREFIX, 0, out, 0, STAMP_PREFIX.length);
        System.arraycopy(endpointKey, 0, out, STAMP_PREFIX.length, endpointKey.length);
        return out;
    }

    /** The nodes to upsert, and how many endpoints were not managed before. */
    record Upserts(List<NameNode> nodes, int newlyManaged) {}

    /** Throws IllegalArgumentException (before anything is published) if an endpoint cannot be served. */
    static Upserts build(NameTable table, Map<Endpoint, RecordSet> changes, VariantTables variantTables) {
        return build(table, changes, Map.of(), variantTables);
    }

    /**
     * As above, and each endpoint in {@code stamps} (a subset of {@code changes}) also serves its stamp
     * as a TXT RRset at {@code _waymark.<endpoint>}, one record per list of character-strings, with the
     * record set's TTL; other RRsets at that name stay as the zone file has them.
     */
    static Upserts build(NameTable table, Map<Endpoint, RecordSet> changes, Map<Endpoint, List<List<String>>> stamps, VariantTables variantTables) {
        for (Endpoint e : stamps.keySet()) if (!changes.containsKey(e)) throw new IllegalArgumentException("a stamp for " + e + " without its records");
        Map<Key, NameNode> upserts = new HashMap<>(changes.size() * 2);
        int newlyManaged = 0;
        NameNode lastParent = null;
        for (Map.Entry<Endpoint, RecordSet> change : changes.entrySet()) {
            Endpoint endpoint = change.getKey();
            RecordSet records = change.getValue();
            if (endpoint == null || records == null) throw new IllegalArgumentException("managed changes need an endpoint and a record set");
            byte[] key = WireNames.key(endpoint.name());
            Key endpointKey = new Key(key);
            NameNode existing = lookup(table, upserts, endpointKey);
            NameNode enclosing = existing;
            int ancestorOffset = 0;
            while (enclosing == null) {
                ancestorOffset = WireNames.parentOffset(key, ancestorOffset);
                if (ancestorOffset < 0) throw new IllegalArgumentException("endpoint " + endpoint + " lies outside every served zone");
                // Endpoints of a batch mostly share their parent: reuse the last parent found.
                if (lastParent != null && Arrays.equals(lastParent.key(), 0, lastParent.key().length, key, ancestorOffset, key.length)) {
                    enclosing = lastParent;
                } else {
                    enclosing = lookup(table, upserts, new Key(WireNames.suffix(key, ancestorOffset)));
                    if (enclosing != null) lastParent = enclosing;
                }
            }
            if (enclosing.kind() == NameNode.Kind.DELEGATED) throw new IllegalArgumentException("endpoint " + endpoint + " lies at or below a delegation");
            if (existing != null && existing.cname() != null) throw new IllegalArgumentException("endpoint " + endpoint + " is a CNAME in its zone");
            if (existing == null && enclosing.dname() != null) throw new IllegalArgumentException("endpoint " + endpoint + " lies below a DNAME");
            ZoneServing zone = enclosing.zone();
            // Missing ancestors become empty non-terminals so their NODATA is not mistaken for NXDOMAIN.
            for (int at = WireNames.parentOffset(key, 0); at > 0 && at < ancestorOffset; at = WireNames.parentOffset(key, at)) {
                byte[] ancestor = WireNames.suffix(key, at);
                upserts.putIfAbsent(new Key(ancestor), NameNode.emptyNonTerminal(ancestor, zone, NameNode.Kind.AUTHORITATIVE, null));
            }
            // Same records as served: the answers would be byte for byte the same. Every plan restamps
            // every endpoint, so this keeps a one-endpoint update from rebuilding all the others' nodes.
            // A served stamp still moves: writers fenced by it (dns.update) read it before each UPDATE,
            // and a stale one would fail their prerequisite on every retry.
            if (existing == null || !records.equals(existing.managed())) {
                if (existing == null || existing.managed() == null) newlyManaged++;
                upserts.put(endpointKey, node(key, existing, zone, records, variantTables));
            }
            List<List<String>> stamp = stamps.get(endpoint);
            if (stamp != null) {
                Key stampKey = new Key(stampKey(key));
                upserts.put(stampKey, stampNode(stampKey.bytes(), lookup(table, upserts, stampKey), zone, endpoint, stamp, records.ttlSeconds()));
            }
        }
        return new Upserts(new ArrayList<>(upserts.values()), newlyManaged);
    }

    /**
     * Why {@code endpoint} cannot be served from {@code table}, or null when it can: the same rules
     * {@link #build} enforces (inside a served zone, not at or below a delegation, not a CNAME), asked
     * without building anything, so that callers can refuse an endpoint before anything about it is
     * made durable. Pending upserts of a batch do not change the verdict: they only add names under an
     * authoritative parent.
     */
    static String problem(NameTable table, Endpoint endpoint) {
        byte[] key = WireNames.key(endpoint.name());
        NameNode existing = table.find(key);
        NameNode enclosing = existing;
        // Bounded by the number of labels (at most 127).
        for (int at = 0; enclosing == null; ) {
            at = WireNames.parentOffset(key, at);
            if (at < 0) return "endpoint " + endpoint + " lies outside every served zone";
            enclosing = table.find(WireNames.suffix(key, at));
        }
        if (enclosing.kind() == NameNode.Kind.DELEGATED) return "endpoint " + endpoint + " lies at or below a delegation (the child zone's servers answer for it)";
        if (existing != null && existing.cname() != null) return "endpoint " + endpoint + " is a CNAME in its zone (a CNAME owner has no other data)";
        if (existing == null && enclosing.dname() != null) return "endpoint " + endpoint + " lies below a DNAME (RFC 6672 §2.4: names below a DNAME are redirected, never served)";
        return null;
    }

    /** The nodes that stop serving retired endpoints, and how many endpoints were managed before. */
    record Removals(List<NameNode> nodes, int unmanaged) {}

    /**
     * Replacements that drop the managed records (A, AAAA and the managed record set) of each
     * retired endpoint, keeping whatever else the zone file has at that name; the name then answers
     * NODATA. Endpoints not managed now are skipped (a retirement is idempotent).
     */
    static Removals remove(NameTable table, java.util.Set<Endpoint> removed) {
        List<NameNode> nodes = new ArrayList<>(removed.size());
        for (Endpoint endpoint : removed) {
            byte[] key = WireNames.key(endpoint.name());
            NameNode existing = table.find(key);
            if (existing == null || existing.managed() == null) continue;
            List<RRsetWire> kept = new ArrayList<>(existing.rrsets().length);
            for (RRsetWire r : existing.rrsets()) if (r.type() != Type.A && r.type() != Type.AAAA) kept.add(r);
            nodes.add(new NameNode(key, existing.zone(), existing.kind(), kept.toArray(new RRsetWire[0]), existing.cnameTarget(), existing.dnameTarget(), existing.referral(), null));
            // A retired endpoint's stamp goes with its records: the stamp names records no longer served.
            byte[] stampKey = stampKey(key);
            NameNode stampNode = table.find(stampKey);
            if (stampNode != null && stampNode.rrset(Type.TXT) != null) nodes.add(withTxt(stampNode, null));
        }
        return new Removals(nodes, nodes.size());
    }

    private static NameNode stampNode(byte[] key, NameNode existing, ZoneServing zone, Endpoint endpoint, List<List<String>> stamp, long ttl) {
        if (stamp.isEmpty()) throw new IllegalArgumentException("the stamp of " + endpoint + " has no record");
        org.xbill.DNS.Name owner;
        try {
            owner = new org.xbill.DNS.Name(key);
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException("endpoint " + endpoint + " is too long for a stamp name under it");
        }
        List<org.xbill.DNS.Record> txt = new ArrayList<>(stamp.size());
        for (List<String> strings : stamp) txt.add(new org.xbill.DNS.TXTRecord(owner, DClass.IN, ttl, strings));
        RRsetWire rrset = RRsetWire.of(Type.TXT, txt);
        return existing == null ? new NameNode(key, zone, NameNode.Kind.AUTHORITATIVE, new RRsetWire[] {rrset}, null, null, null, null) : withTxt(existing, rrset);
    }

    /** {@code node} with its TXT RRset replaced by {@code txt} (dropped when null), everything else kept. */
    private static NameNode withTxt(NameNode node, RRsetWire txt) {
        List<RRsetWire> rrsets = new ArrayList<>(node.rrsets().length + 1);
        for (RRsetWire r : node.rrsets()) if (r.type() != Type.TXT) rrsets.add(r);
        if (txt != null) rrsets.add(txt);
        return new NameNode(node.key(), node.zone(), node.kind(), rrsets.toArray(new RRsetWire[0]), node.cnameTarget(), node.dnameTarget(), node.referral(), node.managed());
    }

    private static NameNode lookup(NameTable table, Map<Key, NameNode> upserts, Key key) {
        NameNode pending = upserts.get(key);
        return pending != null ? pending : table.find(key.bytes(), key.hash());
    }

    private static NameNode node(byte[] key, NameNode existing, ZoneServing zone, RecordSet records, VariantTables variantTables) {
        List<RRsetWire> rrsets = new ArrayList<>(4);
        if (existing != null) {
            for (RRsetWire r : existing.rrsets()) if (r.type() != Type.A && r.type() != Type.AAAA) rrsets.add(r);
        }
        RRsetWire a = addresses(Type.A, records, true, variantTables);
        RRsetWire aaaa = addresses(Type.AAAA, records, false, variantTables);
        if (a != null) rrsets.add(a);
        if (aaaa != null) rrsets.add(aaaa);
        return new NameNode(key, zone, NameNode.Kind.AUTHORITATIVE, rrsets.toArray(new RRsetWire[0]), null, null, null, records);
    }

    /** The A (or AAAA) RRset of a record set's IPv4 (or IPv6) addresses, written without dnsjava for speed. */
    private static RRsetWire addresses(int type, RecordSet records, boolean ipv4, VariantTables variantTables) {
        List<WeightedAddress> family = new ArrayList<>(records.addresses().size());
        for (WeightedAddress a : records.addresses()) if (a.isIpv4() == ipv4) family.add(a);
        if (family.isEmpty()) return null;
        int addressLength = ipv4 ? 4 : 16;
        int recordLength = 10 + addressLength;
        byte[] data = new byte[family.size() * recordLength];
        int[] offsets = new int[family.size() + 1];
        int[] weights = new int[family.size()];
        long ttl = records.ttlSeconds();
        for (int i = 0; i < family.size(); i++) {
            int at = i * recordLength;
            offsets[i] = at;
            data[at] = (byte) (type >>> 8);
            data[at + 1] = (byte) type;
            data[at + 2] = 0;
            data[at + 3] = (byte) DClass.IN;
            data[at + 4] = (byte) (ttl >>> 24);
            data[at + 5] = (byte) (ttl >>> 16);
            data[at + 6] = (byte) (ttl >>> 8);
            data[at + 7] = (byte) ttl;
            data[at + 8] = 0;
            data[at + 9] = (byte) addressLength;
            byte[] address = family.get(i).address().getAddress();
            if (address.length != addressLength) throw new IllegalStateException("address of the wrong family: " + family.get(i));
            System.arraycopy(address, 0, data, at + 10, addressLength);
            weights[i] = family.get(i).weight();
        }
        offsets[family.size()] = data.length;
        return new RRsetWire(type, data, RRsetWire.shareable(offsets), variantTables.forWeights(weights));
    }

    /** A name key with its hash computed once: hashing dominated the cost of large changes. */
    private record Key(byte[] bytes, int hash) {
        Key(byte[] bytes) {
            this(bytes, WireNames.hash(bytes));
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Key other && java.util.Arrays.equals(bytes, other.bytes);
        }

        @Override
        public int hashCode() {
            return hash;
        }
    }
}
