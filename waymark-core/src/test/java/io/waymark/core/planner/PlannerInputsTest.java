package io.waymark.core.planner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.waymark.core.model.AddressFamily;
import io.waymark.core.model.Endpoint;
import io.waymark.core.model.RecordSet;
import io.waymark.core.model.Target;
import io.waymark.core.model.WeightedAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** The planner's inputs accept exactly their documented ranges, bounds included. */
class PlannerInputsTest {
    static final Endpoint E = Endpoint.of("e.test.");

    static List<Target> targets(int n) {
        List<Target> out = new ArrayList<>();
        for (int i = 0; i < n; i++) out.add(new Target("t" + i, WeightedAddress.parseLiteral("10.1." + (i >> 8) + "." + (i & 255)), "z", 1 + i % 3));
        return out;
    }

    @Test
    void anEndpointHoldsAtMostAsManyTargetsAsARecordSetHoldsAddresses() {
        assertThat(new EndpointSpec(E, 30, targets(RecordSet.ADDRESSES_MAX)).targets()).hasSize(RecordSet.ADDRESSES_MAX);
        assertThatThrownBy(() -> new EndpointSpec(E, 30, targets(RecordSet.ADDRESSES_MAX + 1))).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("endpoint e.test. has more than 4096 targets");
    }

    @Test
    void anEndpointsTtlIsBoundedLikeARecordSetsInclusively() {
        assertThat(new EndpointSpec(E, 0, targets(1)).ttlSeconds()).isZero();
        assertThat(new EndpointSpec(E, RecordSet.TTL_SECONDS_MAX, targets(1)).ttlSeconds()).isEqualTo(RecordSet.TTL_SECONDS_MAX);
        assertThatThrownBy(() -> new EndpointSpec(E, -1, targets(1))).hasMessage("TTL of e.test. must be in 0..604800 s, got -1");
        assertThatThrownBy(() -> new EndpointSpec(E, RecordSet.TTL_SECONDS_MAX + 1, targets(1))).hasMessage("TTL of e.test. must be in 0..604800 s, got 604801");
    }

    @Test
    void anEndpointsCapacityIsTheSumOfItsTargets() {
        assertThat(new EndpointSpec(E, 30, targets(4)).totalCapacity()).isEqualTo(1 + 2 + 3 + 1);
    }

    @Test
    void aTopologyKeyMustNameItsOwnSpec() {
        TreeMap<Endpoint, EndpointSpec> wrong = new TreeMap<>(Map.of(Endpoint.of("other.test."), new EndpointSpec(E, 30, targets(1))));
        assertThatThrownBy(() -> new Topology(wrong)).hasMessage("topology key other.test. holds the spec of e.test.");
    }

    @Test
    void theShortestVelocityWindowIsOneMillisecond() {
        assertThat(SafetyPolicy.DEFAULTS.withVelocity(0.25, 1).velocityWindowMillis()).isEqualTo(1);
        assertThatThrownBy(() -> SafetyPolicy.DEFAULTS.withVelocity(0.25, 0)).hasMessage("velocityWindowMillis must be >= 1, got 0");
    }

    @Test
    void aDecisionMayRemoveNothingButNeverANegativeCapacity() {
        assertThat(new EndpointDecision(Optional.empty(), Map.of(AddressFamily.IPV4, 0L), List.of()).removedCapacity()).containsEntry(AddressFamily.IPV4, 0L);
        assertThatThrownBy(() -> new EndpointDecision(Optional.empty(), Map.of(AddressFamily.IPV4, -1L), List.of())).isInstanceOf(IllegalArgumentException.class);
    }
}
