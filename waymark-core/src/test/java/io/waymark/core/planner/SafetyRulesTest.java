package io.waymark.core.planner;

import static org.assertj.core.api.Assertions.assertThat;

import io.waymark.core.model.AddressFamily;
import io.waymark.core.model.Endpoint;
import io.waymark.core.model.Health;
import io.waymark.core.model.HealthObservations;
import io.waymark.core.model.RecordSet;
import io.waymark.core.model.Target;
import io.waymark.core.model.WeightedAddress;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/** Properties of the safety rules over arbitrary dual-stack fleets and tri-state health. */
class SafetyRulesTest {
    @Property(tries = 300)
    void neverEmptiesAServedFamilyAndNeverOverBudget(@ForAll @Size(min = 1, max = 12) List<@IntRange(min = 1, max = 100) Integer> capacities,
                                                    @ForAll @Size(12) List<@IntRange(min = 0, max = 2) Integer> health,
                                                    @ForAll @Size(12) List<Boolean> lastServed,
                                                    @ForAll @Size(12) List<Boolean> ipv6,
                                                    @ForAll boolean failOpen,
                                                    @ForAll @DoubleRange(min = 0, max = 1) double minHealthy,
                                                    @ForAll @DoubleRange(min = 0, max = 1) double velocity,
                                                    @ForAll @IntRange(min = 0, max = 200) int removedInWindow) {
        List<Target> targets = new ArrayList<>();
        Map<String, Health> h = new HashMap<>();
        List<WeightedAddress> last = new ArrayList<>();
        for (int i = 0; i < capacities.size(); i++) {
            String address = ipv6.get(i) ? "2001:db8::" + (i + 1) : "10.1.0." + (i + 1);
            Target t = new Target("t" + i, WeightedAddress.parseLiteral(address), "z", capacities.get(i));
            targets.add(t);
            h.put(t.id(), Health.values()[health.get(i)]);
            if (lastServed.get(i)) last.add(new WeightedAddress(t.address(), (int) t.capacity()));
        }
        EndpointSpec spec = new EndpointSpec(Endpoint.of("p.test."), 30, targets);
        Optional<RecordSet> lastGood = last.isEmpty() ? Optional.empty() : Optional.of(new RecordSet(last, 30));
        SafetyPolicy policy = new SafetyPolicy(failOpen, minHealthy, velocity, 1000);
        Map<AddressFamily, Long> inWindow = new EnumMap<>(AddressFamily.class);
        for (AddressFamily f : AddressFamily.values()) inWindow.put(f, (long) removedInWindow);
        EndpointDecision d = new SafetyRules(policy).decide(spec, new HealthObservations(h), lastGood, inWindow);

        if (lastGood.isPresent()) assertThat(d.records()).isPresent();
        for (AddressFamily f : AddressFamily.values()) {
            List<Target> family = targets.stream().filter(t -> AddressFamily.of(t.address()) == f).toList();
            long capacity = family.stream().mapToLong(Target::capacity).sum();
            long largest = family.stream().mapToLong(Target::capacity).max().orElse(0);
            // I1 per family: a served family keeps at least one address.
            if (lastGood.isPresent() && f.countIn(lastGood.get()) > 0) assertThat(f.countIn(d.records().orElseThrow())).isGreaterThan(0);
            // Velocity: within the budget, or one target when nothing else went in the window.
            long budget = Math.max(0, (long) Math.floor(velocity * capacity) - removedInWindow);
            long allowed = removedInWindow == 0 ? Math.max(budget, largest) : budget;
            assertThat(d.removedCapacity().getOrDefault(f, 0L)).isLessThanOrEqualTo(allowed);
        }
        for (Target t : targets) {
            boolean served = d.records().map(rs -> rs.addresses().stream().anyMatch(a -> a.address().equals(t.address()))).orElse(false);
            boolean wasServed = last.stream().anyMatch(a -> a.address().equals(t.address()));
            // Every UP target is served (adding capacity is never held back).
            if (h.get(t.id()) == Health.UP) assertThat(served).as(t.id() + " up").isTrue();
            // Unknown is not down: served stays, not served is not added.
            if (h.get(t.id()) == Health.UNKNOWN) assertThat(served).as(t.id() + " unknown").isEqualTo(wasServed);
            // A DOWN target is never added.
            if (h.get(t.id()) == Health.DOWN && !wasServed) assertThat(served).as(t.id() + " down").isFalse();
        }
        // Weights come from capacity.
        d.records().ifPresent(rs -> {
            for (WeightedAddress a : rs.addresses()) {
                Target t = targets.stream().filter(x -> x.address().equals(a.address())).findFirst().orElseThrow();
                assertThat((long) a.weight()).isEqualTo(t.capacity());
            }
        });
    }
}
