package io.waymark.adapters.rfc2136;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.waymark.core.port.StoreUnavailableException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Recovery admission on a manual clock: backoff, one probe, additive window growth, rate ceiling, retry budget. */
class AdmissionTest {
    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final Rfc2136Settings settings = Rfc2136Settings.defaults(new InetSocketAddress("127.0.0.1", 53), "example.test.", null)
            .withUpdatesInFlightMax(4).withUpdatesPerSecondMax(10).withBackoffMs(100, 1_600).withTimeoutMs(10);
    private final Admission admission = new Admission(settings, now::get, new SplittableRandom(1));

    private void advanceMs(long ms) {
        now.addAndGet(TimeUnit.MILLISECONDS.toNanos(ms));
    }

    @Test
    void afterAFailureNothingIsSentUntilTheJitteredBackoffPassesThenOneProbeOnly() {
        admission.admit(true, false).orElseThrow().close();
        admission.failed("no answer", true);
        assertThatThrownBy(() -> admission.admit(true, false)).isInstanceOf(StoreUnavailableException.class).hasMessageContaining("no answer")
                .hasMessageContaining("next attempt in");
        assertThat(admission.failure()).hasValue("no answer");
        advanceMs(100); // jitter is in [0.5, 1) of 100 ms
        Admission.Permit probe = admission.admit(true, false).orElseThrow();
        assertThatThrownBy(() -> admission.admit(false, false)).hasMessageContaining("a probe is out");
        probe.close();
        admission.succeeded();
        assertThat(admission.failure()).isEmpty();
    }

    @Test
    void consecutiveFailuresDoubleTheWaitUpToTheCap() {
        List<Long> waits = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            admission.failed("down", false);
            long waited = 0;
            while (true) {
                try {
                    admission.admit(false, false).orElseThrow().close();
                    break;
                } catch (StoreUnavailableException e) {
                    advanceMs(10);
                    waited += 10;
                }
            }
            waits.add(waited);
        }
        // base 100 ms doubling, jittered into [0.5, 1) of it, capped at 1.6 s.
        assertThat(waits.get(0)).isBetween(50L, 110L);
        assertThat(waits.get(3)).isBetween(400L, 810L);
        assertThat(waits.get(7)).isBetween(800L, 1_610L);
    }

    @Test
    void theWindowStartsAtOneAfterRecoveryAndGrowsByOnePerSuccess() {
        admission.failed("down", true);
        advanceMs(200);
        Admission.Permit probe = admission.admit(true, false).orElseThrow();
        probe.close();
        admission.succeeded();
        List<Admission.Permit> held = new ArrayList<>();
        advanceMs(100); // one rate token per 100 ms at 10/s
        held.add(admission.admit(true, false).orElseThrow());
        advanceMs(100);
        held.add(admission.admit(true, false).orElseThrow());
        advanceMs(100);
        assertThatThrownBy(() -> admission.admit(true, false)).hasMessageContaining("in-flight slot");
        held.forEach(Admission.Permit::close);
        admission.succeeded();
        held.clear();
        for (int i = 0; i < 3; i++) {
            advanceMs(100);
            held.add(admission.admit(true, false).orElseThrow());
        }
        advanceMs(100);
        assertThatThrownBy(() -> admission.admit(true, false)).hasMessageContaining("in-flight slot");
    }

    @Test
    void updatesPerSecondNeverExceedTheCeilingAndResendsStopWhenTheBudgetIsSpent() {
        // Callers trying every 25 ms for two seconds, after an idle minute: paced at the ceiling, no burst.
        advanceMs(60_000);
        int sent = 0;
        int firstSecond = 0;
        for (int i = 0; i < 80; i++) {
            try {
                admission.admit(true, false).orElseThrow().close();
                sent++;
                if (i < 40) firstSecond++;
            } catch (StoreUnavailableException e) {
                assertThat(e).hasMessageContaining("rate token");
            }
            advanceMs(25);
        }
        assertThat(firstSecond).isBetween(8, 11); // at most the ceiling + 1; a little less where 25 ms steps round below a token
        assertThat(sent).isBetween(16, 21);
        advanceMs(1_000);
        int resent = 0;
        for (int i = 0; i < 30; i++) {
            Optional<Admission.Permit> p = admission.admit(false, true);
            if (p.isEmpty()) break;
            p.get().close();
            resent++;
        }
        assertThat(resent).isEqualTo(settings.resendsPerSecond());
    }
}
