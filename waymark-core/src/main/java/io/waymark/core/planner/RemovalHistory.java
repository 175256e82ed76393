package io.waymark.core.planner;

import io.waymark.core.model.AddressFamily;
import io.waymark.core.model.Endpoint;
import io.waymark.core.model.Generation;
import io.waymark.core.model.Plan;
import io.waymark.core.model.Provenance;
import io.waymark.core.model.RecordSet;
import io.waymark.core.model.Target;
import io.waymark.core.model.WeightedAddress;
import io.waymark.core.port.PlanStore;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * "Capacity removed from (endpoint, family) in the velocity window", derived from plan history rather
 * than remembered: a removal is an address in one stored plan that the next stored plan lacks. So the
 * count survives a restart and holds across planners (two planners share one budget, because each sees
 * the other's plans), and it counts forced plans and rollbacks too.
 *
 * <p>Only removals of targets still configured behind the endpoint count, at their configured
 * capacity: a target removed from the configuration is an operator's decision, not a removal to rate-limit.
 * An endpoint missing from the newer plan (left the configuration) removes nothing either.
 *
 * <p><b>Which plans are in the window.</b> A plan this process saw appear (it published it, or found it
 * newer than anything it had seen, or found it in history on its first look) is judged by the monotonic
 * clock from that moment: wall-clock steps and another planner's clock cannot age it early. Only a plan
 * that was never seen so (beyond the scanned tail on the first look, or evicted from the bounded memory)
 * is judged by its stored publish time on the wall clock, and a publish time in the future (the wall
 * clock stepped back) counts as inside the window, never as long ago. A plan with no publish time (an
 * old log) counts as outside.
 *
 * <p>Bounds: the newest {@code plansScannedMax} stored plans are scanned; plans and per-pair diffs are
 * cached by generation (plans are immutable; a generation is handed out once, I6), at most that many.
 * Diffs this process computed keep counting after clean-up deletes their plans. A window holding more
 * plans than that, or plans published and cleaned up while this process was not running, undercount:
 * keep the history retention above the number of plans one window can see. Not thread-safe (one per planner).
 */
final class RemovalHistory {
    private final int plansScannedMax;
    private final long windowMillis;
    private final LinkedHashMap<Long, Plan> plans;
    private final LinkedHashMap<Long, PairDiff> diffs;
    private final TreeMap<Long, Long> firstSeenNanos = new TreeMap<>();
    /** Newest generation this process has seen; -1 before its first look at history. */
    private long seenUpTo = -1;

    /**
     * What one stored plan removed against the stored plan before it (endpoint → addresses gone), with
     * what {@link #inWindow} needs of the newer plan: so that a plan clean-up deleted since still counts.
     */
    private record PairDiff(long predecessor, long generation, Provenance provenance, Map<Endpoint, List<InetAddress>> removed) {}

    RemovalHistory(int plansScannedMax, long windowMillis) {
        if (plansScannedMax < 2) throw new IllegalArgumentException("plansScannedMax must be >= 2, got " + plansScannedMax);
        if (windowMillis < 1) throw new IllegalArgumentException("windowMillis must be >= 1, got " + windowMillis);
        this.plansScannedMax = plansScannedMax;
        this.windowMillis = windowMillis;
        this.plans = lru(plansScannedMax + 1);
        this.diffs = lru(plansScannedMax);
    }

    private static <V> LinkedHashMap<Long, V> lru(int max) {
        return new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Long, V> eldest) {
                return size() > max;
            }
        };
    }

    /** Records that this process published {@code generation} at {@code now} (it saw it appear). */
    void published(Generation generation, TickTime now) {
        see(generation.value(), now);
    }

    /** Capacity removed in the window ending at {@code now}, per endpoint and family (absent = 0). */
    Map<Endpoint, Map<AddressFamily, Long>> removedInWindow(PlanStore store, Topology topology, TickTime now) {
        List<Generation> history = store.history();
        observe(history, now);
        List<Generation> tail = history.subList(Math.max(0, history.size() - plansScannedMax), history.size());
        for (int i = tail.size() - 1; i >= 1; i--) {
            Optional<Plan> newer = plan(store, tail.get(i));
            if (newer.isEmpty() || !inWindow(newer.get().generation().value(), newer.get().provenance(), now)) continue;
            diff(store, tail.get(i - 1), newer.get());
        }
        // Every diff this process computed counts while in the window, also when clean-up has deleted one
        // of its plans since: deleting history must not refill the budget.
        Map<Endpoint, Map<AddressFamily, Long>> out = new HashMap<>();
        for (PairDiff d : List.copyOf(diffs.values())) {
            if (inWindow(d.generation(), d.provenance(), now)) count(d, topology, out);
        }
        return out;
    }

    /**
     * Generations newer than any seen before were seen now. On the first look (a planner just started or
     * restarted, or one that was pinned since it started) every plan of the scanned tail counts as seen now
     * too: its age is unknown. Its stored publish time is another process's wall clock, which can be behind
     * this one's (a step back, skew between two planners' hosts); judging by it let a restarted or
     * just-unpinned planner take another planner's fresh removal for an old one and spend the window's
     * budget a second time (seed 115, V1). The price: after a start, removals in recent history hold the
     * budget for one more window on this process's monotonic clock (velocity still lets one target go once
     * that window is over).
     */
    void observe(List<Generation> history, TickTime now) {
        if (history.isEmpty()) return;
        long newest = history.get(history.size() - 1).value();
        if (seenUpTo < 0) {
            for (int i = Math.max(0, history.size() - plansScannedMax); i < history.size(); i++) see(history.get(i).value(), now);
            seenUpTo = newest;
            return;
        }
        // The bound is read once: see() raises seenUpTo, and comparing against the raised value marked only the
        // newest of several new plans seen, leaving the others to another process's wall clock (seed 8407, V1).
        long before = seenUpTo;
        for (int i = history.size() - 1; i >= 0 && history.get(i).value() > before; i--) see(history.get(i).value(), now);
        seenUpTo = Math.max(seenUpTo, newest);
    }

    private void see(long generation, TickTime now) {
        firstSeenNanos.putIfAbsent(generation, now.monotonicNanos());
        while (firstSeenNanos.size() > plansScannedMax) firstSeenNanos.pollFirstEntry();
        seenUpTo = Math.max(seenUpTo, generation);
    }

    private boolean inWindow(long generation, Provenance provenance, TickTime now) {
        Long seen = firstSeenNanos.get(generation);
        if (seen != null) return now.monotonicNanos() - seen < windowMillis * 1_000_000L;
        if (!provenance.timeKnown()) return false;
        return provenance.publishedAtMillis() > now.wallMillis() - windowMillis; // the future is inside
    }

    private Optional<Plan> plan(PlanStore store, Generation g) {
        Plan cached = plans.get(g.value());
        if (cached != null) return Optional.of(cached);
        Optional<Plan> read = store.read(g);
        read.ifPresent(p -> plans.put(g.value(), p));
        return read;
    }

    /**
     * Caches the diff of {@code newer} against the stored plan before it. A diff computed earlier against a
     * later predecessor (one deleted since) is finer and kept: that predecessor's own diff is cached too.
     */
    private void diff(PlanStore store, Generation olderGeneration, Plan newer) {
        PairDiff cached = diffs.get(newer.generation().value());
        if (cached != null && cached.predecessor() >= olderGeneration.value()) return;
        Optional<Plan> older = plan(store, olderGeneration);
        if (older.isEmpty()) return;
        diffs.put(newer.generation().value(), new PairDiff(olderGeneration.value(), newer.generation().value(), newer.provenance(), removed(older.get(), newer)));
    }

    private static Map<Endpoint, List<InetAddress>> removed(Plan older, Plan newer) {
        Map<Endpoint, List<InetAddress>> out = new HashMap<>();
        for (Map.Entry<Endpoint, RecordSet> e : older.recordSets().entrySet()) {
            RecordSet next = newer.recordSets().get(e.getKey());
            if (next == null || next.equals(e.getValue())) continue;
            Set<InetAddress> kept = new HashSet<>();
            for (WeightedAddress a : next.addresses()) kept.add(a.address());
            List<InetAddress> gone = new ArrayList<>();
            for (WeightedAddress a : e.getValue().addresses()) if (!kept.contains(a.address())) gone.add(a.address());
            if (!gone.isEmpty()) out.put(e.getKey(), List.copyOf(gone));
        }
        return out;
    }

    private static void count(PairDiff diff, Topology topology, Map<Endpoint, Map<AddressFamily, Long>> out) {
        diff.removed().forEach((endpoint, gone) -> {
            EndpointSpec spec = topology.endpoints().get(endpoint);
            if (spec == null) return;
            for (InetAddress address : gone) {
                for (Target t : spec.targets()) {
                    if (!t.address().equals(address)) continue;
                    out.computeIfAbsent(endpoint, k -> new EnumMap<>(AddressFamily.class)).merge(AddressFamily.of(address), t.capacity(), Long::sum);
                }
            }
        });
    }
}
