package io.waymark.server.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import io.waymark.core.model.Endpoint;
import io.waymark.dns.Authority;
import io.waymark.dns.ServingOptions;
import io.waymark.dns.ServingSnapshot;
import io.waymark.dns.Zone;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The gate remembers servability verdicts (every plan asks for all of its endpoints), but only for the
 * zones it computed them against: once the authority serves other zones, the verdicts follow them.
 */
class ServingGateTest {
    private static final Endpoint API = Endpoint.of("api.example.test.");

    @Test
    void verdictsAreRememberedForTheServedZonesAndFollowAReplacement() {
        Authority authority = Authority.of(List.of(Zone.withDefaults("example.test.")), ServingOptions.defaults());
        ServingGate gate = new ServingGate(authority);
        assertThat(gate.unservable(API)).isEmpty();
        assertThat(gate.unservable(API)).as("asked again").isEmpty();
        assertThat(gate.unservable(Endpoint.of("api.elsewhere.test."))).hasValueSatisfying(why -> assertThat(why).contains("outside every served zone"));
        assertThat(gate.verdictsKept()).isEqualTo(2);
        // A commit derives a new snapshot of the same zones: the verdicts hold on (every plan restamps
        // every endpoint, so a cache that a commit emptied would be asked for all of them again).
        gate.publish(java.util.Map.of(API, new io.waymark.core.model.RecordSet(List.of(io.waymark.core.model.WeightedAddress.of("10.0.0.1", 1)), 30)));
        assertThat(authority.managed(API)).isPresent();
        assertThat(gate.verdictsKept()).isEqualTo(2);
        assertThat(gate.unservable(API)).isEmpty();
        assertThat(gate.verdictsKept()).isEqualTo(2);

        authority.replace(ServingSnapshot.of(List.of(Zone.withDefaults("elsewhere.test.")), ServingOptions.defaults()));
        assertThat(gate.verdictsKept()).as("other zones: nothing remembered holds").isZero();
        assertThat(gate.unservable(API)).hasValueSatisfying(why -> assertThat(why).contains("outside every served zone"));
        assertThat(gate.unservable(Endpoint.of("api.elsewhere.test."))).isEmpty();
    }
}
