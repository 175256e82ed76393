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
 * <li>V1, velocity in real time: the capacity that leaves an endpoint's answer in any window of the
 *     simulation's own clock is at most the budget (floor(fraction x capacity)) or, when a single target is
 *     larger than the budget, that one target. A ledger lost in a restart, two planners each spending a
 *     full budget, or a wall clock that steps break it.</li>
 * </ul>
 * Operator publications (rollback, forced publish) are operators' decisions: they reset the velocity
 * accounting and are not judged.
 */
public final class PlannerDecisions {
    private record Removal(long atMillis, long capacity) {}

    private final Map<Endpoint, EndpointSpec> specs;
    private final double velocityFraction;
    private final long windowMillis;
    private final Map<Endpoint, ArrayDeque<Removal>> removals = new HashMap<>();
    private final Map<Endpoint, Long> bound = new HashMap<>();
    private boolean reportedUnknown = false;
    private boolean reportedVelocity = false;
    /** At most this many removals are remembered per endpoint (bounded memory; older ones are outside any window). */
    private static final int REMOVALS_MAX = 64;

    public PlannerDecisions(List<EndpointSpec> specs, double velocityFraction, long windowMillis) {
        this.specs = new HashMap<>();
        for (EndpointSpec s : specs) {
            this.specs.put(s.endpoint(), s);
            long largest = s.targets().stream().mapToLong(Target::capacity).max().orElse(0);
            bound.put(s.endpoint(), Math.max((long) Math.floor(velocityFraction * s.totalCapacity()), largest));
        }
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
            long removed = 0;
            for (WeightedAddress a : before.addresses()) {
                if (contains(e.getValue(), a.address())) continue;
                Target t = targetOf.apply(a.address());
                if (t == null) continue;
                removed += t.capacity();
                if (!everDown.test(t.id()) && !reportedUnknown) {
                    reportedUnknown = true;
                    sink.violate(SystemInvariant.U1_UNKNOWN_IS_NOT_DOWN, "t=" + nowMillis + "ms U1_UNKNOWN_IS_NOT_DOWN at " + endpoint + ": " + planner + " published " + next.generation()
                            + " without " + t.id() + " (" + a.address().getHostAddress() + "), which was never down: its health was unknown, not bad");
                }
            }
            if (removed > 0) velocity(planner, endpoint, next, removed, nowMillis, sink);
        }
    }

    private void velocity(String planner, Endpoint endpoint, Plan next, long removed, long nowMillis, Sink sink) {
        ArrayDeque<Removal> q = removals.computeIfAbsent(endpoint, k -> new ArrayDeque<>());
        while (!q.isEmpty() && q.peekFirst().atMillis() <= nowMillis - windowMillis) q.pollFirst();
        if (q.size() >= REMOVALS_MAX) q.pollFirst();
        q.addLast(new Removal(nowMillis, removed));
        long sum = 0;
        for (Removal r : q) sum += r.capacity();
        long max = bound.get(endpoint);
        if (sum > max && !reportedVelocity) {
            reportedVelocity = true;
            sink.violate(SystemInvariant.V1_VELOCITY, String.format(java.util.Locale.ROOT,
                    "t=%dms V1_VELOCITY at %s: %s published %s; %d of capacity %d left the answer within %d ms of real time (budget %.0f%% = %d, or one target)",
                    nowMillis, endpoint, planner, next.generation(), sum, specs.get(endpoint).totalCapacity(), windowMillis, 100 * velocityFraction, max));
        }
    }

    private static boolean contains(RecordSet rs, InetAddress a) {
        for (WeightedAddress w : rs.addresses()) if (w.address().equals(a)) return true;
        return false;
    }
}
