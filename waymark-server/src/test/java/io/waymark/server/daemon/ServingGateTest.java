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

        authority.replace(ServingSnapshot.of(List.of(Zone.withDefaults("elsewhere.test.")), ServingOptions.defaults()));
        assertThat(gate.unservable(API)).hasValueSatisfying(why -> assertThat(why).contains("outside every served zone"));
        assertThat(gate.unservable(Endpoint.of("api.elsewhere.test."))).isEmpty();
    }
}
