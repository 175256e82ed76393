package io.waymark.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.waymark.server.config.ConfigException;
import io.waymark.server.config.ConfigLoader;
import io.waymark.server.config.WaymarkConfig;
import io.waymark.server.daemon.Daemon;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 7, defect 10: one process per data directory. Two daemons on one directory both ran, handed
 * out the same generations and corrupted the logs; the second must refuse to start, exit 2, naming
 * the directory and the pid that holds it.
 */
class DataDirLockTest {
    @TempDir Path dir;

    private Path config() throws Exception {
        return DaemonConfigFile.of(1, "api.example.test.").withEnactors(1, 100).write(dir);
    }

    @Test
    void a_second_daemon_process_on_the_same_data_directory_refuses_to_start() throws Exception {
        Path file = config();
        try (DaemonProcess first = DaemonProcess.serve(file)) {
            first.awaitServing(Duration.ofSeconds(60));
            try (DaemonProcess second = DaemonProcess.serve(file)) {
                assertThat(second.awaitExit(Duration.ofSeconds(60))).as(second::output).contains(2);
                assertThat(second.output()).contains(dir.resolve("data").toString(), "pid " + first.pid()).doesNotContain("\tat ");
            }
            assertThat(first.awaitExit(Duration.ZERO)).as("the first daemon keeps running").isEmpty();
            first.stop();
        }
        // Released on exit: a new daemon starts on the same directory.
        try (DaemonProcess again = DaemonProcess.serve(file)) {
            again.awaitServing(Duration.ofSeconds(60));
            again.stop();
        }
    }

    @Test
    void a_second_daemon_in_the_same_jvm_is_refused_too() throws Exception {
        WaymarkConfig config = ConfigLoader.load(config());
        try (Daemon first = Daemon.start(config, Optional.empty())) {
            assertThatThrownBy(() -> Daemon.start(config, Optional.empty()).close())
                    .isInstanceOf(ConfigException.class).hasMessageContaining(config.dataDir().toString()).hasMessageContaining("in use");
            assertThat(first.planStore().flags().paused()).as("the first one still works").isFalse();
        }
        Daemon.start(config, Optional.empty()).close();
    }
}
