package io.waymark.adapters.health;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class TargetHealthTest {
    private static final CheckPolicy RISE2_FALL3 = new CheckPolicy(Duration.ofSeconds(1), Duration.ofMillis(500), 2, 3);

    private static TargetHealth run(TargetHealth h, boolean... results) {
        for (boolean r : results) h = h.observe(r, RISE2_FALL3);
        return h;
    }

    @Test
    void firstResultDecides() {
        assertThat(run(TargetHealth.UNKNOWN, true).healthy()).isTrue();
        assertThat(run(TargetHealth.UNKNOWN, false).healthy()).isFalse();
        assertThat(run(TargetHealth.UNKNOWN, false).known()).isTrue();
    }

    @Test
    void healthyTargetNeedsFallConsecutiveFailuresToGoDown() {
        TargetHealth up = run(TargetHealth.UNKNOWN, true);
        assertThat(run(up, false, false).healthy()).isTrue();
        assertThat(run(up, false, false, true, false, false).healthy()).as("a pass resets the count").isTrue();
        assertThat(run(up, false, false, false).healthy()).isFalse();
    }

    @Test
    void unhealthyTargetNeedsRiseConsecutivePassesToComeBack() {
        TargetHealth down = run(TargetHealth.UNKNOWN, false);
        assertThat(run(down, true).healthy()).isFalse();
        assertThat(run(down, true, false, true).healthy()).isFalse();
        assertThat(run(down, true, true).healthy()).isTrue();
    }

    @Test
    void changedFromReportsFlipsOnly() {
        TargetHealth up = run(TargetHealth.UNKNOWN, true);
        assertThat(up.changedFrom(TargetHealth.UNKNOWN)).isTrue();
        assertThat(up.observe(true, RISE2_FALL3).changedFrom(up)).isFalse();
        assertThat(up.observe(false, RISE2_FALL3).changedFrom(up)).isFalse();
    }
}
