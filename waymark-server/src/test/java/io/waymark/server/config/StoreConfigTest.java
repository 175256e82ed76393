package io.waymark.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.waymark.adapters.etcd.EtcdSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** planStore and recordStore: the defaults, distributed mode on etcd, and refusals that name key, value and expectation. */
class StoreConfigTest {
    @TempDir Path dir;

    private static final String BASE = """
            dataDir: data
            zones: [ { origin: example.test. } ]
            targets: [ { id: lb-1, address: 10.0.0.1, zone: az1 } ]
            endpoints: [ { name: api.example.test., targets: [lb-1] } ]
            """;

    private WaymarkConfig parse(String stores) {
        return ConfigLoader.parse(BASE + stores, dir);
    }

    @Test
    void withoutStoreKeysTheEmbeddedStoresAreUsed() {
        WaymarkConfig c = parse("");
        assertThat(c.planStore()).isEqualTo(PlanStoreConfig.DEFAULT);
        assertThat(c.recordStore()).isEqualTo(RecordStoreConfig.DEFAULT);
        assertThat(c.distributed()).isFalse();
    }

    @Test
    void etcdWithAuthenticationAndTls() throws Exception {
        Files.writeString(dir.resolve("ca.pem"), "x");
        Files.writeString(dir.resolve("client.pem"), "x");
        Files.writeString(dir.resolve("client-key.pem"), "x");
        Files.writeString(dir.resolve("password"), "s3cret\n");
        WaymarkConfig c = parse("""
                planStore:
                  type: etcd
                  endpoints: [https://10.0.0.1:2379, https://10.0.0.2:2379]
                  prefix: /prod/waymark/
                  requestTimeoutMs: 2000
                  user: waymark
                  passwordFile: password
                  tls: { caFile: ca.pem, certFile: client.pem, keyFile: client-key.pem }
                recordStore: { type: etcd }
                """);
        EtcdSettings s = ((PlanStoreConfig.Etcd) c.planStore()).settings();
        assertThat(s.endpoints()).extracting(Object::toString).containsExactly("https://10.0.0.1:2379", "https://10.0.0.2:2379");
        assertThat(s.prefix()).isEqualTo("/prod/waymark/");
        assertThat(s.requestTimeoutMs()).isEqualTo(2000);
        assertThat(s.credentials().orElseThrow().password()).isEqualTo("s3cret");
        assertThat(s.credentials().orElseThrow().toString()).doesNotContain("s3cret");
        assertThat(s.tls().orElseThrow().certFile()).contains(dir.resolve("client.pem"));
        assertThat(c.recordStore()).isInstanceOf(RecordStoreConfig.Etcd.class);
    }

    @Test
    void refusalsNameTheKey() {
        assertThatThrownBy(() -> parse("planStore: { type: zookeeper }")).hasMessageContaining("planStore.type").hasMessageContaining("file or etcd");
        assertThatThrownBy(() -> parse("planStore: { type: etcd }")).hasMessageContaining("planStore.endpoints");
        assertThatThrownBy(() -> parse("planStore: { type: etcd, endpoints: [127.0.0.1:2379] }")).hasMessageContaining("planStore.endpoints[0]");
        assertThatThrownBy(() -> parse("planStore: { type: etcd, endpoints: [https://a:2379] }")).hasMessageContaining("tls");
        assertThatThrownBy(() -> parse("planStore: { type: etcd, endpoints: [http://a:2379], prefix: waymark }")).hasMessageContaining("planStore.prefix");
        assertThatThrownBy(() -> parse("planStore: { type: etcd, endpoints: [http://a:2379], user: u }")).hasMessageContaining("password");
        assertThatThrownBy(() -> parse("planStore: { type: etcd, endpoints: [http://a:2379], tls: { caFile: missing.pem } }")).hasMessageContaining("planStore.tls.caFile");
        assertThatThrownBy(() -> parse("recordStore: { type: etcd }")).hasMessageContaining("recordStore.type").hasMessageContaining("planStore.type is etcd");
        assertThatThrownBy(() -> parse("planStore: { type: etcd, endpoints: [http://a:2379], colour: red }")).hasMessageContaining("planStore.colour");
    }
}
