package io.waymark.sim.invariant;

import io.waymark.core.model.Endpoint;
import io.waymark.core.model.Plan;
import io.waymark.core.model.RecordSet;
import io.waymark.core.model.Target;
import io.waymark.core.model.WeightedAddress;
import io.waymark.core.planner.EndpointSpec;
import java.net.InetAddress;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Judges each plan a planner published against the plan it replaced:
 * <ul>
 * <li>U1, unknown is not down: a target that was never down (in the simulated truth, so no probe could
 *     have seen it down) must not leave the answer. A planner that counts a target it has not probed yet
 *     (after a start, a restart, a fail-over) as unhealthy breaks it.</li>
 * <li>V1, velocity in real time: the capacity that leaves one address family of an endpoint's answer in
 *     any window of the simulation's own clock is at most the budget (floor(fraction x the family's
 *     capacity): A and AAAA clients are different clients) or, when a single target is larger than the
 *     budget, that one target. A ledger lost in a restart, two planners each spending a full budget, or a
 *     wall clock that steps break it.</li>
 * </ul>
 * Operator publications (rollback, forced publish) are operators' decisions: they reset the velocity
 * accounting and are not judged.
 */
public final class PlannerDecisions {
    private record Removal(long atMillis, long capacity) {}

    private final Map<Endpoint, EndpointSpec> specs;
    private final double velocityFraction;
    private final long windowMillis;
    /** Keyed by (endpoint, family): family 1 = IPv4, 2 = IPv6. */
    private record Key(Endpoint endpoint, int family) {}

    private final Map<Key, ArrayDeque<Removal>> removals = new HashMap<>();
    private final Map<Key, Long> bound;
    private final Map<Key, Long> familyCapacity;
    private boolean reportedUnknown = false;
    private boolean reportedVelocity = false;
    /** At most this many removals are remembered per endpoint (bounded memory; older ones are outside any window). */
    private static final int REMOVALS_MAX = 64;

    /** What a catalogue and a budget derive (immutable): computed once per catalogue, not once per schedule. */
    private record Derived(List<EndpointSpec> catalogue, double fraction, Map<Endpoint, EndpointSpec> specs, Map<Key, Long> bound, Map<Key, Long> familyCapacity) {}

    private static volatile Derived lastDerived;

    private static Derived derive(List<EndpointSpec> specs, double velocityFraction) {
        Derived d = lastDerived;
        if (d != null && d.catalogue() == specs && d.fraction() == velocityFraction) return d;
        Map<Endpoint, EndpointSpec> bySpec = new HashMap<>();
        Map<Key, Long> bound = new HashMap<>();
        Map<Key, Long> familyCapacity = new HashMap<>();
        for (EndpointSpec s : specs) {
            bySpec.put(s.endpoint(), s);
            for (int family = 1; family <= 2; family++) {
                int f = family;
                List<Target> of = s.targets().stream().filter(t -> familyOf(t.address()) == f).toList();
                if (of.isEmpty()) continue;
                long capacity = of.stream().mapToLong(Target::capacity).sum();
                long largest = of.stream().mapToLong(Target::capacity).max().orElse(0);
                Key k = new Key(s.endpoint(), family);
                familyCapacity.put(k, capacity);
                bound.put(k, Math.max((long) Math.floor(velocityFraction * capacity), largest));
            }
        }
        d = new Derived(specs, velocityFraction, Map.copyOf(bySpec), Map.copyOf(bound), Map.copyOf(familyCapacity));
        lastDerived = d;
        return d;
    }

    public PlannerDecisions(List<EndpointSpec> specs, double velocityFraction, long windowMillis) {
        Derived d = derive(specs, velocityFraction);
        this.specs = d.specs();
        this.bound = d.bound();
        this.familyCapacity = d.familyCapacity();
        this.velocityFraction = velocityFraction;
        this.windowMillis = windowMillis;
    }

    /** An operator published (rollback, forced): what follows is measured afresh. */
    public void operatorPublished() {
        removals.clear();
    }

    /**
     * {@code planner} published {@code next} over {@code previous} at simulated time {@code nowMillis}.
     * {@code everDown}: whether a target id was ever down; {@code live}: whether an endpoint is configured.
     */
    public void published(String planner, Plan previous, Plan next, long nowMillis, Predicate<String> everDown, Predicate<Endpoint> live,
                          Function<InetAddress, Target> targetOf, Sink sink) {
        for (Map.Entry<Endpoint, RecordSet> e : next.recordSets().entrySet()) {
            Endpoint endpoint = e.getKey();
            RecordSet before = previous.recordSets().get(endpoint);
            if (before == null || before == e.getValue() || !live.test(endpoint) || !specs.containsKey(endpoint)) continue;
            long[] removed = new long[3];
            for (WeightedAddress a : before.addresses()) {
                if (contains(e.getValue(), a.address())) continue;
                Target t = targetOf.apply(a.address());
                if (t == null) continue;
                removed[familyOf(a.address())] += t.capacity();
                if (!everDown.test(t.id()) && !reportedUnknown) {
                    reportedUnknown = true;
                    sink.violate(SystemInvariant.U1_UNKNOWN_IS_NOT_DOWN, "t=" + nowMillis + "ms U1_UNKNOWN_IS_NOT_DOWN at " + endpoint + ": " + planner + " published " + next.generation()
                            + " without " + t.id() + " (" + a.address().getHostAddress() + "), which was never down: its health was unknown, not bad");
                }
            }
            for (int f = 1; f <= 2; f++) if (removed[f] > 0) velocity(planner, new Key(endpoint, f), next, removed[f], nowMillis, sink);
        }
    }

    private static int familyOf(InetAddress a) {
        return a instanceof java.net.Inet4Address ? 1 : 2;
    }

    private void velocity(String planner, Key key, Plan next, long removed, long nowMillis, Sink sink) {
        ArrayDeque<Removal> q = removals.computeIfAbsent(key, k -> new ArrayDeque<>());
        while (!q.isEmpty() && q.peekFirst().atMillis() <= nowMillis - windowMillis) q.pollFirst();
        if (q.size() >= REMOVALS_MAX) q.pollFirst();
        q.addLast(new Removal(nowMillis, removed));
        long sum = 0;
        for (Removal r : q) sum += r.capacity();
        long max = bound.get(key);
        if (sum > max && !reportedVelocity) {
            reportedVelocity = true;
            sink.violate(SystemInvariant.V1_VELOCITY, String.format(java.util.Locale.ROOT,
                    "t=%dms V1_VELOCITY at %s %s: %s published %s; %d of the family's capacity %d left the answer within %d ms of real time (budget %.0f%% = %d, or one target)",
                    nowMillis, key.endpoint(), key.family() == 1 ? "A" : "AAAA", planner, next.generation(), sum, familyCapacity.get(key), windowMillis, 100 * velocityFraction, max));
        }
    }

    private static boolean contains(RecordSet rs, InetAddress a) {
        for (WeightedAddress w : rs.addresses()) if (w.address().equals(a)) return true;
        return false;
    }
}
