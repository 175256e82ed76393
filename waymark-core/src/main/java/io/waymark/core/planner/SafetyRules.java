package io.waymark.core.planner;

import io.waymark.core.model.AddressFamily;
import io.waymark.core.model.Health;
import io.waymark.core.model.HealthObservations;
import io.waymark.core.model.RecordSet;
import io.waymark.core.model.Target;
import io.waymark.core.model.WeightedAddress;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Desired weights → safety rules → one endpoint's record set. Pure function of its inputs.
 *
 * <p>Every rule judges one <b>address family</b> of the endpoint at a time (IPv4 for A queries, IPv6 for
 * AAAA): clients ask for one family, so an endpoint whose IPv4 targets all failed must keep answering A
 * even while its IPv6 targets live (DESIGN.md, I1 per family). Per (endpoint, family):
 * <ul>
 * <li>"served" are the family's addresses in the last published record set; "previous" the configured
 *     targets among them (a target removed from the configuration is an operator's decision, not a
 *     removal to rate-limit);</li>
 * <li>health is UP, DOWN or UNKNOWN; an UNKNOWN target (not probed yet after a start, a restart or a
 *     planner fail-over) that is served stays, one that is not served is not added, and keeping it
 *     spends no velocity budget (DESIGN.md, "Unknown is not down").</li>
 * </ul>
 * Rules, in order:
 * <ol>
 * <li>a family never served gets its UP targets and nothing else (there is nothing to keep);</li>
 * <li>fail open — no UP target in a served family: keep what it serves (reported as FAIL_OPEN, or as
 *     NEVER_EMPTY when fail open is switched off, since an empty family is never an option);</li>
 * <li>minimum healthy fraction — UP capacity / the family's capacity below the minimum: remove nothing,
 *     serve previous ∪ UP;</li>
 * <li>velocity — the capacity of previous targets that are now DOWN is removed only up to the window's
 *     remaining budget (floor(fraction × the family's capacity) − removed in the window), in target id
 *     order; when nothing was removed from the family in the window, the first DOWN target goes even if
 *     it is larger than the whole budget, so that velocity control never keeps a dead target forever;</li>
 * <li>never empty — a served family that would end up without a configured target to serve (its targets
 *     were all replaced in the configuration and the new ones are not known UP yet) keeps the addresses
 *     it serves. A family with no configured target at all was dropped by operators and is left out.</li>
 * </ol>
 * When no family has anything to serve: the last record set is kept as it is, or, for an endpoint never
 * served, there is no record set yet ({@link EndpointDecision#records()} empty: nothing depends on a
 * target nobody has seen).
 */
public final class SafetyRules {
    private final SafetyPolicy policy;

    public SafetyRules(SafetyPolicy policy) {
        if (policy == null) throw new IllegalArgumentException("policy must not be null");
        this.policy = policy;
    }

    public SafetyPolicy policy() {
        return policy;
    }

    /**
     * @param removedInWindow capacity already removed from each family of this endpoint in the current
     *                        velocity window (absent = 0)
     */
    public EndpointDecision decide(EndpointSpec spec, HealthObservations health, Optional<RecordSet> lastGood, Map<AddressFamily, Long> removedInWindow) {
        List<WeightedAddress> addresses = new ArrayList<>();
        Map<AddressFamily, Long> removed = new EnumMap<>(AddressFamily.class);
        List<SafetyEvent> events = new ArrayList<>();
        for (AddressFamily family : AddressFamily.values()) {
            FamilyInput in = FamilyInput.of(spec, family, health, lastGood);
            FamilyDecision d = decideFamily(in, removedInWindow.getOrDefault(family, 0L));
            addresses.addAll(d.addresses());
            if (d.removedCapacity() > 0) removed.put(family, d.removedCapacity());
            events.addAll(d.events());
        }
        if (addresses.isEmpty()) {
            if (lastGood.isEmpty()) return new EndpointDecision(Optional.empty(), removed, events);
            events.add(new SafetyEvent(spec.endpoint(), SafetyRule.NEVER_EMPTY, "no configured target is known up; keeping the last record set " + lastGood.get()));
            return new EndpointDecision(lastGood, removed, events);
        }
        return new EndpointDecision(Optional.of(new RecordSet(addresses, spec.ttlSeconds())), removed, events);
    }

    /** One family of one endpoint: its configured targets (id order), what it served, and their health. */
    private record FamilyInput(EndpointSpec spec, AddressFamily family, List<Target> all, List<WeightedAddress> served,
                               List<Target> previous, List<Target> up, HealthObservations health) {
        static FamilyInput of(EndpointSpec spec, AddressFamily family, HealthObservations health, Optional<RecordSet> lastGood) {
            List<Target> all = new ArrayList<>();
            for (Target t : spec.targets()) if (AddressFamily.of(t.address()) == family) all.add(t);
            all.sort(Comparator.comparing(Target::id));
            List<WeightedAddress> served = new ArrayList<>();
            lastGood.ifPresent(rs -> rs.addresses().forEach(a -> {
                if (AddressFamily.of(a.address()) == family) served.add(a);
            }));
            Set<InetAddress> servedAddresses = new HashSet<>();
            for (WeightedAddress a : served) servedAddresses.add(a.address());
            List<Target> previous = all.stream().filter(t -> servedAddresses.contains(t.address())).toList();
            List<Target> up = all.stream().filter(t -> health.of(t.id()) == Health.UP).toList();
            return new FamilyInput(spec, family, all, served, previous, up, health);
        }

        boolean down(Target t) {
            return health.of(t.id()) == Health.DOWN;
        }

        long capacity(List<Target> targets) {
            long sum = 0;
            for (Target t : targets) sum += t.capacity();
            return sum;
        }

        SafetyEvent event(SafetyRule rule, String detail) {
            return new SafetyEvent(spec.endpoint(), rule, family.recordType() + ": " + detail);
        }
    }

    private record FamilyDecision(List<WeightedAddress> addresses, long removedCapacity, List<SafetyEvent> events) {
        static final FamilyDecision NONE = new FamilyDecision(List.of(), 0, List.of());

        static FamilyDecision serve(Set<Target> chosen, long removedCapacity, List<SafetyEvent> events) {
            List<WeightedAddress> out = new ArrayList<>();
            for (Target t : chosen) out.add(new WeightedAddress(t.address(), (int) t.capacity()));
            return new FamilyDecision(out, removedCapacity, events);
        }
    }

    private FamilyDecision decideFamily(FamilyInput in, long removedInWindow) {
        if (in.all().isEmpty()) return FamilyDecision.NONE; // no target of this family configured (or no longer)
        if (in.served().isEmpty()) return FamilyDecision.serve(new LinkedHashSet<>(in.up()), 0, List.of());
        if (in.up().isEmpty()) return keepServed(in);
        long capacity = in.capacity(in.all());
        long upCapacity = in.capacity(in.up());
        if ((double) upCapacity / capacity < policy.minHealthyFraction()) return belowMinimum(in, capacity, upCapacity);
        return velocity(in, capacity, removedInWindow);
    }

    /** No target of a served family is known UP: keep what it serves (fail open / never empty). */
    private FamilyDecision keepServed(FamilyInput in) {
        List<SafetyEvent> events = new ArrayList<>();
        if (in.previous().isEmpty()) {
            // Served addresses that are no longer configured, and no configured one known UP yet: serving
            // them a little longer beats answering this family with nothing.
            events.add(in.event(SafetyRule.NEVER_EMPTY, "no configured target is known up; keeping the " + in.served().size() + " address(es) served"));
            return new FamilyDecision(in.served(), 0, events);
        }
        if (in.previous().stream().anyMatch(in::down)) {
            SafetyRule rule = policy.failOpen() ? SafetyRule.FAIL_OPEN : SafetyRule.NEVER_EMPTY;
            events.add(in.event(rule, "all " + in.all().size() + " targets unhealthy or unknown; keeping the last known good " + in.previous().size() + " target(s)"));
        }
        return FamilyDecision.serve(new LinkedHashSet<>(in.previous()), 0, events);
    }

    private FamilyDecision belowMinimum(FamilyInput in, long capacity, long upCapacity) {
        Set<Target> chosen = new LinkedHashSet<>(in.previous());
        chosen.addAll(in.up());
        List<SafetyEvent> events = new ArrayList<>();
        if (in.previous().stream().anyMatch(in::down)) {
            events.add(in.event(SafetyRule.MIN_HEALTHY_FRACTION, String.format(Locale.ROOT,
                    "healthy capacity %d of %d (%.1f%%) is below the minimum %.1f%%; removing nothing",
                    upCapacity, capacity, 100.0 * upCapacity / capacity, 100.0 * policy.minHealthyFraction())));
        }
        return FamilyDecision.serve(chosen, 0, events);
    }

    private FamilyDecision velocity(FamilyInput in, long capacity, long removedInWindow) {
        Set<Target> chosen = new LinkedHashSet<>(in.up());
        for (Target t : in.previous()) if (!in.down(t)) chosen.add(t); // UNKNOWN and served: kept, no budget spent
        long budget = (long) Math.floor(policy.velocityMaxRemovedFraction() * capacity) - removedInWindow;
        long removed = 0;
        List<String> kept = new ArrayList<>();
        for (Target t : in.previous()) {
            if (!in.down(t)) continue;
            boolean fits = removed + t.capacity() <= budget;
            // Nothing removed from this family in the window yet: one target may go even when it is larger
            // than the whole budget; otherwise a target above one window's budget would be served forever.
            boolean firstOfWindow = removedInWindow == 0 && removed == 0;
            if (fits || firstOfWindow) {
                removed += t.capacity();
            } else {
                chosen.add(t);
                kept.add(t.id());
            }
        }
        List<SafetyEvent> events = new ArrayList<>();
        if (!kept.isEmpty()) {
            events.add(in.event(SafetyRule.VELOCITY, String.format(Locale.ROOT,
                    "removal budget %.1f%% of capacity %d per %d ms exhausted (%d already removed in the window); keeping unhealthy %s for now",
                    100.0 * policy.velocityMaxRemovedFraction(), capacity, policy.velocityWindowMillis(), removedInWindow + removed, kept)));
        }
        return FamilyDecision.serve(chosen, removed, events);
    }
}
