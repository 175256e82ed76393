package io.waymark.adapters.plan;

import static org.assertj.core.api.Assertions.assertThat;

import io.waymark.core.model.ControlFlags;
import io.waymark.core.operator.Switches;
import java.nio.file.Path;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 7, defect 6: concurrent pause and pin each read the flags, changed one, and wrote the whole
 * value back, so one of the two acknowledged levers was lost in about half the rounds. I7: an
 * acknowledged pause or pin is never lost, whatever else writes the flags.
 */
class FlagsRaceTest {
    @TempDir Path dir;

    @Test
    void concurrentPauseAndPinKeepBothFlagsDurably() throws Exception {
        int rounds = 200;
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try (FilePlanStore store = FilePlanStore.open(dir)) {
            Switches switches = new Switches(store);
            for (int round = 0; round < rounds; round++) {
                CyclicBarrier start = new CyclicBarrier(2);
                Future<ControlFlags> pause = pool.submit(() -> { start.await(); return switches.pause(); });
                Future<ControlFlags> pin = pool.submit(() -> { start.await(); return switches.pin(); });
                assertThat(pause.get(10, TimeUnit.SECONDS).paused()).isTrue();
                assertThat(pin.get(10, TimeUnit.SECONDS).pinned()).isTrue();
                assertThat(store.flags()).as("round %d: both acknowledged levers are held", round).isEqualTo(new ControlFlags(true, true));
                switches.resume();
                switches.unpin();
                assertThat(store.flags()).isEqualTo(ControlFlags.NONE);
            }
            switches.pause();
            switches.pin();
        } finally {
            pool.shutdownNow();
        }
        try (FilePlanStore reopened = FilePlanStore.open(dir)) {
            assertThat(reopened.flags()).isEqualTo(new ControlFlags(true, true));
        }
    }

    @Test
    void compareAndSetRefusesAStaleExpectation() throws Exception {
        try (FilePlanStore store = FilePlanStore.open(dir)) {
            assertThat(store.updateFlags(ControlFlags.NONE, ControlFlags.NONE.withPaused(true))).isTrue();
            assertThat(store.updateFlags(ControlFlags.NONE, ControlFlags.NONE.withPinned(true))).as("stale expectation").isFalse();
            assertThat(store.flags()).isEqualTo(ControlFlags.NONE.withPaused(true));
        }
    }
}
