package io.waymark.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code recordStore: { type: rfc2136 }}: what is accepted, and each refusal naming key, value and what is expected. */
class Rfc2136ConfigTest {
    private static final String SECRET = "ROjsf7s7gRgBrTbYbOZ0/1u64eGSbQW98sW6fxP86zI=";
    @TempDir Path dir;

    private static String yaml(String recordStore) {
        return """
                zones: [ { origin: example.test. }, { origin: other.test. } ]
                targets: [ { id: lb-a, address: 192.0.2.10, zone: az1 } ]
                endpoints: [ { name: api.example.test., targets: [lb-a] } ]
                recordStore: %s
                """.formatted(recordStore);
    }

    private WaymarkConfig parse(String recordStore) {
        return ConfigLoader.parse(yaml(recordStore), dir);
    }

    @Test
    void anInlineSecretOrAKeyFileIsAcceptedAndTheSecretIsNeverShown() throws Exception {
        WaymarkConfig inline = parse("{ type: rfc2136, server: 127.0.0.1:5300, zone: example.test, tsig: { name: k1, secret: " + SECRET + " }, updatesPerSecondMax: 50 }");
        RecordStoreConfig.Rfc2136 r = (RecordStoreConfig.Rfc2136) inline.recordStore();
        assertThat(r.settings().server().getPort()).isEqualTo(5300);
        assertThat(r.settings().zone()).isEqualTo("example.test.");
        assertThat(r.settings().updatesPerSecondMax()).isEqualTo(50);
        assertThat(r.settings().tsig().orElseThrow().name()).isEqualTo("k1.");
        assertThat(r.toString()).doesNotContain(SECRET);
        Files.writeString(dir.resolve("k.key"), "k1:\n  secret: " + SECRET + "\n"); // Knot's keymgr writes this form
        assertThat(parse("{ type: rfc2136, server: '[::1]:53', zone: example.test., tsig: { name: k1, secretFile: k.key } }").recordStore())
                .isInstanceOf(RecordStoreConfig.Rfc2136.class);
        assertThat(parse("{ type: embedded }").recordStore()).isEqualTo(RecordStoreConfig.DEFAULT);
    }

    @Test
    void refusalsNameTheKeyTheValueAndWhatIsExpected() {
        String tsig = "tsig: { name: k1, secret: " + SECRET + " }";
        assertThatThrownBy(() -> parse("{ type: route53 }")).hasMessageContaining("recordStore.type").hasMessageContaining("embedded, rfc2136 or etcd");
        assertThatThrownBy(() -> parse("{ type: rfc2136, server: 127.0.0.1, zone: example.test., " + tsig + " }"))
                .hasMessageContaining("recordStore.server").hasMessageContaining("HOST:PORT");
        assertThatThrownBy(() -> parse("{ type: rfc2136, server: 127.0.0.1:53, zone: other.test., " + tsig + " }"))
                .hasMessageContaining("endpoints[0].name").hasMessageContaining("recordStore.zone other.test.");
        assertThatThrownBy(() -> parse("{ type: rfc2136, server: 127.0.0.1:53, zone: example.test. }"))
                .hasMessageContaining("recordStore.tsig").hasMessageContaining("unsigned");
        assertThatThrownBy(() -> parse("{ type: rfc2136, server: 127.0.0.1:53, zone: example.test., tsig: { name: k1, secret: " + SECRET + ", secretFile: x } }"))
                .hasMessageContaining("recordStore.tsig.secretFile").hasMessageContaining("not both");
        assertThatThrownBy(() -> parse("{ type: rfc2136, server: 127.0.0.1:53, zone: example.test., tsig: { name: k1, algorithm: hmac-md5, secret: " + SECRET + " } }"))
                .hasMessageContaining("recordStore.tsig.algorithm").hasMessageContaining("hmac-sha256");
        assertThatThrownBy(() -> parse("{ type: rfc2136, server: 127.0.0.1:53, zone: example.test., tsig: { name: k1, secret: c2hvcnQ= } }"))
                .hasMessageContaining("recordStore.tsig.secret").hasMessageContaining("(not shown)").hasMessageNotContaining("c2hvcnQ=");
        assertThatThrownBy(() -> parse("{ type: rfc2136, server: 127.0.0.1:53, zone: example.test., " + tsig + ", readRefreshMss: 5 }"))
                .hasMessageContaining("readRefreshMss");
    }
}
