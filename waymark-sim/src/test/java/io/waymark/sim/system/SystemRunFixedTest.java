package io.waymark.sim.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The real code is clean where the old code broke: for each defect of issue 7, the first seeds whose
 * schedule shows it with the old behaviour injected are run against the real code. Red until the fix of
 * that defect is merged (5, 7, 8: safety rules and planner, core; 9: endpoint retirement; 12: unknown
 * health, core), green from then on; defect 6 is fixed on main already.
 */
class SystemRunFixedTest {
    static final long SEEDS = 600;

    @ParameterizedTest
    @EnumSource(Defect.class)
    void theRealCodeIsCleanWhereTheOldCodeBroke(Defect d) {
        List<Long> seeds = d.seeds(d.old, 1, SEEDS, 3);
        assertThat(seeds).isNotEmpty();
        for (long s : seeds) assertThat(d.seeds(SystemRun.Options.DEFAULTS, s, 1, 1)).as(d + " at seed " + s + " with the real code").isEmpty();
    }
}
