package io.waymark.dns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** A flood of refused UPDATEs is counted, not logged line by line: at most N lines a second, then the count. */
class LogThrottleTest {
    @Test
    void letsNLinesASecondThroughAndReportsWhatItDroppedWithTheNextOne() {
        long[] now = {5_000_000_000L};
        LogThrottle t = new LogThrottle(3, () -> now[0]);
        assertThat(t.admit()).isZero(); // the first line always goes out
        assertThat(t.admit()).isZero();
        assertThat(t.admit()).isZero();
        for (int i = 0; i < 1_000; i++) assertThat(t.admit()).isEqualTo(-1);
        now[0] += 999_999_999L;
        assertThat(t.admit()).as("still the same second").isEqualTo(-1);
        now[0] += 1;
        assertThat(t.admit()).as("a new second: the count of what was dropped").isEqualTo(1_001);
        assertThat(t.admit()).isZero();
        assertThat(LogThrottle.suffix(0)).isEmpty();
        assertThat(LogThrottle.suffix(1_001)).isEqualTo(" (1001 more not logged since the last one)");
        assertThatThrownBy(() -> new LogThrottle(0, () -> 0)).isInstanceOf(IllegalArgumentException.class);
    }
}
