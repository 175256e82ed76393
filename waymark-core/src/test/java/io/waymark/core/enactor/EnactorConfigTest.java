package io.waymark.core.enactor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The enactor's settings accept exactly their documented ranges, bounds included. */
class EnactorConfigTest {
    static final EnactorConfig D = EnactorConfig.DEFAULTS;

    @Test
    void theSmallestAndLargestValidSettingsAreAccepted() {
        EnactorConfig low = new EnactorConfig(1, 1, 0, 0.0, 0, 0);
        assertThat(low.endpointsPerTickMax()).isEqualTo(1);
        // Even a threshold of 0 lets one address go per step: a guard that forbids every removal wedges (L1).
        assertThat(low.changeGuard().removalsAllowed(10)).isEqualTo(1);
        EnactorConfig high = new EnactorConfig(1, 1, 100, 1.0, 0, 0);
        assertThat(high.conflictRetriesMax()).isEqualTo(100);
        assertThat(high.changeGuard().removalsAllowed(10)).isEqualTo(10);
    }

    @Test
    void settingsOutsideTheirRangesAreRefusedWithTheRange() {
        assertThatThrownBy(() -> new EnactorConfig(0, 1, 0, 0.3, 0, 0)).hasMessage("endpointsPerTickMax must be >= 1, got 0");
        assertThatThrownBy(() -> new EnactorConfig(1, 0, 0, 0.3, 0, 0)).hasMessage("applyBatchSize must be >= 1, got 0");
        assertThatThrownBy(() -> new EnactorConfig(1, 1, -1, 0.3, 0, 0)).hasMessage("conflictRetriesMax must be in 0..100, got -1");
        assertThatThrownBy(() -> new EnactorConfig(1, 1, 101, 0.3, 0, 0)).hasMessage("conflictRetriesMax must be in 0..100, got 101");
        assertThatThrownBy(() -> new EnactorConfig(1, 1, 0, -0.01, 0, 0)).hasMessage("changeThreshold must be in 0..1, got -0.01");
        assertThatThrownBy(() -> new EnactorConfig(1, 1, 0, 1.01, 0, 0)).hasMessage("changeThreshold must be in 0..1, got 1.01");
        assertThatThrownBy(() -> new EnactorConfig(1, 1, 0, Double.NaN, 0, 0)).hasMessage("changeThreshold must be in 0..1, got NaN");
        assertThatThrownBy(() -> new EnactorConfig(1, 1, 0, 0.3, -1, 0)).hasMessage("changeGuardMinServed must be >= 0, got -1");
        assertThatThrownBy(() -> new EnactorConfig(1, 1, 0, 0.3, 0, -1)).hasMessage("errorDetailsMax must be >= 0, got -1");
        assertThatThrownBy(() -> D.withChangeThreshold(0.3, -1)).isInstanceOf(IllegalArgumentException.class);
    }
}
