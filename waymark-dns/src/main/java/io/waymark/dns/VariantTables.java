package io.waymark.dns;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * Shares variant tables between names with the same weights (a fleet's endpoints mostly repeat a
 * few weight vectors), which keeps both the memory and the cost of converging many endpoints low.
 * Not thread-safe: used under the {@link Authority}'s writer lock.
 */
final class VariantTables {
    /** Bound on cached vectors; tables still referenced by a snapshot stay alive when it is cleared. */
    private static final int CACHED_MAX = 65_536;
    private final int answerAddressesMax;
    private final Map<Key, VariantTable> cache = new HashMap<>();

    VariantTables(int answerAddressesMax) {
        if (answerAddressesMax < 1) throw new IllegalArgumentException("answer addresses max must be at least 1");
        this.answerAddressesMax = answerAddressesMax;
    }

    /** Null when one address (nothing to vary). */
    VariantTable forWeights(int[] weights) {
        if (weights.length < 2) return null;
        Key key = new Key(weights);
        VariantTable table = cache.get(key);
        if (table == null) {
            if (cache.size() >= CACHED_MAX) cache.clear();
            table = VariantTable.build(weights, answerAddressesMax);
            cache.put(key, table);
        }
        return table;
    }

    private record Key(int[] weights) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Key other && Arrays.equals(weights, other.weights);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(weights);
        }
    }
}
