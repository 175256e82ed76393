package io.waymark.core.role;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.waymark.core.role.StoreSupervisor.Backoff;
import org.junit.jupiter.api.Test;

/** The reopen backoff: its ranges, bounds included, and the doubling up to the cap. */
class BackoffTest {
    @Test
    void theDelayDoublesUpToTheCapAndNeverPastIt() {
        Backoff b = new Backoff(3, 7, 0.0, 0); // an odd cap: 3, 6, then 7 (not 12)
        assertThat(b.delayNanos(0)).isEqualTo(3);
        assertThat(b.delayNanos(1)).isEqualTo(6);
        assertThat(b.delayNanos(2)).isEqualTo(7);
        assertThat(b.delayNanos(100)).isEqualTo(7);
        assertThat(Backoff.DEFAULTS.delayNanos(3)).isEqualTo(800_000_000L);
        assertThat(Backoff.DEFAULTS.delayNanos(1_000)).isEqualTo(30_000_000_000L);
    }

    @Test
    void theSmallestValidSettingsAreAcceptedAndAnythingOutsideRefused() {
        Backoff b = new Backoff(1, 1, 0.0, 0);
        assertThat(b.delayNanos(5)).isEqualTo(1);
        assertThat(new Backoff(1, 1, 0.999, 0).jitterFraction()).isEqualTo(0.999);
        assertThatThrownBy(() -> new Backoff(0, 1, 0.0, 0)).hasMessage("initialNanos must be >= 1, got 0");
        assertThatThrownBy(() -> new Backoff(2, 1, 0.0, 0)).hasMessage("maxNanos must be >= initialNanos (2), got 1");
        assertThatThrownBy(() -> new Backoff(1, 1, 1.0, 0)).hasMessage("jitterFraction must be in [0, 1), got 1.0");
        assertThatThrownBy(() -> new Backoff(1, 1, -0.1, 0)).hasMessage("jitterFraction must be in [0, 1), got -0.1");
        assertThatThrownBy(() -> new Backoff(1, 1, 0.0, -1)).hasMessage("stableNanos must be >= 0, got -1");
    }
}
