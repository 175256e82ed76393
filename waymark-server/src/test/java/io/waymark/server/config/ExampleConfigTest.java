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
    void examples_waymark_etcd_yaml_is_accepted_as_distributed_mode() {
        WaymarkConfig config = ConfigLoader.load(Path.of("..", "examples", "waymark-etcd.yaml"));
        assertThat(config.distributed()).isTrue();
        var etcd = ((PlanStoreConfig.Etcd) config.planStore()).settings();
        assertThat(etcd.endpoints()).hasSize(3);
        assertThat(etcd.prefix()).isEqualTo("/waymark/");
        assertThat(config.recordStore()).isInstanceOf(RecordStoreConfig.Etcd.class);
    }
}
