package io.waymark.sim.system.old;

import io.waymark.core.planner.*;

import io.waymark.core.model.HealthObservations;
import io.waymark.core.model.RecordSet;
import io.waymark.core.model.Target;
import io.waymark.core.model.WeightedAddress;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * A COPY of core's {@code SafetyRules} at main 33942b1 (issue 7: the old code, with defects 5, 7, 8 and 12),
 * kept so that tests keep showing the whole-system run finds those defects after the fixes land. Never used
 * by production or by the explorer.
 *
 * <p> * Desired weights → safety rules → one endpoint's record set. Pure function of its inputs.
 *
 * <p>Weights come from healthy capacity: a target's weight is its capacity. "Previous" is what the last
 * published plan serves for the endpoint, restricted to targets still configured (a target removed from
 * the configuration is an operator's decision, not a removal to rate-limit); with no usable previous
 * record set, every configured target counts as previously served, so a cold start is rate-limited too.
 * Rules, in order:
 * <ol>
 * <li>fail open — no healthy target: serve previous (reported as FAIL_OPEN, or as NEVER_EMPTY when fail
 *     open is switched off, since an empty record set is never an option);</li>
 * <li>minimum healthy fraction — healthy capacity / total capacity below the minimum: remove nothing,
 *     serve previous ∪ healthy;</li>
 * <li>velocity — the capacity of previous targets that are now unhealthy is removed only up to the
 *     window's remaining budget (floor(fraction × total capacity) − removed in the window); targets are
 *     removed in id order and the rest kept until a later window;</li>
 * <li>never empty — asserted: the rules above cannot produce an empty set.</li>
 * </ol>
 */
public final class OldSafetyRules {
    private final SafetyPolicy policy;

    public OldSafetyRules(SafetyPolicy policy) {
        if (policy == null) throw new IllegalArgumentException("policy must not be null");
        this.policy = policy;
    }

    public SafetyPolicy policy() {
        return policy;
    }

    public OldEndpointDecision decide(EndpointSpec spec, HealthObservations health, Optional<RecordSet> lastGood, long removedInWindow) {
        List<Target> all = new ArrayList<>(spec.targets());
        all.sort(Comparator.comparing(Target::id));
        long totalCapacity = spec.totalCapacity();

        Set<InetAddress> lastAddresses = new HashSet<>();
        lastGood.ifPresent(rs -> rs.addresses().forEach(a -> lastAddresses.add(a.address())));
        List<Target> previous = all.stream().filter(t -> lastAddresses.contains(t.address())).toList();
        if (previous.isEmpty()) previous = all;

        List<Target> healthy = all.stream().filter(t -> health.up(t.id())).toList();
        long healthyCapacity = healthy.stream().mapToLong(Target::capacity).sum();
        List<SafetyEvent> events = new ArrayList<>();
        Set<Target> chosen = new LinkedHashSet<>();
        long removed = 0;

        if (healthy.isEmpty()) {
            chosen.addAll(previous);
            SafetyRule rule = policy.failOpen() ? SafetyRule.FAIL_OPEN : SafetyRule.NEVER_EMPTY;
            events.add(new SafetyEvent(spec.endpoint(), rule, "all " + all.size() + " targets unhealthy; keeping the last known good " + previous.size() + " target(s)"));
        } else if ((double) healthyCapacity / totalCapacity < policy.minHealthyFraction()) {
            chosen.addAll(previous);
            chosen.addAll(healthy);
            if (!new HashSet<>(healthy).containsAll(previous)) {
                events.add(new SafetyEvent(spec.endpoint(), SafetyRule.MIN_HEALTHY_FRACTION, String.format(Locale.ROOT,
                        "healthy capacity %d of %d (%.1f%%) is below the minimum %.1f%%; removing nothing",
                        healthyCapacity, totalCapacity, 100.0 * healthyCapacity / totalCapacity, 100.0 * policy.minHealthyFraction())));
            }
        } else {
            chosen.addAll(healthy);
            long budget = (long) Math.floor(policy.velocityMaxRemovedFraction() * totalCapacity) - removedInWindow;
            List<String> kept = new ArrayList<>();
            for (Target t : previous) {
                if (health.up(t.id())) continue;
                if (removed + t.capacity() <= budget) {
                    removed += t.capacity();
                } else {
                    chosen.add(t);
                    kept.add(t.id());
                }
            }
            if (!kept.isEmpty()) {
                events.add(new SafetyEvent(spec.endpoint(), SafetyRule.VELOCITY, String.format(Locale.ROOT,
                        "removal budget %.1f%% of capacity %d per %d ms exhausted (%d already removed in the window); keeping unhealthy %s for now",
                        100.0 * policy.velocityMaxRemovedFraction(), totalCapacity, policy.velocityWindowMillis(), removedInWindow + removed, kept)));
            }
        }
        if (chosen.isEmpty()) {
            // Unreachable by construction (all targets is non-empty); kept as the last line of I1.
            chosen.addAll(all);
            events.add(new SafetyEvent(spec.endpoint(), SafetyRule.NEVER_EMPTY, "no target chosen; serving every configured target"));
        }
        List<WeightedAddress> addresses = new ArrayList<>();
        for (Target t : chosen) addresses.add(new WeightedAddress(t.address(), (int) t.capacity()));
        RecordSet records = new RecordSet(addresses, spec.ttlSeconds());
        assert !records.addresses().isEmpty() && records.weightSum() > 0 : "I1: never empty";
        return new OldEndpointDecision(records, removed, events);
    }
}
