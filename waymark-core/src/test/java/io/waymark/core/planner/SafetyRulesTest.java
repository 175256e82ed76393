package io.waymark.core.planner;

import io.waymark.core.model.HealthObservations;
import static org.assertj.core.api.Assertions.assertThat;

import io.waymark.core.model.Endpoint;
import io.waymark.core.model.RecordSet;
import io.waymark.core.model.Target;
import io.waymark.core.model.WeightedAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/** Properties of the safety rules over arbitrary fleets and health. */
class SafetyRulesTest {
    @Property(tries = 200)
    void neverEmptyAndNeverOverBudget(@ForAll @Size(min = 1, max = 12) List<@IntRange(min = 1, max = 100) Integer> capacities,
                                      @ForAll @Size(12) List<Boolean> health,
                                      @ForAll @Size(12) List<Boolean> lastServed,
                                      @ForAll boolean failOpen,
                                      @ForAll @DoubleRange(min = 0, max = 1) double minHealthy,
                                      @ForAll @DoubleRange(min = 0, max = 1) double velocity,
                                      @ForAll @IntRange(min = 0, max = 200) int removedInWindow) {
        List<Target> targets = new ArrayList<>();
        Map<String, Boolean> h = new HashMap<>();
        List<WeightedAddress> last = new ArrayList<>();
        for (int i = 0; i < capacities.size(); i++) {
            Target t = new Target("t" + i, WeightedAddress.parseLiteral("10.1.0." + (i + 1)), "z", capacities.get(i));
            targets.add(t);
            h.put(t.id(), health.get(i));
            if (lastServed.get(i)) last.add(new WeightedAddress(t.address(), 1));
        }
        EndpointSpec spec = new EndpointSpec(Endpoint.of("p.test."), 30, targets);
        Optional<RecordSet> lastGood = last.isEmpty() ? Optional.empty() : Optional.of(new RecordSet(last, 30));
        SafetyPolicy policy = new SafetyPolicy(failOpen, minHealthy, velocity, 1000);
        EndpointDecision d = new SafetyRules(policy).decide(spec, new HealthObservations(h), lastGood, removedInWindow);

        assertThat(d.records().addresses()).isNotEmpty();
        long budget = Math.max(0, (long) Math.floor(velocity * spec.totalCapacity()) - removedInWindow);
        assertThat(d.removedCapacity()).isLessThanOrEqualTo(budget);
        // Every healthy target is served (adding capacity is never held back).
        for (Target t : targets) {
            if (h.get(t.id())) assertThat(d.records().addresses()).anyMatch(a -> a.address().equals(t.address()));
        }
        // Weights come from capacity.
        for (WeightedAddress a : d.records().addresses()) {
            Target t = targets.stream().filter(x -> x.address().equals(a.address())).findFirst().orElseThrow();
            assertThat((long) a.weight()).isEqualTo(t.capacity());
        }
    }
}
