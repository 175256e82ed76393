package io.waymark.core.enactor;

import static io.waymark.core.Fixtures.ep;
import static io.waymark.core.Fixtures.rs;
import static org.assertj.core.api.Assertions.assertThat;

import io.waymark.core.model.Endpoint;
import io.waymark.core.model.Generation;
import io.waymark.core.model.Plan;
import io.waymark.core.model.PlanDraft;
import io.waymark.core.model.RecordSet;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class ChangeGuardTest {
    static Plan plan(boolean forced, RecordSet... perEndpoint) {
        TreeMap<Endpoint, RecordSet> m = new TreeMap<>();
        for (int i = 0; i < perEndpoint.length; i++) m.put(ep(i), perEndpoint[i]);
        return Plan.publish(Generation.of(2), new PlanDraft(m, forced));
    }

    @Test
    void countsRemovedServedAddressesAcrossThePlan() {
        ChangeGuard guard = new ChangeGuard(0.30, 0);
        Map<Endpoint, Optional<RecordSet>> served = Map.of(ep(0), Optional.of(rs(1, 2, 3, 4, 5)), ep(1), Optional.of(rs(1, 2, 3, 4, 5)));
        // ep0 loses 3 of 5, ep1 nothing: 3 of 10 = 30%, not above the threshold.
        ChangeGuard.Assessment ok = guard.assess(plan(false, rs(1, 2), rs(1, 2, 3, 4, 5)), served);
        assertThat(ok.servedAddresses()).isEqualTo(10);
        assertThat(ok.removedAddresses()).isEqualTo(3);
        assertThat(ok.refusal()).isEmpty();
        // One more removed: 40%.
        ChangeGuard.Assessment refused = guard.assess(plan(false, rs(1), rs(1, 2, 3, 4, 5)), served);
        assertThat(refused.removedFraction()).isEqualTo(0.4);
        assertThat(refused.refusal().orElseThrow().reason()).isEqualTo(RefusalReason.CHANGE_THRESHOLD);
        assertThat(guard.assess(plan(true, rs(1), rs(1, 2, 3, 4, 5)), served).refusal()).isEmpty();
    }

    @Test
    void additionsWeightChangesAndUnservedEndpointsDoNotCount() {
        ChangeGuard guard = new ChangeGuard(0.0, 0);
        Map<Endpoint, Optional<RecordSet>> served = Map.of(ep(0), Optional.of(rs(1, 2)));
        RecordSet reweighted = RecordSet.of(30, io.waymark.core.model.WeightedAddress.of("10.0.0.1", 5), io.waymark.core.model.WeightedAddress.of("10.0.0.2", 9),
                io.waymark.core.model.WeightedAddress.of("10.0.0.3", 1));
        ChangeGuard.Assessment a = guard.assess(plan(false, reweighted, rs(7)), served);
        assertThat(a.removedAddresses()).isZero();
        assertThat(a.refusal()).isEmpty();
    }

    @Test
    void smallFleetsAreNotJudged() {
        ChangeGuard guard = new ChangeGuard(0.30, 10);
        Map<Endpoint, Optional<RecordSet>> served = Map.of(ep(0), Optional.of(rs(1, 2, 3)));
        assertThat(guard.assess(plan(false, rs(9)), served).refusal()).isEmpty();
    }

    static RecordSet mixed(int v4, int v6) {
        java.util.List<io.waymark.core.model.WeightedAddress> list = new java.util.ArrayList<>();
        for (int i = 1; i <= v4; i++) list.add(io.waymark.core.model.WeightedAddress.of("10.0.0." + i, 1));
        for (int i = 1; i <= v6; i++) list.add(io.waymark.core.model.WeightedAddress.of("2001:db8::" + i, 1));
        return new RecordSet(list, 30);
    }

    @Test
    void aPlanThatEmptiesOneAddressFamilyIsRefusedUnlessForced() {
        // Issue 7, defect 5: 3 of 13 addresses (23%) is under the threshold, but they are every A record.
        ChangeGuard guard = new ChangeGuard(0.30, 10);
        Map<Endpoint, Optional<RecordSet>> served = Map.of(ep(0), Optional.of(mixed(3, 10)));
        Optional<Refusal> r = guard.assess(plan(false, mixed(0, 10)), served).refusal();
        assertThat(r).isPresent();
        assertThat(r.get().detail()).contains(ep(0) + " A");
        assertThat(guard.assess(plan(true, mixed(0, 10)), served).refusal()).isEmpty();
    }

    @Test
    void theThresholdIsJudgedPerAddressFamily() {
        // 4 of 10 A records (40%) but 4 of 30 addresses overall (13%).
        ChangeGuard guard = new ChangeGuard(0.30, 10);
        Map<Endpoint, Optional<RecordSet>> served = Map.of(ep(0), Optional.of(mixed(10, 20)));
        ChangeGuard.Assessment a = guard.assess(plan(false, mixed(6, 20)), served);
        assertThat(a.removedByFamily()).containsEntry(io.waymark.core.model.AddressFamily.IPV4, 4L);
        assertThat(a.refusal().orElseThrow().detail()).contains("A addresses");
        assertThat(guard.assess(plan(false, mixed(7, 20)), served).refusal()).isEmpty();
    }

    @Test
    void removalsAllowedNeverExceedTheThreshold() {
        for (double t : new double[] {0.0, 0.1, 0.29, 0.3, 0.7, 1.0}) {
            ChangeGuard guard = new ChangeGuard(t, 10);
            for (long served = 10; served < 500; served++) {
                long k = guard.removalsAllowed(served);
                if (k > 1) assertThat((double) k / served).isLessThanOrEqualTo(t);
                assertThat(k).isGreaterThanOrEqualTo(1);
                assertThat((double) (k + 1) / served).isGreaterThan(t);
            }
            assertThat(guard.removalsAllowed(9)).isEqualTo(Long.MAX_VALUE);
        }
    }

    @Test
    void oneRemovalIsAlwaysAllowedWhenTheFractionRuleWouldForbidEvery() {
        // Seeds 3 and 104 (L1): 3 addresses at 0.3 with minServed 2 allowed 0 removals, and the planner
        // stepped "removing 0 now, the rest in later plans" forever while a dead target stayed served.
        ChangeGuard guard = new ChangeGuard(0.30, 2);
        assertThat(guard.removalsAllowed(3)).isEqualTo(1);
        Map<Endpoint, Optional<RecordSet>> served = Map.of(ep(0), Optional.of(rs(1, 2, 3)));
        assertThat(guard.assess(plan(false, rs(1, 2)), served).refusal()).isEmpty();
        assertThat(guard.assess(plan(false, rs(1)), served).refusal()).isPresent();
    }

    @Test
    void aThresholdOfOneSwitchesTheGuardOffEvenForAnEmptiedFamily() {
        Map<Endpoint, Optional<RecordSet>> served = Map.of(ep(0), Optional.of(mixed(3, 10)));
        assertThat(new ChangeGuard(1.0, 0).assess(plan(false, mixed(0, 10)), served).refusal()).isEmpty();
        assertThat(new ChangeGuard(0.99, 0).assess(plan(false, mixed(0, 10)), served).refusal()).isPresent();
    }

    @Test
    void theRefusalTellsOperatorsWhatWasMeasuredAndWhatToDo() {
        ChangeGuard guard = new ChangeGuard(0.30, 0);
        Map<Endpoint, Optional<RecordSet>> served = Map.of(ep(0), Optional.of(rs(1, 2, 3, 4, 5)), ep(1), Optional.of(rs(1, 2, 3, 4, 5)));
        Refusal r = guard.assess(plan(false, rs(1), rs(1, 2, 3, 4, 5)), served).refusal().orElseThrow();
        assertThat(r.detail()).isEqualTo("plan g2 removes 4 of 10 served A addresses (40.0% > 30.0%); publish it forced to apply it anyway");
        Refusal emptied = guard.assess(plan(false, mixed(0, 10)), Map.of(ep(0), Optional.of(mixed(3, 10)))).refusal().orElseThrow();
        assertThat(emptied.detail()).isEqualTo("plan g2 leaves 1 served answer(s) with no records, [" + ep(0) + " A]; publish it forced to apply it anyway");
    }

    @Test
    void theEnactorConfigBuildsTheGuardItDescribes() {
        ChangeGuard guard = EnactorConfig.DEFAULTS.withChangeThreshold(0.25, 7).changeGuard();
        assertThat(guard.threshold()).isEqualTo(0.25);
        assertThat(guard.minServed()).isEqualTo(7);
        assertThat(guard.removalsAllowed(6)).isEqualTo(Long.MAX_VALUE); // below minServed: not judged
        assertThat(guard.removalsAllowed(7)).isEqualTo(1);
        assertThat(new ChangeGuard(0.25, 0).removalsAllowed(0)).isEqualTo(Long.MAX_VALUE);
    }
}
