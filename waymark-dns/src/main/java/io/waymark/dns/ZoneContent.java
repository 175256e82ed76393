package io.waymark.dns;

import io.waymark.core.model.RecordSet;
import io.waymark.core.model.WeightedAddress;
import java.net.Inet4Address;
import java.util.ArrayList;
import java.util.List;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Name;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Type;

/**
 * Every record of one zone as a snapshot serves it, for a zone transfer: the SOA (with the
 * snapshot's serial) first and last (RFC 5936 §2.2), the zone file's records (those the snapshot's
 * copy kept, then the addresses the name table holds, {@link TableAddresses}), and the managed
 * addresses in place of the file's at each managed name. Read from one snapshot, so a transfer is
 * one consistent version of the zone. Costs a walk of the whole name table: transfers are rare.
 */
final class ZoneContent {
    private ZoneContent() {}

    static List<org.xbill.DNS.Record> of(ServingSnapshot snapshot, int index) {
        Zone zone = snapshot.zones().get(index);
        NameTable table = snapshot.table();
        SOARecord soa = snapshot.soa(index);
        List<org.xbill.DNS.Record> out = new ArrayList<>(zone.recordCount() + 16);
        out.add(soa);
        for (org.xbill.DNS.Record r : zone.records()) {
            if (r.getType() == Type.SOA) continue;
            if (r.getType() == Type.TXT && servesStamp(table, r.getName(), index)) continue; // the stamp served, below
            if (r.getType() == Type.A || r.getType() == Type.AAAA) {
                // Addresses at a managed (or retired) name are what the node serves now, not the file's;
                // glue below a cut is never managed and stays as the file has it.
                if (servesOtherAddresses(table, r, index)) continue;
            }
            out.add(r);
        }
        java.util.Set<Name> keptOwners = TableAddresses.keptOwners(zone);
        table.forEachNode(node -> {
            if (node.zone().index() != index) return;
            if (node.managed() == null) {
                TableAddresses.addHeld(node, keptOwners, out);
                return;
            }
            addManaged(out, name(node.key()), node.managed());
            NameNode stamp = table.find(ManagedNodes.stampKey(node.key()));
            RRsetWire txt = stamp == null ? null : stamp.rrset(Type.TXT);
            if (txt != null) out.addAll(txt.records(name(stamp.key())));
        });
        out.add(soa);
        return out;
    }

    /** Whether the authoritative name of address record {@code r} serves other addresses than the file's: managed, or retired (none left). */
    private static boolean servesOtherAddresses(NameTable table, org.xbill.DNS.Record r, int index) {
        long found = table.locate(WireNames.key(r.getName()));
        if (found == NameTable.ABSENT || table.zone(found).index() != index) return false;
        NameNode node = table.rich(found); // null: a packed name, authoritative and never managed
        if (node == null) return !table.hasRRset(found, r.getType());
        return node.kind() == NameNode.Kind.AUTHORITATIVE && (node.managed() != null || node.rrset(r.getType()) == null);
    }

    /** Whether {@code name} is the stamp name of an endpoint managed in zone {@code index} whose stamp is served. */
    private static boolean servesStamp(NameTable table, Name name, int index) {
        byte[] key = WireNames.key(name);
        if (key.length <= 9 || key[0] != 8 || !ManagedNodes.STAMP_LABEL.equalsIgnoreCase(new String(key, 1, 8, java.nio.charset.StandardCharsets.US_ASCII))) return false;
        NameNode endpoint = table.find(WireNames.suffix(key, 9));
        NameNode stamp = table.find(key);
        return endpoint != null && endpoint.managed() != null && endpoint.zone().index() == index && stamp != null && stamp.rrset(Type.TXT) != null;
    }

    static Name name(byte[] key) {
        try {
            return new Name(key);
        } catch (java.io.IOException e) {
            throw new IllegalStateException("a name key that is no wire name (bug)", e);
        }
    }

    private static void addManaged(List<org.xbill.DNS.Record> out, Name name, RecordSet records) {
        long ttl = records.ttlSeconds();
        for (WeightedAddress a : records.addresses()) {
            out.add(a.address() instanceof Inet4Address ? new ARecord(name, DClass.IN, ttl, a.address()) : new AAAARecord(name, DClass.IN, ttl, a.address()));
        }
    }
}
