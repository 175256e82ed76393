package io.waymark.dns;

import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.function.Consumer;

/**
 * Immutable map from name key to what is served there, split into shards so that a change copies
 * only the shards it touches: applying k changes costs O(k + shards touched × shard size), not the
 * size of the zone. Plain names (see {@link PackedNames}) are held packed in one byte arena per shard,
 * every other name as a {@link NameNode}: a large zone of addresses is then a few arrays per shard
 * rather than five objects per name.
 *
 * <p>The query path looks names up with {@link #locate}, which returns a handle (a long: no object is
 * made), and answers from it with {@link #rich} or, for a packed name, {@link #writeRRset}; lookups work
 * on a range of a byte array, so the query path allocates nothing. Everything else reads nodes with
 * {@link #find}, which unpacks a packed name into a new node.
 */
final class NameTable {
    /** What {@link #locate} returns when the name is not in the table. */
    static final long ABSENT = -1;
    private static final int SHARD_BITS = 12;
    private static final int SHARD_COUNT = 1 << SHARD_BITS;
    /** A slot's ref: 0 empty, > 0 a packed name at arena offset ref - 1, < 0 the rich node at index -ref - 1. */
    private static final int EMPTY = 0;
    private static final NameNode[] NO_NODES = new NameNode[0];
    private static final byte[] NO_BYTES = new byte[0];
    private static final Zones NO_ZONES = new Zones(new ZoneServing[0], new byte[0][]);
    private static final Shard EMPTY_SHARD = new Shard(new int[2], new int[2], NO_NODES, NO_BYTES, 0);

    private final Shard[] shards;
    /** The zones of the names in the table, by index (packed names store only the index). */
    private final Zones zones;
    private final int size;

    private NameTable(Shard[] shards, Zones zones, int size) {
        this.shards = shards;
        this.zones = zones;
        this.size = size;
    }

    static NameTable empty() {
        Shard[] shards = new Shard[SHARD_COUNT];
        Arrays.fill(shards, EMPTY_SHARD);
        return new NameTable(shards, NO_ZONES, 0);
    }

    int size() {
        return size;
    }

    NameNode find(byte[] key) {
        return find(key, WireNames.hash(key));
    }

    /** The node at {@code key} (lower-cased), unpacked into a new node when packed; null when absent. */
    NameNode find(byte[] key, int h) {
        return node(locate(key, 0, key.length, h));
    }

    /** The name {@code key} (lower-cased): a handle, or {@link #ABSENT}. */
    long locate(byte[] key) {
        return locate(key, 0, key.length, WireNames.hash(key));
    }

    /** The name at lower-cased {@code a[offset, offset+length)}, {@code h} from {@link WireNames#hash(byte[], int, int)}: a handle, or {@link #ABSENT}. */
    long locate(byte[] a, int offset, int length, int h) {
        int shard = h >>> (32 - SHARD_BITS);
        Shard s = shards[shard];
        int mask = s.refs.length - 1;
        for (int i = h & mask, probes = 0; probes <= mask; i = (i + 1) & mask, probes++) {
            int ref = s.refs[i];
            if (ref == EMPTY) return ABSENT;
            if (s.hashes[i] == h && s.keyEquals(ref, zones.apexKeys, a, offset, length)) return handle(shard, ref);
        }
        return ABSENT;
    }

    /**
     * {@code *.<lower-cased name at a[offset, offset+length)>}; {@code h} hashes the two wildcard label
     * bytes then the name. The probe loop of {@link #locate} again on purpose: both run per query, and
     * one loop with a flag measured slower on the NXDOMAIN path in JMH (QueryPathBenchmark, within its
     * noise, but in both of two alternating runs: 259 and 264 ns against 206 and 243 for the mix), so the query path keeps a loop per compare.
     */
    long locateWildcard(byte[] a, int offset, int length, int h) {
        int shard = h >>> (32 - SHARD_BITS);
        Shard s = shards[shard];
        int mask = s.refs.length - 1;
        for (int i = h & mask, probes = 0; probes <= mask; i = (i + 1) & mask, probes++) {
            int ref = s.refs[i];
            if (ref == EMPTY) return ABSENT;
            if (s.hashes[i] == h && s.wildcardEquals(ref, zones.apexKeys, a, offset, length)) return handle(shard, ref);
        }
        return ABSENT;
    }

    private static long handle(int shard, int ref) {
        return ((long) shard << 32) | (ref & 0xFFFF_FFFFL);
    }

    private Shard shardOf(long handle) {
        return shards[(int) (handle >>> 32)];
    }

    /** The node of a located name when it is held as one; null when it is packed (or absent). */
    NameNode rich(long handle) {
        int ref = (int) handle;
        return handle == ABSENT || ref > 0 ? null : shardOf(handle).rich[-ref - 1];
    }

    /** The zone a located name belongs to. */
    ZoneServing zone(long handle) {
        NameNode rich = rich(handle);
        return rich != null ? rich.zone() : zones.byIndex[PackedNames.zoneIndex(shardOf(handle).arena, (int) handle - 1)];
    }

    /** Whether a located packed name holds any RRset (an empty non-terminal does not). */
    boolean hasData(long handle) {
        return PackedNames.hasData(shardOf(handle).arena, packedAt(handle));
    }

    /** Whether a located name holds an RRset of {@code type}. */
    boolean hasRRset(long handle, int type) {
        NameNode rich = rich(handle);
        return rich != null ? rich.rrset(type) != null : PackedNames.rrset(shardOf(handle).arena, packedAt(handle), type) >= 0;
    }

    /**
     * Writes the {@code type} RRset of a located packed name, owner a pointer to {@code ownerOffset},
     * through the caller's {@code scratch} ({@link PackedNames#SCRATCH_BYTES}); returns the records
     * written, or -1 (nothing written) when the name has none of that type.
     */
    int writeRRset(long handle, int type, ByteBuf out, int ownerOffset, byte[] scratch) {
        byte[] arena = shardOf(handle).arena;
        int rrset = PackedNames.rrset(arena, packedAt(handle), type);
        return rrset < 0 ? -1 : PackedNames.writeRRset(arena, rrset, out, ownerOffset, scratch);
    }

    private static int packedAt(long handle) {
        int ref = (int) handle;
        if (handle == ABSENT || ref <= 0) throw new IllegalArgumentException("not a packed name's handle (bug)");
        return ref - 1;
    }

    /** The node of a located name (unpacked into a new node when packed), or null for {@link #ABSENT}. */
    NameNode node(long handle) {
        if (handle == ABSENT) return null;
        NameNode rich = rich(handle);
        return rich != null ? rich : PackedNames.node(shardOf(handle).arena, packedAt(handle), zones.byIndex, zones.apexKeys);
    }

    /** Every node, packed names unpacked into new nodes, in no particular order (zone transfers: a walk of the whole table). */
    void forEachNode(Consumer<NameNode> action) {
        for (int shard = 0; shard < SHARD_COUNT; shard++) {
            for (int ref : shards[shard].refs) if (ref != EMPTY) action.accept(node(handle(shard, ref)));
        }
    }

    /** A new table holding these nodes in addition to (or instead of, same key) the current ones. */
    NameTable with(Collection<NameNode> upserts) {
        if (upserts.isEmpty()) return this;
        // Grouped by shard with a sort of (shard, position) pairs rather than an array of a list per
        // shard: a one-endpoint update (the common swap) then allocates nothing per shard of the table,
        // and within a shard the nodes keep their order (a later upsert of the same key wins).
        NameNode[] nodes = upserts.toArray(new NameNode[0]);
        long[] order = new long[nodes.length];
        for (int i = 0; i < nodes.length; i++) order[i] = (long) (nodes[i].hash() >>> (32 - SHARD_BITS)) << 32 | i;
        Arrays.sort(order);
        Zones nextZones = zones.with(upserts);
        Shard[] next = shards.clone();
        int nextSize = size;
        for (int from = 0; from < order.length; ) {
            int shard = (int) (order[from] >>> 32);
            int to = from;
            while (to < order.length && (int) (order[to] >>> 32) == shard) to++;
            List<NameNode> ofShard = new ArrayList<>(to - from);
            for (int k = from; k < to; k++) ofShard.add(nodes[(int) order[k]]);
            Shard old = shards[shard];
            Shard merged = old.with(ofShard, nextZones.apexKeys);
            nextSize += merged.count - old.count;
            next[shard] = merged;
            from = to;
        }
        return new NameTable(next, nextZones, nextSize);
    }

    /** By zone index: the zone, and its apex key (every packed name of the zone ends with it, so packing leaves it out). */
    private record Zones(ZoneServing[] byIndex, byte[][] apexKeys) {
        /** These zones and those of {@code upserts}; one zone per index, or the snapshot is broken. */
        Zones with(Collection<NameNode> upserts) {
            ZoneServing[] zones = byIndex;
            byte[][] keys = apexKeys;
            for (NameNode n : upserts) {
                int index = n.zone().index();
                ZoneServing known = index < zones.length ? zones[index] : null;
                if (known == null) {
                    if (zones == byIndex || index >= zones.length) {
                        zones = Arrays.copyOf(zones, Math.max(zones.length, index + 1));
                        keys = Arrays.copyOf(keys, zones.length);
                    }
                    zones[index] = n.zone();
                    keys[index] = WireNames.key(n.zone().origin());
                } else if (!known.equals(n.zone())) {
                    throw new IllegalStateException("two zones with index " + index + ": " + known.origin() + " and " + n.zone().origin() + " (bug)");
                }
            }
            return zones == byIndex ? this : new Zones(zones, keys);
        }
    }

    /**
     * Open addressing with linear probing, at most half full so probes stay short: {@code hashes} and
     * {@code refs} per slot, the packed names in {@code arena}, the other nodes in {@code rich}.
     */
    private record Shard(int[] hashes, int[] refs, NameNode[] rich, byte[] arena, int count) {
        boolean keyEquals(int ref, byte[][] apexKeys, byte[] a, int offset, int length) {
            return ref > 0 ? PackedNames.keyEquals(arena, ref - 1, apexKeys, a, offset, length) : WireNames.equalsLowered(rich[-ref - 1].key(), 0, a, offset, length);
        }

        boolean wildcardEquals(int ref, byte[][] apexKeys, byte[] a, int offset, int length) {
            if (ref > 0) return PackedNames.wildcardEquals(arena, ref - 1, apexKeys, a, offset, length);
            byte[] k = rich[-ref - 1].key();
            return k.length == length + 2 && k[0] == 1 && k[1] == '*' && WireNames.equalsLowered(k, 2, a, offset, length);
        }

        /**
         * This shard with {@code upserts} placed, in two passes: first where each name goes (a slot
         * holds -(u + 1) for upsert u, or j + 1 for this shard's slot j), then the arena and the rich
         * nodes are laid out from those sources.
         */
        Shard with(List<NameNode> upserts, byte[][] apexKeys) {
            int capacity = 2;
            while (capacity < (count + upserts.size()) * 2) capacity <<= 1;
            int[] h = new int[capacity];
            int[] sources = new int[capacity];
            int placed = 0;
            // Upserts first, so an old name with the same key is skipped when re-inserted.
            for (int u = 0; u < upserts.size(); u++) placed += place(h, sources, upserts.get(u).hash(), -(u + 1), upserts, apexKeys);
            for (int j = 0; j < refs.length; j++) if (refs[j] != EMPTY) placed += place(h, sources, hashes[j], j + 1, upserts, apexKeys);

            int arenaLength = 0;
            int richCount = 0;
            for (int source : sources) {
                if (source == EMPTY) continue;
                if (source < 0 && PackedNames.packable(upserts.get(-source - 1))) arenaLength += PackedNames.length(upserts.get(-source - 1));
                else if (source > 0 && refs[source - 1] > 0) arenaLength += PackedNames.length(arena, refs[source - 1] - 1);
                else richCount++;
            }
            byte[] a = new byte[arenaLength];
            NameNode[] r = richCount == 0 ? NO_NODES : new NameNode[richCount];
            int[] outRefs = new int[capacity];
            int at = 0;
            int nextRich = 0;
            for (int i = 0; i < capacity; i++) {
                int source = sources[i];
                if (source == EMPTY) continue;
                if (source < 0) {
                    NameNode node = upserts.get(-source - 1);
                    if (PackedNames.packable(node)) {
                        outRefs[i] = at + 1;
                        at = PackedNames.write(node, apexKeys[node.zone().index()], a, at);
                    } else {
                        r[nextRich] = node;
                        outRefs[i] = -(++nextRich);
                    }
                } else if (refs[source - 1] > 0) {
                    int from = refs[source - 1] - 1;
                    int length = PackedNames.length(arena, from);
                    System.arraycopy(arena, from, a, at, length);
                    outRefs[i] = at + 1;
                    at += length;
                } else {
                    r[nextRich] = rich[-refs[source - 1] - 1];
                    outRefs[i] = -(++nextRich);
                }
            }
            if (at != a.length || nextRich != r.length) throw new IllegalStateException("name table shard laid out wrongly (bug)");
            return new Shard(h, outRefs, r, a, placed);
        }

        /** Returns 1 when a new key was placed, 0 when the key was already there (a later upsert replaces an earlier one). */
        private int place(int[] h, int[] sources, int hash, int source, List<NameNode> upserts, byte[][] apexKeys) {
            int mask = sources.length - 1;
            for (int i = hash & mask, probes = 0; probes <= mask; i = (i + 1) & mask, probes++) {
                if (sources[i] == EMPTY) {
                    h[i] = hash;
                    sources[i] = source;
                    return 1;
                }
                if (h[i] == hash && sameKey(sources[i], source, upserts, apexKeys)) {
                    if (source < 0) sources[i] = source;
                    return 0;
                }
            }
            throw new IllegalStateException("name table shard full: sized below twice its count");
        }

        /** Whether two sources name the same key; this shard's own names are distinct, so two of them never do. */
        private boolean sameKey(int placed, int candidate, List<NameNode> upserts, byte[][] apexKeys) {
            if (placed > 0 && candidate > 0) return false;
            if (placed < 0 && candidate < 0) return Arrays.equals(upserts.get(-placed - 1).key(), upserts.get(-candidate - 1).key());
            byte[] key = upserts.get(-Math.min(placed, candidate) - 1).key();
            return keyEquals(refs[Math.max(placed, candidate) - 1], apexKeys, key, 0, key.length);
        }
    }
}
