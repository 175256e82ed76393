package io.waymark.core.role;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class StoreSupervisorTest {
    private static final long MS = 1_000_000L;

    /** A store whose failure and reopen outcomes the test scripts. */
    static final class ScriptedStore implements Reopenable {
        Optional<String> failure = Optional.empty();
        Reopenable.Outcome next = new Reopenable.Outcome.StillFailing("ENOSPC");
        final List<Long> attempts = new ArrayList<>();
        long now;

        @Override
        public String name() {
            return "records";
        }

        @Override
        public Optional<String> failure() {
            return failure;
        }

        @Override
        public Outcome reopen() {
            attempts.add(now);
            if (next instanceof Outcome.Reopened) failure = Optional.empty();
            return next;
        }
    }

    private static StoreSupervisor supervisor(ScriptedStore store, double jitter) {
        return new StoreSupervisor(store, new StoreSupervisor.Backoff(100 * MS, 1_600 * MS, jitter, 500 * MS), new SplittableRandom(7));
    }

    @Test
    void a_failed_store_is_reopened_with_doubling_capped_delays_and_the_failure_is_reported_once() {
        ScriptedStore store = new ScriptedStore();
        StoreSupervisor s = supervisor(store, 0.0);
        List<Transition> transitions = new ArrayList<>();
        store.failure = Optional.of("No space left on device");
        // 10 s of steps every 10 ms while the disk stays full.
        for (long t = 0; t <= 10_000 * MS; t += 10 * MS) {
            store.now = t;
            s.step(t).transition().ifPresent(transitions::add);
        }
        assertThat(transitions).as("one transition into the failure, none per step").hasSize(1);
        assertThat(transitions.get(0).troubleStarted()).isTrue();
        assertThat(transitions.get(0).to().detail()).contains("records", "No space left on device");
        // First attempt 100 ms after the failure, then +200, +400, +800, +1600, +1600, ...
        List<Long> gapsMs = new ArrayList<>();
        gapsMs.add(store.attempts.get(0) / MS);
        for (int i = 1; i < store.attempts.size(); i++) gapsMs.add((store.attempts.get(i) - store.attempts.get(i - 1)) / MS);
        assertThat(gapsMs.subList(0, 7)).containsExactly(100L, 200L, 400L, 800L, 1600L, 1600L, 1600L);
        assertThat(s.status().state()).isEqualTo(StoreSupervisor.State.FAILED);
        assertThat(s.status().failedAttempts()).isEqualTo(store.attempts.size());

        store.next = new Reopenable.Outcome.Reopened(); // the disk has room again
        long t = 10_000 * MS;
        Optional<Transition> recovered = Optional.empty();
        for (int i = 0; i < 400 && recovered.isEmpty(); i++) {
            t += 10 * MS;
            store.now = t;
            recovered = s.step(t).transition();
        }
        assertThat(recovered).hasValueSatisfying(r -> assertThat(r.recovered()).isTrue());
        assertThat(s.status().state()).isEqualTo(StoreSupervisor.State.UP);
        assertThat(s.status().failedAttempts()).isZero();
    }

    @Test
    void jitter_only_shortens_each_delay_and_by_less_than_its_fraction() {
        ScriptedStore store = new ScriptedStore();
        StoreSupervisor s = supervisor(store, 0.5);
        store.failure = Optional.of("EIO");
        for (long t = 0; t <= 20_000 * MS; t += MS) {
            store.now = t;
            s.step(t);
        }
        long previous = 0;
        for (int i = 0; i < store.attempts.size(); i++) {
            long gap = store.attempts.get(i) - previous;
            long full = Math.min(100 * MS << i, 1_600 * MS);
            assertThat(gap).as("attempt %d", i).isBetween(full / 2 - MS, full + MS);
            previous = store.attempts.get(i);
        }
        assertThat(store.attempts).hasSizeGreaterThan(10);
    }

    @Test
    void a_damaged_store_is_retried_at_the_longest_delay_and_says_what_to_do() {
        ScriptedStore store = new ScriptedStore();
        StoreSupervisor s = supervisor(store, 0.0);
        store.failure = Optional.of("corrupt");
        store.next = new Reopenable.Outcome.Damaged("records.log offset 4096: checksum mismatch", "run 'waymark salvage'");
        List<Transition> transitions = new ArrayList<>();
        for (long t = 0; t <= 5_000 * MS; t += 10 * MS) {
            store.now = t;
            s.step(t).transition().ifPresent(transitions::add);
        }
        assertThat(s.status().state()).isEqualTo(StoreSupervisor.State.DAMAGED);
        assertThat(s.status().whatToDo()).contains("salvage");
        assertThat(transitions).hasSize(2); // failed, then damaged
        assertThat(store.attempts.get(1) - store.attempts.get(0)).isEqualTo(1_600 * MS);
    }

    @Test
    void a_reopen_that_fails_again_on_probation_keeps_backing_off_and_reports_nothing_new() {
        ScriptedStore store = new ScriptedStore();
        StoreSupervisor s = supervisor(store, 0.0);
        store.failure = Optional.of("ENOSPC");
        store.next = new Reopenable.Outcome.Reopened(); // opening works (it only reads), the next append fails again
        List<Transition> transitions = new ArrayList<>();
        for (long t = 0; t <= 10_000 * MS; t += 10 * MS) {
            store.now = t;
            if (!store.attempts.isEmpty() && t - store.attempts.get(store.attempts.size() - 1) == 50 * MS) store.failure = Optional.of("ENOSPC again");
            s.step(t).transition().ifPresent(transitions::add);
        }
        assertThat(transitions).as("one failure, no recovery per cycle").hasSize(1);
        List<Long> gapsMs = new ArrayList<>();
        for (int i = 1; i < store.attempts.size(); i++) gapsMs.add((store.attempts.get(i) - store.attempts.get(i - 1)) / MS);
        assertThat(gapsMs.subList(0, 4)).as("delays keep doubling: the 50 ms on probation plus the next delay").containsExactly(250L, 450L, 850L, 1650L);
        // Now the cause clears for good: after the probation the store is up, reported once.
        store.failure = Optional.empty();
        long t = 10_000 * MS;
        for (int i = 0; i < 400; i++) {
            t += 10 * MS;
            store.now = t;
            s.step(t).transition().ifPresent(transitions::add);
        }
        assertThat(transitions).hasSize(2);
        assertThat(transitions.get(1).recovered()).isTrue();
        assertThat(s.status().state()).isEqualTo(StoreSupervisor.State.UP);
    }

    @Test
    void a_store_that_works_is_never_reopened() {
        ScriptedStore store = new ScriptedStore();
        StoreSupervisor s = supervisor(store, 0.2);
        for (long t = 0; t < 1_000 * MS; t += MS) assertThat(s.step(t).transition()).isEmpty();
        assertThat(store.attempts).isEmpty();
    }
}
