package io.waymark.sim.system.old;

import io.waymark.core.planner.*;

import io.waymark.core.model.Endpoint;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A COPY of core's {@code VelocityLedger} at main 33942b1 (issue 7: the old code, with defects 5, 7, 8 and 12),
 * kept so that tests keep showing the whole-system run finds those defects after the fixes land. Never used
 * by production or by the explorer.
 *
 * <p> * Memory of recent capacity removals per endpoint, for velocity control. An immutable value: the
 * planner keeps the current one and replaces it after each publication, and a caller that wants the
 * memory to survive a restart can read it and pass it back in.
 */
public record OldVelocityLedger(Map<Endpoint, List<Removal>> removals) {
    public static final OldVelocityLedger EMPTY = new OldVelocityLedger(Map.of());
    /** Entries kept per endpoint at most: older ones fall out (bounded memory; they are outside any sane window). */
    public static final int REMOVALS_PER_ENDPOINT_MAX = 256;

    /** Capacity removed from an endpoint's record set at one instant (injected clock). */
    public record Removal(long atMillis, long capacity) {
        public Removal {
            if (capacity < 1) throw new IllegalArgumentException("a removal removes capacity >= 1, got " + capacity);
        }
    }

    public OldVelocityLedger {
        if (removals == null) throw new IllegalArgumentException("removals must not be null");
        TreeMap<Endpoint, List<Removal>> copy = new TreeMap<>();
        removals.forEach((e, list) -> copy.put(e, List.copyOf(list)));
        removals = Collections.unmodifiableMap(copy);
    }

    /** Capacity removed from {@code endpoint} in the window (nowMillis - windowMillis, nowMillis]. */
    public long removedWithin(Endpoint endpoint, long nowMillis, long windowMillis) {
        long sum = 0;
        for (Removal r : removals.getOrDefault(endpoint, List.of())) {
            if (r.atMillis() > nowMillis - windowMillis && r.atMillis() <= nowMillis) sum += r.capacity();
        }
        return sum;
    }

    /** This ledger plus the given removals at {@code nowMillis}, with entries older than the window dropped. */
    public OldVelocityLedger record(Map<Endpoint, Long> removedCapacity, long nowMillis, long windowMillis) {
        TreeMap<Endpoint, List<Removal>> next = new TreeMap<>();
        removals.forEach((e, list) -> {
            List<Removal> kept = new ArrayList<>();
            for (Removal r : list) if (r.atMillis() > nowMillis - windowMillis) kept.add(r);
            if (!kept.isEmpty()) next.put(e, kept);
        });
        removedCapacity.forEach((e, capacity) -> {
            if (capacity > 0) next.computeIfAbsent(e, k -> new ArrayList<>()).add(new Removal(nowMillis, capacity));
        });
        next.replaceAll((e, list) -> list.size() <= REMOVALS_PER_ENDPOINT_MAX ? list : list.subList(list.size() - REMOVALS_PER_ENDPOINT_MAX, list.size()));
        return new OldVelocityLedger(next);
    }
}
