package io.waymark.server.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The shipped example is a configuration the daemon accepts: every check, servability included. */
class ExampleConfigTest {
    @Test
    void examples_waymark_yaml_is_accepted() {
        Path example = Path.of("..", "examples", "waymark.yaml");
        assertThat(Files.isReadable(example)).as(example.toAbsolutePath().toString()).isTrue();
        WaymarkConfig config = ConfigLoader.load(example);
        assertThat(config.endpoints()).isNotEmpty();
        assertThat(config.targets()).hasSize(2);
    }

    @Test
    void examples_waymark_rfc2136_yaml_is_accepted_and_reads_the_key_file() {
        WaymarkConfig config = ConfigLoader.load(Path.of("..", "examples", "waymark-rfc2136.yaml"));
        assertThat(config.recordStore()).isInstanceOfSatisfying(RecordStoreConfig.Rfc2136.class, r -> {
            assertThat(r.settings().zone()).isEqualTo("example.test.");
            assertThat(r.settings().tsig()).hasValueSatisfying(k -> assertThat(k.name()).isEqualTo("waymark-key."));
            assertThat(r.toString()).doesNotContain("ROjsf7s7gRgBrTbYbOZ0");
        });
        assertThat(ConfigLoader.load(Path.of("..", "examples", "waymark.yaml")).recordStore()).isEqualTo(RecordStoreConfig.DEFAULT);
    }

    @Test
    void examples_waymark_update_yaml_accepts_update_with_the_key_file() {
        WaymarkConfig config = ConfigLoader.load(Path.of("..", "examples", "waymark-update.yaml"));
        assertThat(config.dns().updateKey()).isPresent();
        assertThat(config.dns().transfer().enabled()).isTrue();
        assertThat(ConfigLoader.load(Path.of("..", "examples", "waymark.yaml")).dns().updateKey()).isEmpty();
    }

    @Test
    void examples_waymark_etcd_yaml_is_accepted_as_distributed_mode() {
        WaymarkConfig config = ConfigLoader.load(Path.of("..", "examples", "waymark-etcd.yaml"));
        assertThat(config.distributed()).isTrue();
        var etcd = ((PlanStoreConfig.Etcd) config.planStore()).settings();
        assertThat(etcd.endpoints()).hasSize(3);
        assertThat(etcd.prefix()).isEqualTo("/waymark/");
        assertThat(config.recordStore()).isInstanceOf(RecordStoreConfig.Etcd.class);
    }
}
