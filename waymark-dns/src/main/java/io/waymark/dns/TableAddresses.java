package io.waymark.dns;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.xbill.DNS.Name;
import org.xbill.DNS.Type;

/**
 * The address records a snapshot holds once, in its name table, rather than also in its copy of the
 * zone: for a zone of a million addresses the copy would otherwise cost about 14 bytes per record
 * (bench/dns-memory). Held are the A and AAAA records of every authoritative name of the zone, unless
 * one of the name's address records is spelled in another case than the lower-cased key (zone
 * transfers send names as the file spells them; such names keep their addresses in the zone copy).
 * Glue below a cut and names a deeper served zone owns stay in the copy too.
 *
 * <p>Putting them back is sound because only managed names ever serve addresses the file did not
 * give: an unmanaged authoritative name's A and AAAA RRsets are the file's (ZoneNodes), kept as they
 * are by every later change (ManagedNodes keeps them beside a stamp, and drops them on retirement).
 */
final class TableAddresses {
    private TableAddresses() {}

    /** {@code zone} (the snapshot's zone {@code index}) without the addresses {@code table} holds for it. */
    static Zone withoutHeld(Zone zone, int index, NameTable table) {
        List<org.xbill.DNS.Record> records = zone.records();
        Set<Name> spelledOtherwise = new HashSet<>(); // Name compares case-insensitively: every spelling of the name
        for (org.xbill.DNS.Record r : records) if (isAddress(r) && !spelledAsKey(r.getName())) spelledOtherwise.add(r.getName());
        List<org.xbill.DNS.Record> kept = new ArrayList<>();
        for (org.xbill.DNS.Record r : records) {
            if (!isAddress(r) || spelledOtherwise.contains(r.getName()) || !authoritativeUnmanaged(table, r.getName(), index)) kept.add(r);
        }
        return zone.keeping(kept);
    }

    /** Owners of the address records {@code rest} (the snapshot's copy of a zone) kept: the table's are not theirs. */
    static Set<Name> keptOwners(Zone rest) {
        Set<Name> owners = new HashSet<>();
        for (org.xbill.DNS.Record r : rest.records()) if (isAddress(r)) owners.add(r.getName());
        return owners;
    }

    /** The held addresses of {@code node}, appended to {@code out}: none unless it is an unmanaged authoritative name whose addresses the copy did not keep. */
    static void addHeld(NameNode node, Set<Name> keptOwners, List<org.xbill.DNS.Record> out) {
        if (node.kind() != NameNode.Kind.AUTHORITATIVE || node.managed() != null) return;
        RRsetWire a = node.rrset(Type.A);
        RRsetWire aaaa = node.rrset(Type.AAAA);
        if (a == null && aaaa == null) return;
        Name name = ZoneContent.name(node.key());
        if (keptOwners.contains(name)) return;
        if (a != null) out.addAll(a.records(name));
        if (aaaa != null) out.addAll(aaaa.records(name));
    }

    private static boolean isAddress(org.xbill.DNS.Record r) {
        return r.getType() == Type.A || r.getType() == Type.AAAA;
    }

    /** Whether the name's wire form is its key: no upper-case letter (label lengths are below 64, never a letter). */
    private static boolean spelledAsKey(Name name) {
        for (byte b : name.toWire()) if (WireNames.lower(b) != b) return false;
        return true;
    }

    private static boolean authoritativeUnmanaged(NameTable table, Name name, int index) {
        long found = table.locate(WireNames.key(name));
        if (found == NameTable.ABSENT || table.zone(found).index() != index) return false;
        NameNode node = table.rich(found); // null: a packed name, authoritative and unmanaged
        return node == null || (node.kind() == NameNode.Kind.AUTHORITATIVE && node.managed() == null);
    }
}
