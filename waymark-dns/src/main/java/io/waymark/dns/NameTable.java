package io.waymark.dns;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;

/**
 * Immutable map from name key to {@link NameNode}, split into shards so that a change copies only
 * the shards it touches: applying k changes costs O(k + shards touched × shard size), not the size
 * of the zone. Lookups work on a range of a byte array, so the query path allocates nothing.
 */
final class NameTable {
    private static final int SHARD_BITS = 12;
    private static final int SHARD_COUNT = 1 << SHARD_BITS;
    private static final Shard EMPTY_SHARD = new Shard(new int[2], new NameNode[2], 0);

    private final Shard[] shards;
    private final int size;

    private NameTable(Shard[] shards, int size) {
        this.shards = shards;
        this.size = size;
    }

    static NameTable empty() {
        Shard[] shards = new Shard[SHARD_COUNT];
        Arrays.fill(shards, EMPTY_SHARD);
        return new NameTable(shards, 0);
    }

    int size() {
        return size;
    }

    NameNode find(byte[] key) {
        return find(key, WireNames.hash(key));
    }

    NameNode find(byte[] key, int h) {
        Shard s = shards[h >>> (32 - SHARD_BITS)];
        int mask = s.nodes.length - 1;
        for (int i = h & mask, probes = 0; probes <= mask; i = (i + 1) & mask, probes++) {
            NameNode n = s.nodes[i];
            if (n == null) return null;
            if (s.hashes[i] == h && Arrays.equals(n.key(), key)) return n;
        }
        return null;
    }

    /** Finds the lower-cased name at {@code a[offset, offset+length)}; {@code h} from {@link WireNames#hash(byte[], int, int)}. */
    NameNode find(byte[] a, int offset, int length, int h) {
        Shard s = shards[h >>> (32 - SHARD_BITS)];
        int mask = s.nodes.length - 1;
        for (int i = h & mask, probes = 0; probes <= mask; i = (i + 1) & mask, probes++) {
            NameNode n = s.nodes[i];
            if (n == null) return null;
            if (s.hashes[i] == h && WireNames.equalsLowered(n.key(), 0, a, offset, length)) return n;
        }
        return null;
    }

    /** Finds {@code *.<lower-cased name at a[offset, offset+length)>}; {@code h} hashes the two wildcard label bytes then the name. */
    NameNode findWildcard(byte[] a, int offset, int length, int h) {
        Shard s = shards[h >>> (32 - SHARD_BITS)];
        int mask = s.nodes.length - 1;
        for (int i = h & mask, probes = 0; probes <= mask; i = (i + 1) & mask, probes++) {
            NameNode n = s.nodes[i];
            if (n == null) return null;
            byte[] k = n.key();
            if (s.hashes[i] == h && k.length == length + 2 && k[0] == 1 && k[1] == '*' && WireNames.equalsLowered(k, 2, a, offset, length)) return n;
        }
        return null;
    }

    /** A new table holding these nodes in addition to (or instead of, same key) the current ones. */
    /** Every node, in no particular order (zone transfers: a walk of the whole table). */
    void forEach(java.util.function.Consumer<NameNode> action) {
        for (Shard shard : shards) {
            for (NameNode n : shard.nodes()) if (n != null) action.accept(n);
        }
    }

    NameTable with(Collection<NameNode> upserts) {
        if (upserts.isEmpty()) return this;
        @SuppressWarnings("unchecked")
        List<NameNode>[] byShard = new List[SHARD_COUNT];
        for (NameNode n : upserts) {
            int shard = n.hash() >>> (32 - SHARD_BITS);
            if (byShard[shard] == null) byShard[shard] = new ArrayList<>();
            byShard[shard].add(n);
        }
        Shard[] next = shards.clone();
        int nextSize = size;
        for (int i = 0; i < SHARD_COUNT; i++) {
            if (byShard[i] == null) continue;
            Shard old = shards[i];
            Shard merged = old.with(byShard[i]);
            nextSize += merged.count - old.count;
            next[i] = merged;
        }
        return new NameTable(next, nextSize);
    }

    /** Open addressing with linear probing, at most half full so probes stay short. */
    private record Shard(int[] hashes, NameNode[] nodes, int count) {
        Shard with(List<NameNode> upserts) {
            int capacity = 2;
            while (capacity < (count + upserts.size()) * 2) capacity <<= 1;
            int[] h = new int[capacity];
            NameNode[] n = new NameNode[capacity];
            int c = 0;
            // Upserts first, so an old node with the same key is skipped when re-inserted.
            for (NameNode node : upserts) c += insert(h, n, node.hash(), node, true);
            for (int i = 0; i < nodes.length; i++) if (nodes[i] != null) c += insert(h, n, hashes[i], nodes[i], false);
            return new Shard(h, n, c);
        }

        /** Returns 1 when a new key was placed, 0 when the key was already there. */
        private static int insert(int[] hashes, NameNode[] nodes, int hash, NameNode node, boolean replace) {
            int mask = nodes.length - 1;
            for (int i = hash & mask, probes = 0; probes <= mask; i = (i + 1) & mask, probes++) {
                if (nodes[i] == null) {
                    hashes[i] = hash;
                    nodes[i] = node;
                    return 1;
                }
                if (hashes[i] == hash && Arrays.equals(nodes[i].key(), node.key())) {
                    if (replace) nodes[i] = node;
                    return 0;
                }
            }
            throw new IllegalStateException("name table shard full: sized below twice its count");
        }
    }
}
