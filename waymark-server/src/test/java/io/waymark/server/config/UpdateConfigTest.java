package io.waymark.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** {@code dns.update}: the embedded server as an RFC 2136 UPDATE target, key required. */
class UpdateConfigTest {
    private static final String SECRET = "c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0IQ==";

    private static WaymarkConfig parse(String update) {
        return ConfigLoader.parse(TransferConfigTest.VALID.replace(" TRANSFER", update), Path.of("/etc/waymark"));
    }

    @Test
    void noUpdateSectionMeansNoUpdate() {
        assertThat(parse("").dns().updateKey()).isEmpty();
    }

    @Test
    void readsTheKey() {
        assertThat(parse(", update: { tsig: { name: upd-key, secret: " + SECRET + " } }").dns().updateKey()).isPresent();
    }

    @Test
    void refusesUpdateWithoutAKeyOrWithABadOneNamingTheKey() {
        assertThatThrownBy(() -> parse(", update: { }")).isInstanceOf(ConfigException.class).hasMessageContaining("dns.update.tsig").hasMessageContaining("unsigned");
        assertThatThrownBy(() -> parse(", update: { tsig: { name: upd-key, secret: c2hvcnQ= } }")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("dns.update.tsig.secret").hasMessageNotContaining("c2hvcnQ=");
        assertThatThrownBy(() -> parse(", update: { tsig: { name: upd-key, secret: " + SECRET + ", algorithm: hmac-md5 } }")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("dns.update.tsig.algorithm");
        assertThatThrownBy(() -> parse(", update: { tsig: { name: upd-key, secret: " + SECRET + " }, extra: 1 }")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("extra");
    }

    @Test
    void refusesUpdateWithARecordStoreItCannotFence() {
        String update = ", update: { tsig: { name: upd-key, secret: " + SECRET + " } }";
        String etcd = TransferConfigTest.VALID.replace(" TRANSFER", update)
                + "planStore: { type: etcd, endpoints: [http://127.0.0.1:2379] }\nrecordStore: { type: etcd }\n";
        assertThatThrownBy(() -> ConfigLoader.parse(etcd, Path.of("/etc/waymark"))).isInstanceOf(ConfigException.class)
                .hasMessageContaining("dns.update").hasMessageContaining("recordStore type embedded");
        String rfc2136 = TransferConfigTest.VALID.replace(" TRANSFER", update)
                + "recordStore: { type: rfc2136, server: 127.0.0.1:53, zone: example.test., tsig: { name: k, secret: " + SECRET + " } }\n";
        assertThatThrownBy(() -> ConfigLoader.parse(rfc2136, Path.of("/etc/waymark"))).isInstanceOf(ConfigException.class)
                .hasMessageContaining("dns.update");
    }
}
