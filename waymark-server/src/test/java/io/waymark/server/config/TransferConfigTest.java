package io.waymark.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** {@code dns.transfer}: the embedded server as a primary (allow list, NOTIFY targets, TSIG). */
class TransferConfigTest {
    /** A valid configuration whose dns section ends in the placeholder " TRANSFER" (UpdateConfigTest fills it too). */
    static final String VALID = """
            dataDir: /var/lib/waymark
            dns: { listen: 127.0.0.1, port: 5300 TRANSFER }
            zones:
              - origin: example.test
            targets:
              - { id: lb-1, address: 10.0.0.1, zone: az1, capacity: 100 }
            endpoints:
              - { name: api.example.test, ttl: 20, targets: [lb-1] }
            """;

    private static WaymarkConfig parse(String transfer, Path base) {
        return ConfigLoader.parse(VALID.replace(" TRANSFER", transfer), base);
    }

    @Test
    void noTransferSectionMeansNoTransfers() {
        assertThat(parse("", Path.of("/etc/waymark")).dns().transfer().enabled()).isFalse();
    }

    @Test
    void readsAllowNotifyAndATsigKeyFromAKeyFile() throws Exception {
        Path dir = Files.createTempDirectory("wm-xfr-config");
        Files.writeString(dir.resolve("xfr.key"), "key \"xfr-key\" {\n  algorithm hmac-sha256;\n  secret \"c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0IQ==\";\n};\n");
        WaymarkConfig c = parse(", transfer: { allow: [192.0.2.0/24, \"2001:db8::/32\", 127.0.0.1], notify: [\"192.0.2.53:53\", \"[2001:db8::53]:5353\"],"
                + " tsig: { name: xfr-key, secretFile: xfr.key } }", dir);
        var t = c.dns().transfer();
        assertThat(t.allows(InetAddress.getByName("192.0.2.77"))).isTrue();
        assertThat(t.allows(InetAddress.getByName("2001:db8:1::9"))).isTrue();
        assertThat(t.allows(InetAddress.getByName("127.0.0.1"))).isTrue();
        assertThat(t.allows(InetAddress.getByName("127.0.0.2"))).isFalse();
        assertThat(t.allows(InetAddress.getByName("198.51.100.1"))).isFalse();
        assertThat(t.notifyTargets()).containsExactly(new InetSocketAddress("192.0.2.53", 53), new InetSocketAddress(InetAddress.getByName("2001:db8::53"), 5353));
        assertThat(t.tsig()).isNotNull();
        assertThat(c.withDnsPort(0).dns().transfer()).isEqualTo(t);
    }

    @Test
    void refusesBadEntriesNamingTheKey() {
        Path base = Path.of("/etc/waymark");
        assertThatThrownBy(() -> parse(", transfer: { allow: [10.0.0.0/33] }", base)).isInstanceOf(ConfigException.class).hasMessageContaining("dns.transfer.allow[0]");
        assertThatThrownBy(() -> parse(", transfer: { allow: [ns1.example.test] }", base)).isInstanceOf(ConfigException.class).hasMessageContaining("dns.transfer.allow[0]");
        assertThatThrownBy(() -> parse(", transfer: { allow: [10.0.0.0/8], notify: [\"ns1.example.test:53\"] }", base)).isInstanceOf(ConfigException.class).hasMessageContaining("dns.transfer.notify[0]");
        assertThatThrownBy(() -> parse(", transfer: { notify: [\"192.0.2.53:53\"] }", base)).isInstanceOf(ConfigException.class).hasMessageContaining("dns.transfer.allow");
        assertThatThrownBy(() -> parse(", transfer: { allow: [10.0.0.0/8], tsig: { name: k, secret: c2hvcnQ= } }", base))
                .isInstanceOf(ConfigException.class).hasMessageContaining("dns.transfer.tsig.secret").hasMessageNotContaining("c2hvcnQ=");
        assertThatThrownBy(() -> parse(", transfer: { allow: [10.0.0.0/8], alow: [1.2.3.4] }", base)).isInstanceOf(ConfigException.class).hasMessageContaining("alow");
        String rfc2136 = "\nrecordStore: { type: rfc2136, server: \"127.0.0.1:53\", zone: example.test, tsig: { name: k, secret: c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0IQ== } }\n";
        assertThat(ConfigLoader.parse(VALID.replace(" TRANSFER", "") + rfc2136, base).recordStore()).isInstanceOf(RecordStoreConfig.Rfc2136.class);
        assertThatThrownBy(() -> ConfigLoader.parse(VALID.replace(" TRANSFER", ", transfer: { allow: [10.0.0.0/8] }") + rfc2136, base))
                .isInstanceOf(ConfigException.class).hasMessageContaining("dns.transfer").hasMessageContaining("rfc2136");
    }
}
