package io.waymark.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class ConfigLoaderTest {
    private static final Path BASE = Path.of("/etc/waymark");
    private static final String VALID = """
            dataDir: /var/lib/waymark
            dns: { listen: 127.0.0.1, port: 5300 }
            http: { port: 8100 }
            zones:
              - origin: Example.Test
            targets:
              - { id: lb-1, address: 10.0.0.1, zone: az1, capacity: 100, check: { type: http, port: 8080, path: /health } }
              - { id: lb-2, address: "2001:db8::2", zone: az2, capacity: 50 }
            endpoints:
              - { name: api.example.test, ttl: 20, targets: [lb-1, lb-2] }
            safety: { minHealthyFraction: 0.25, changeThresholdFraction: 0.4 }
            enactors: { count: 5 }
            """;

    @Test
    void readsEveryKeyAndNormalisesNames() {
        WaymarkConfig c = ConfigLoader.parse(VALID, BASE);
        assertThat(c.dataDir()).isEqualTo(Path.of("/var/lib/waymark"));
        assertThat(c.dns().port()).isEqualTo(5300);
        assertThat(c.http().port()).isEqualTo(8100);
        assertThat(c.zones().get(0).origin()).isEqualTo("example.test.");
        assertThat(c.targets()).hasSize(2);
        assertThat(c.targets().get(0).check().kind()).isEqualTo(WaymarkConfig.CheckKind.HTTP);
        assertThat(c.targets().get(1).check().kind()).isEqualTo(WaymarkConfig.CheckKind.TCP);
        assertThat(c.endpoints().get(0).name()).isEqualTo("api.example.test.");
        assertThat(c.endpoints().get(0).ttlSeconds()).isEqualTo(20);
        assertThat(c.safety().minHealthyFraction()).isEqualTo(0.25);
        assertThat(c.safety().changeThresholdFraction()).isEqualTo(0.4);
        assertThat(c.enactors().count()).isEqualTo(5);
    }

    @Test
    void readsTheDnsTcpLimitsAndIdentityWithDefaults() {
        WaymarkConfig defaults = ConfigLoader.parse(VALID, BASE);
        assertThat(defaults.dns().tcpConnectionsPerAddressMax()).isEqualTo(16);
        assertThat(defaults.dns().tcpMessageTimeoutMs()).isEqualTo(2_000);
        assertThat(defaults.dns().identity()).isEmpty();
        assertThat(defaults.dns().nsid()).isEmpty();
        WaymarkConfig c = ConfigLoader.parse(VALID.replace("port: 5300 }",
                "port: 5300, tcpConnectionsMax: 64, tcpConnectionsPerAddressMax: 4, tcpMessageTimeoutMs: 500, identity: ns1.example, nsid: ns1 }"), BASE);
        assertThat(c.dns().tcpConnectionsPerAddressMax()).isEqualTo(4);
        assertThat(c.dns().tcpMessageTimeoutMs()).isEqualTo(500);
        assertThat(c.dns().identity()).isEqualTo("ns1.example");
        assertThat(c.dns().nsid()).isEqualTo("ns1");
        assertThat(c.withDnsPort(0).dns().tcpConnectionsPerAddressMax()).isEqualTo(4);
        assertThat(defaults.dns().udpThroughFfm()).isTrue();
        assertThat(ConfigLoader.parse(VALID.replace("port: 5300 }", "port: 5300, udpIo: netty }"), BASE).dns().udpThroughFfm()).isFalse();
        assertThatThrownBy(() -> ConfigLoader.parse(VALID.replace("port: 5300 }", "port: 5300, tcpConnectionsMax: 8, tcpConnectionsPerAddressMax: 9 }"), BASE))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("dns.tcpConnectionsPerAddressMax")
                .hasMessageContaining("1..8");
        assertThatThrownBy(() -> ConfigLoader.parse(VALID.replace("port: 5300 }", "port: 5300, nsid: \"caf\u00e9\" }"), BASE))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("dns.nsid")
                .hasMessageContaining("printable ASCII");
    }

    @Test
    void refusesAnOutOfRangeValueNamingKeyValueAndExpectation() {
        assertThatThrownBy(() -> ConfigLoader.parse(VALID.replace("capacity: 100", "capacity: -5"), BASE))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("targets[0].capacity")
                .hasMessageContaining("-5")
                .hasMessageContaining("an integer in 1..");
    }

    @Test
    void refusesAnUnknownKeyInsteadOfIgnoringIt() {
        assertThatThrownBy(() -> ConfigLoader.parse(VALID.replace("minHealthyFraction", "minHealthyFractoin"), BASE))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("safety.minHealthyFractoin");
    }

    @Test
    void refusesAnEndpointNamingAnUnknownTarget() {
        assertThatThrownBy(() -> ConfigLoader.parse(VALID.replace("[lb-1, lb-2]", "[lb-1, lb-9]"), BASE))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("endpoints[0].targets[1]")
                .hasMessageContaining("'lb-9'");
    }

    @Test
    void refusesAnEndpointOutsideEveryZone() {
        assertThatThrownBy(() -> ConfigLoader.parse(VALID.replace("name: api.example.test", "name: api.other.test"), BASE))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("endpoints[0].name")
                .hasMessageContaining("inside one of the configured zones");
    }

    @Test
    void refusesABadAddressAndDuplicateIds() {
        assertThatThrownBy(() -> ConfigLoader.parse(VALID.replace("10.0.0.1", "10.0.0.300"), BASE))
                .hasMessageContaining("targets[0].address").hasMessageContaining("10.0.0.300");
        assertThatThrownBy(() -> ConfigLoader.parse(VALID.replace("id: lb-2", "id: lb-1").replace("[lb-1, lb-2]", "[lb-1]"), BASE))
                .hasMessageContaining("targets[1].id").hasMessageContaining("no other target");
    }

    @Test
    void refusesBrokenYamlWithItsPosition() {
        assertThatThrownBy(() -> ConfigLoader.parse("zones: [\n  - origin: x\n", BASE))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("not valid YAML")
                .hasMessageContaining("line");
    }
}
