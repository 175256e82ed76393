package io.waymark.sim.cascade;

/** One request to re-establish {@code host}'s lease; {@code attempt} counts earlier tries (0 = first). */
record WorkItem(int host, int attempt) {
    WorkItem {
        if (host < 0 || attempt < 0) throw new IllegalArgumentException("host and attempt must be >= 0");
    }
}
