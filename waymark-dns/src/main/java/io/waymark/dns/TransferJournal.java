package io.waymark.dns;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Name;
import org.xbill.DNS.Type;

/**
 * The recent differences of the served zones, oldest first, for IXFR (RFC 1995). Immutable: each
 * {@link ServingSnapshot} carries the journal that ends at its own serials, so a transfer reads the
 * differences and the zone from one consistent version, without a lock. In memory only: a restarted
 * server (or a reloaded zone file) starts with an empty journal and answers IXFR with the full zone.
 *
 * <p>A version holds what changed at each name between two serials of one zone: the RRsets a managed
 * change touches (A and AAAA, and TXT: the stamp served at {@code _waymark.<endpoint>} with
 * {@code dns.update}, which AXFR carries too, so IXFR must) before and after, shared with the snapshots'
 * name nodes, so recording a version copies no record. Bounded by {@link #VERSIONS_MAX} versions
 * and {@link #BYTES_MAX} estimated bytes in all; the oldest versions go first, and a version bigger
 * than the whole budget empties the journal (older clients then get the full zone, as they would
 * from any server whose journal was trimmed).
 */
final class TransferJournal {
    /** Versions kept across all zones: a secondary more than this many changes behind gets the full zone. */
    static final int VERSIONS_MAX = 1_000;
    /**
     * Estimated bytes kept across all zones (names, record bytes, object overhead). A change of every
     * one of 100,000 endpoints is about 20 MB, so a few full plans fit beside many small ones.
     */
    static final long BYTES_MAX = 64L << 20;
    /** Estimated bytes of dropped versions the shared array may keep reachable (see {@link #retained}). */
    static final long RETAINED_BYTES_MAX = BYTES_MAX / 4;
    /** Per changed name: the change, its two arrays and two RRset objects with their offset arrays (JVM headers, references). */
    private static final int CHANGE_OVERHEAD_BYTES = 200;
    private static final RRsetWire[] NONE = new RRsetWire[0];

    /** No slots: the first append copies into an array of its own, so nothing static is ever written. */
    static final TransferJournal EMPTY = new TransferJournal(new Version[0], 0, 0, new AtomicInteger(), 0, 0);

    /** One name's managed RRsets (A, AAAA, TXT, each present or not) before and after a version. */
    record Change(byte[] key, RRsetWire[] before, RRsetWire[] after) {
        Change {
            if (key == null || before == null || after == null) throw new IllegalArgumentException("a change needs a name and both sides");
        }

        long bytes() {
            long b = CHANGE_OVERHEAD_BYTES + key.length;
            for (RRsetWire r : before) b += r.data().length + 4L * r.offsets().length;
            for (RRsetWire r : after) b += r.data().length + 4L * r.offsets().length;
            return b;
        }
    }

    /** Zone {@code zone} (its index among the served zones) went from {@code fromSerial} to {@code toSerial} by {@code changes}. */
    record Version(int zone, long fromSerial, long toSerial, List<Change> changes, long bytes) {
        Version {
            if (zone < 0) throw new IllegalArgumentException("zone index must be at least 0: " + zone);
            if (!SoaSerial.greater(toSerial, fromSerial)) throw new IllegalArgumentException("a version moves its zone to a greater serial: " + fromSerial + " -> " + toSerial);
            changes = List.copyOf(changes);
        }

        static Version of(int zone, long fromSerial, long toSerial, List<Change> changes) {
            long bytes = 0;
            for (Change c : changes) bytes += c.bytes();
            return new Version(zone, fromSerial, toSerial, changes, bytes);
        }
    }

    /**
     * Why a shared backing array instead of a copy per journal: a journal is derived on every snapshot
     * swap, i.e. on the path of every update, and copying up to {@link #VERSIONS_MAX} references twice
     * per swap showed in the UPDATE path's profile. This journal's versions are {@code slots[start, end)};
     * slots are written once and never again, so older journals over the same array are unaffected by
     * appends behind their end. {@link #claimed} says how far the array is written: only the journal
     * that ends there may append in place (the first of two journals derived from one parent wins the
     * claim; the other copies), which is what keeps a slot from being written twice.
     */
    private final Version[] slots;
    private final int start;
    private final int end;
    private final AtomicInteger claimed;
    private final long bytes;
    /**
     * Bytes of the versions before {@code start}: no longer this journal's, but kept reachable by the
     * shared array (an older journal may still be read by a transfer in flight, so they are not cleared).
     * Bounded by {@link #RETAINED_BYTES_MAX}: past it the next append copies, and the array goes with the
     * last journal over it. Without the bound, a run of large versions (a converge changes every endpoint)
     * would keep up to {@code 2 * VERSIONS_MAX} of them alive, far past {@link #BYTES_MAX}.
     */
    private final long retained;

    private TransferJournal(Version[] slots, int start, int end, AtomicInteger claimed, long bytes, long retained) {
        this.slots = slots;
        this.start = start;
        this.end = end;
        this.claimed = claimed;
        this.bytes = bytes;
        this.retained = retained;
    }

    /** A journal of its own array holding {@code versions}, with room for VERSIONS_MAX appends in place: one copy per that many swaps. */
    private static TransferJournal copyOf(List<Version> versions) {
        Version[] slots = new Version[Math.max(2 * VERSIONS_MAX, versions.size() + VERSIONS_MAX)];
        long bytes = 0;
        for (int i = 0; i < versions.size(); i++) {
            slots[i] = versions.get(i);
            bytes += slots[i].bytes();
        }
        return new TransferJournal(slots, 0, versions.size(), new AtomicInteger(versions.size()), bytes, 0);
    }

    private List<Version> versions() {
        return Arrays.asList(slots).subList(start, end);
    }

    int versionCount() {
        return end - start;
    }

    long bytes() {
        return bytes;
    }

    long retainedBytes() {
        return retained;
    }

    /**
     * This journal with {@code added} appended (newest last), trimmed to the bounds. A version that
     * does not continue its zone's last one (its start serial is not that one's end) cannot be
     * chained to it: the zone's older versions are dropped.
     */
    TransferJournal with(List<Version> added) {
        if (added.isEmpty()) return this;
        TransferJournal appended = continuesEveryZone(added) ? appendedInPlace(added) : null;
        // A restarted chain, no room left, or another journal appended behind this one first: copy.
        if (appended == null) appended = copyOf(merged(added));
        TransferJournal kept = appended.trimmed();
        // Past the bound, a copy lets the dropped versions go with the old array.
        return kept.retained <= RETAINED_BYTES_MAX ? kept : copyOf(kept.versions());
    }

    /** {@code added} written behind this journal's end in the shared array, or null when it has no room or the claim is taken. */
    private TransferJournal appendedInPlace(List<Version> added) {
        int newEnd = end + added.size();
        if (newEnd > slots.length || !claimed.compareAndSet(end, newEnd)) return null;
        long total = bytes;
        for (int i = 0; i < added.size(); i++) {
            slots[end + i] = added.get(i);
            total += added.get(i).bytes();
        }
        return new TransferJournal(slots, start, newEnd, claimed, total, retained);
    }

    /**
     * The oldest versions dropped while either bound is exceeded, count first. The running total moves
     * by what is dropped only: summing every kept version would walk up to VERSIONS_MAX objects per swap.
     */
    private TransferJournal trimmed() {
        int first = start;
        long total = bytes, dropped = 0;
        while (end - first > VERSIONS_MAX || (first < end && total > BYTES_MAX)) {
            long b = slots[first++].bytes();
            total -= b;
            dropped += b;
        }
        return first == start ? this : new TransferJournal(slots, first, end, claimed, total, retained + dropped);
    }

    /** This journal's versions, then {@code added}; a version that does not continue its zone's last one drops the zone's older ones. */
    private List<Version> merged(List<Version> added) {
        List<Version> all = new ArrayList<>(versions());
        for (Version v : added) {
            Version last = lastOf(all, v.zone());
            if (last != null && last.toSerial() != v.fromSerial()) all.removeIf(old -> old.zone() == v.zone());
            all.add(v);
        }
        return all;
    }

    /** Whether each added version starts where its zone's last one (kept or added before it) ends. */
    private boolean continuesEveryZone(List<Version> added) {
        for (int i = 0; i < added.size(); i++) {
            Version v = added.get(i), last = null;
            for (int k = i - 1; k >= 0 && last == null; k--) if (added.get(k).zone() == v.zone()) last = added.get(k);
            for (int k = end - 1; k >= start && last == null; k--) if (slots[k].zone() == v.zone()) last = slots[k];
            if (last != null && last.toSerial() != v.fromSerial()) return false;
        }
        return true;
    }

    private static Version lastOf(List<Version> versions, int zone) {
        for (int i = versions.size() - 1; i >= 0; i--) if (versions.get(i).zone() == zone) return versions.get(i);
        return null;
    }

    /**
     * The versions that take zone {@code zone} from {@code clientSerial} to {@code currentSerial}, oldest
     * first, or empty when the journal does not hold that whole chain (serial too old, unknown, ahead,
     * or the journal was emptied): the caller then sends the full zone.
     */
    Optional<List<Version>> chain(int zone, long clientSerial, long currentSerial) {
        List<Version> out = new ArrayList<>();
        for (int i = start; i < end; i++) {
            Version v = slots[i];
            if (v.zone() != zone) continue;
            if (out.isEmpty() && v.fromSerial() != clientSerial) continue;
            if (!out.isEmpty() && out.get(out.size() - 1).toSerial() != v.fromSerial()) return Optional.empty(); // never: with() keeps chains whole
            out.add(v);
        }
        if (out.isEmpty() || out.get(out.size() - 1).toSerial() != currentSerial) return Optional.empty();
        return Optional.of(out);
    }

    /** Estimated bytes of a chain's versions: decides without building anything whether an answer can fit in a datagram. */
    static long bytesOf(List<Version> chain) {
        long b = 0;
        for (Version v : chain) b += v.bytes();
        return b;
    }

    /** The records a chain deletes and adds, condensed (RFC 1995 §4): per name, its records before the first version against those after the last. */
    record Difference(List<org.xbill.DNS.Record> deleted, List<org.xbill.DNS.Record> added) {}

    static Difference condensed(List<Version> chain) {
        Map<ByteBuffer, RRsetWire[][]> span = new LinkedHashMap<>();
        for (Version v : chain) {
            for (Change c : v.changes()) {
                RRsetWire[][] ends = span.computeIfAbsent(ByteBuffer.wrap(c.key()), k -> new RRsetWire[][] {c.before(), c.after()});
                ends[1] = c.after();
            }
        }
        List<org.xbill.DNS.Record> deleted = new ArrayList<>();
        List<org.xbill.DNS.Record> added = new ArrayList<>();
        for (Map.Entry<ByteBuffer, RRsetWire[][]> e : span.entrySet()) {
            Name owner = ZoneContent.name(e.getKey().array());
            Set<ByteBuffer> before = records(e.getValue()[0]);
            Set<ByteBuffer> after = records(e.getValue()[1]);
            for (ByteBuffer r : before) if (!after.contains(r)) deleted.add(record(owner, r));
            for (ByteBuffer r : after) if (!before.contains(r)) added.add(record(owner, r));
        }
        return new Difference(deleted, added);
    }

    /** Each record of the RRsets as its bytes after the owner (type, class, TTL, length, rdata): equal bytes, equal record. */
    private static Set<ByteBuffer> records(RRsetWire[] rrsets) {
        Set<ByteBuffer> out = new LinkedHashSet<>();
        for (RRsetWire r : rrsets) {
            int[] offsets = r.offsets();
            for (int i = 0; i + 1 < offsets.length; i++) out.add(ByteBuffer.wrap(r.data(), offsets[i], offsets[i + 1] - offsets[i]).slice());
        }
        return out;
    }

    private static org.xbill.DNS.Record record(Name owner, ByteBuffer wire) {
        int type = Short.toUnsignedInt(wire.getShort(0));
        long ttl = Integer.toUnsignedLong(wire.getInt(4));
        int length = Short.toUnsignedInt(wire.getShort(8));
        if ((type != Type.A || length != 4) && (type != Type.AAAA || length != 16) && (type != Type.TXT || length < 1)) {
            throw new IllegalStateException("journal holds a record that is no A, AAAA or TXT of " + owner + " (bug): type " + type + ", " + length + " bytes");
        }
        byte[] rdata = new byte[length];
        wire.get(10, rdata);
        return org.xbill.DNS.Record.newRecord(owner, type, DClass.IN, ttl, rdata);
    }

    /**
     * The managed RRsets of a node (A, AAAA, TXT, in that order, those present), none for a node that is
     * absent or has none. TXT holds no compressed names, so its bytes after the owner are the record.
     */
    static RRsetWire[] managedRrsets(NameNode node) {
        if (node == null) return NONE;
        RRsetWire a = node.rrset(Type.A);
        RRsetWire aaaa = node.rrset(Type.AAAA);
        RRsetWire txt = node.rrset(Type.TXT);
        int n = (a == null ? 0 : 1) + (aaaa == null ? 0 : 1) + (txt == null ? 0 : 1);
        if (n == 0) return NONE;
        RRsetWire[] out = new RRsetWire[n];
        int i = 0;
        if (a != null) out[i++] = a;
        if (aaaa != null) out[i++] = aaaa;
        if (txt != null) out[i] = txt;
        return out;
    }

    /** Whether two sides serve the same managed records (same RRset objects, or equal bytes). */
    static boolean sameRecords(RRsetWire[] x, RRsetWire[] y) {
        if (x.length != y.length) return false;
        for (int i = 0; i < x.length; i++) {
            if (x[i] != y[i] && (x[i].type() != y[i].type() || !Arrays.equals(x[i].data(), y[i].data()))) return false;
        }
        return true;
    }
}
