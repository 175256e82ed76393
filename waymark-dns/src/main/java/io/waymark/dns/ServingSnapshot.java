package io.waymark.dns;

import io.waymark.core.model.Endpoint;
import io.waymark.core.model.RecordSet;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.xbill.DNS.Name;
import org.xbill.DNS.SOARecord;

/**
 * Everything the server answers from, immutable: the zones and a name table of prepared wire-format
 * answers. A new snapshot is derived, never edited; {@link Authority} swaps them atomically so a
 * query sees one snapshot from start to end.
 */
public final class ServingSnapshot {
    private final List<Zone> zones;
    private final NameTable table;
    private final ServingOptions options;
    private final long managedCount;
    /** Prepared from the options once: the CHAOS TXT record after its owner, and the NSID option (null when off). */
    private final byte[] identityTxt;
    private final byte[] nsidOption;
    /** Per zone (same order as {@link #zones}): the SOA served now, serial included, and its negative-answer form. */
    private final SOARecord[] soas;
    private final RRsetWire[] negativeSoas;
    /** The differences that led here, for IXFR; ends at {@link #soas}' serials. */
    private final TransferJournal journal;

    private ServingSnapshot(List<Zone> zones, NameTable table, ServingOptions options, long managedCount, SOARecord[] soas, RRsetWire[] negativeSoas, TransferJournal journal) {
        this.zones = zones;
        this.journal = journal;
        this.table = table;
        this.options = options;
        this.managedCount = managedCount;
        this.soas = soas;
        this.negativeSoas = negativeSoas;
        this.identityTxt = options.identity().isEmpty() ? null : identityTxt(options.identity());
        this.nsidOption = options.nsid().isEmpty() ? null : nsidOption(options.nsid());
    }

    /** TXT, class CH, TTL 0, one string: what BIND and Knot answer to id.server. (RFC 4892 §2). */
    private static byte[] identityTxt(String identity) {
        byte[] text = identity.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(10 + 1 + text.length);
        b.putShort((short) org.xbill.DNS.Type.TXT).putShort((short) org.xbill.DNS.DClass.CH).putInt(0).putShort((short) (1 + text.length));
        b.put((byte) text.length).put(text);
        return b.array();
    }

    /** EDNS option 3 (RFC 5001 §2.3) with the identifier as its payload. */
    private static byte[] nsidOption(String nsid) {
        byte[] text = nsid.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        return java.nio.ByteBuffer.allocate(4 + text.length).putShort((short) 3).putShort((short) text.length).put(text).array();
    }

    byte[] identityTxt() {
        return identityTxt;
    }

    byte[] nsidOption() {
        return nsidOption;
    }

    /** Serves these zones (no managed names yet). Zone origins must be distinct. */
    public static ServingSnapshot of(List<Zone> zones, ServingOptions options) {
        if (zones.isEmpty()) throw new IllegalArgumentException("serve at least one zone");
        List<Name> origins = new ArrayList<>();
        for (Zone z : zones) {
            if (origins.contains(z.origin())) throw new IllegalArgumentException("zone " + z.origin() + " given twice");
            origins.add(z.origin());
        }
        List<NameNode> nodes = new ArrayList<>();
        for (int i = 0; i < zones.size(); i++) {
            Zone z = zones.get(i);
            // A name under a deeper zone we also serve is that zone's: the child is authoritative.
            nodes.addAll(ZoneNodes.build(z, i, name -> ownedByDeeperZone(name, z.origin(), origins)));
        }
        // The first snapshot serves the files' SOAs as written (a zone file served unchanged answers as
        // any server would); every later change moves to the clock-derived serial, above it.
        SOARecord[] soas = new SOARecord[zones.size()];
        RRsetWire[] negativeSoas = new RRsetWire[zones.size()];
        for (int i = 0; i < soas.length; i++) {
            soas[i] = zones.get(i).soa();
            negativeSoas[i] = ZoneNodes.negativeSoa(soas[i]);
        }
        NameTable table = NameTable.empty().with(withParentDs(zones, nodes));
        List<Zone> copies = new ArrayList<>(zones.size());
        for (int i = 0; i < zones.size(); i++) copies.add(TableAddresses.withoutHeld(zones.get(i), i, table));
        return new ServingSnapshot(List.copyOf(copies), table, options, 0, soas, negativeSoas, TransferJournal.EMPTY);
    }

    private static long nowSeconds() {
        return System.currentTimeMillis() / 1000;
    }

    private static SOARecord withSerial(SOARecord s, long serial) {
        return new SOARecord(s.getName(), s.getDClass(), s.getTTL(), s.getHost(), s.getAdmin(), serial, s.getRefresh(), s.getRetry(), s.getExpire(), s.getMinimum());
    }

    /**
     * {@code upserts} and the apex nodes of the zones {@code changed}, each apex with its SOA RRset
     * replaced by {@code soas}' (other RRsets kept): one list, so the table is copied once per change
     * (a copy clones the shard index). An apex that is itself upserted (a managed name at the apex) is
     * replaced in place; any other comes from {@code table}, which the upserts do not touch there.
     */
    private static List<NameNode> withApexSoas(NameTable table, List<NameNode> upserts, SOARecord[] soas, java.util.Set<Integer> changed) {
        List<NameNode> out = new ArrayList<>(upserts.size() + changed.size());
        out.addAll(upserts);
        for (int i : changed) {
            byte[] key = WireNames.key(soas[i].getName());
            int at = indexOf(upserts, key);
            NameNode apex = at >= 0 ? upserts.get(at) : table.find(key);
            if (apex == null) throw new IllegalStateException("served zone without its apex node: " + soas[i].getName());
            RRsetWire[] rrsets = apex.rrsets().clone();
            for (int r = 0; r < rrsets.length; r++) if (rrsets[r].type() == org.xbill.DNS.Type.SOA) rrsets[r] = RRsetWire.of(org.xbill.DNS.Type.SOA, List.of(soas[i]));
            NameNode withSoa = new NameNode(apex.key(), apex.zone(), apex.kind(), rrsets, apex.cnameTarget(), apex.dnameTarget(), apex.referral(), apex.managed());
            if (at >= 0) out.set(at, withSoa);
            else out.add(withSoa);
        }
        return out;
    }

    /** Where the node named {@code key} is in {@code nodes}, or -1 (bounded by the list; changed zones are few; the hash is compared first). */
    private static int indexOf(List<NameNode> nodes, byte[] key) {
        int h = WireNames.hash(key);
        for (int i = 0; i < nodes.size(); i++) if (nodes.get(i).hash() == h && java.util.Arrays.equals(nodes.get(i).key(), key)) return i;
        return -1;
    }

    /**
     * This snapshot's table after {@code upserts}, with the zones they touch moved to their next serial:
     * each snapshot that changes a zone serves a larger serial (RFC 1982), for secondaries to notice.
     */
    private ServingSnapshot derived(List<NameNode> upserts, long nextManagedCount) {
        java.util.Set<Integer> changed = new java.util.TreeSet<>();
        for (NameNode n : upserts) changed.add(n.zone().index());
        SOARecord[] nextSoas = soas.clone();
        RRsetWire[] nextNegative = negativeSoas.clone();
        long now = nowSeconds();
        for (int i : changed) {
            nextSoas[i] = withSerial(soas[i], SoaSerial.next(zones.get(i).soa().getSerial(), soas[i].getSerial(), now));
            nextNegative[i] = ZoneNodes.negativeSoa(nextSoas[i]);
        }
        TransferJournal nextJournal = journal.with(versions(upserts, changed, nextSoas));
        NameTable next = table.with(withApexSoas(table, upserts, nextSoas, changed));
        return new ServingSnapshot(zones, next, options, nextManagedCount, nextSoas, nextNegative, nextJournal);
    }

    /**
     * What {@code upserts} change against this snapshot, one journal version per zone touched: the
     * address RRsets of each upserted name before and after. One lookup per upsert, so the cost
     * follows the change, not the zone.
     */
    private List<TransferJournal.Version> versions(List<NameNode> upserts, java.util.Set<Integer> changed, SOARecord[] nextSoas) {
        Map<Integer, List<TransferJournal.Change>> byZone = new java.util.TreeMap<>();
        for (int i : changed) byZone.put(i, new ArrayList<>());
        for (NameNode n : upserts) {
            RRsetWire[] before = TransferJournal.managedRrsets(table.find(n.key(), n.hash()));
            RRsetWire[] after = TransferJournal.managedRrsets(n);
            if (!TransferJournal.sameRecords(before, after)) byZone.get(n.zone().index()).add(new TransferJournal.Change(n.key(), before, after));
        }
        List<TransferJournal.Version> out = new ArrayList<>(byZone.size());
        for (Map.Entry<Integer, List<TransferJournal.Change>> e : byZone.entrySet()) {
            int i = e.getKey();
            out.add(TransferJournal.Version.of(i, soas[i].getSerial(), nextSoas[i].getSerial(), e.getValue()));
        }
        return out;
    }

    /** The SOA every negative answer of {@code zone} carries in this snapshot. */
    RRsetWire negativeSoa(ZoneServing zone) {
        return negativeSoas[zone.index()];
    }

    /** The SOA served for zone {@code index} (its place in {@link #zones()}) in this snapshot, serial included. */
    public SOARecord soa(int index) {
        return soas[index];
    }

    /**
     * A child zone served beside its parent answers DS at its apex with the parent's DS RRset: the
     * parent is authoritative for it (RFC 4035 §3.1.4.1), and the child's copy would be no DS at all.
     */
    private static List<NameNode> withParentDs(List<Zone> zones, List<NameNode> nodes) {
        if (zones.size() < 2) return nodes; // no child beside its parent; spares decoding the records once more
        java.util.Map<Name, List<org.xbill.DNS.Record>> dsAtChildApex = new java.util.HashMap<>();
        for (Zone parent : zones) {
            for (org.xbill.DNS.Record r : parent.records()) {
                if (r.getType() != org.xbill.DNS.Type.DS || r.getName().equals(parent.origin())) continue;
                for (Zone child : zones) {
                    if (child.origin().equals(r.getName())) dsAtChildApex.computeIfAbsent(child.origin(), n -> new ArrayList<>()).add(r);
                }
            }
        }
        if (dsAtChildApex.isEmpty()) return nodes;
        List<NameNode> out = new ArrayList<>(nodes.size());
        for (NameNode n : nodes) {
            List<org.xbill.DNS.Record> ds = n.kind() == NameNode.Kind.AUTHORITATIVE && java.util.Arrays.equals(n.key(), WireNames.key(n.zone().origin()))
                    ? dsAtChildApex.get(n.zone().origin()) : null;
            if (ds == null) {
                out.add(n);
                continue;
            }
            List<RRsetWire> rrsets = new ArrayList<>();
            for (RRsetWire r : n.rrsets()) if (r.type() != org.xbill.DNS.Type.DS) rrsets.add(r);
            rrsets.add(RRsetWire.of(org.xbill.DNS.Type.DS, ds));
            out.add(new NameNode(n.key(), n.zone(), n.kind(), rrsets.toArray(new RRsetWire[0]), n.cnameTarget(), n.dnameTarget(), n.referral(), n.managed()));
        }
        return out;
    }

    private static boolean ownedByDeeperZone(Name name, Name zone, List<Name> origins) {
        for (Name other : origins) {
            if (other.labels() > zone.labels() && other.subdomain(zone) && name.subdomain(other)) return true;
        }
        return false;
    }

    /** A snapshot in which each endpoint answers its record set; everything else is shared. */
    ServingSnapshot withManaged(Map<Endpoint, RecordSet> changes, VariantTables variantTables) {
        return withManaged(changes, Map.of(), variantTables);
    }

    /** As above, with the stamps of {@code stamps}' endpoints served as TXT at {@code _waymark.<endpoint>}. */
    ServingSnapshot withManaged(Map<Endpoint, RecordSet> changes, Map<Endpoint, List<List<String>>> stamps, VariantTables variantTables) {
        ManagedNodes.Upserts upserts = ManagedNodes.build(table, changes, stamps, variantTables);
        // Nothing answers differently (only stamps moved, none served): same snapshot, and no new serial for secondaries to fetch.
        if (upserts.nodes().isEmpty()) return this;
        return derived(upserts.nodes(), managedCount + upserts.newlyManaged());
    }

    /**
     * Why {@code endpoint} cannot be served by this snapshot (outside every zone, at or below a
     * delegation, a CNAME), or empty when {@link Authority#applyManaged} would accept it. Zones never
     * change within a process, so the verdict holds for every later snapshot of the same authority.
     */
    public Optional<String> unservable(Endpoint endpoint) {
        if (endpoint == null) throw new IllegalArgumentException("endpoint must not be null");
        return Optional.ofNullable(ManagedNodes.problem(table, endpoint));
    }

    /** This snapshot with the managed records of {@code removed} dropped (retired endpoints). */
    ServingSnapshot withoutManaged(java.util.Set<Endpoint> removed) {
        ManagedNodes.Removals removals = ManagedNodes.remove(table, removed);
        if (removals.nodes().isEmpty()) return this;
        return derived(removals.nodes(), managedCount - removals.unmanaged());
    }

    public Optional<RecordSet> managed(Endpoint endpoint) {
        NameNode node = table.find(WireNames.key(endpoint.name()));
        return node == null ? Optional.empty() : Optional.ofNullable(node.managed());
    }

    /**
     * The zones served, in index order: origin, source and the loaded SOA as the files gave them, their
     * records without the addresses the name table holds ({@link TableAddresses}; {@link ZoneContent}
     * gives the whole zone as served).
     */
    public List<Zone> zones() {
        return zones;
    }

    public List<Name> origins() {
        return zones.stream().map(Zone::origin).sorted(Comparator.comparing(Name::toString)).toList();
    }

    /** Names in the table, empty non-terminals included. */
    public int nameCount() {
        return table.size();
    }

    public long managedCount() {
        return managedCount;
    }

    public ServingOptions options() {
        return options;
    }

    NameTable table() {
        return table;
    }

    /** The recent differences of the zones, ending at this snapshot's serials (IXFR). */
    TransferJournal journal() {
        return journal;
    }
}
