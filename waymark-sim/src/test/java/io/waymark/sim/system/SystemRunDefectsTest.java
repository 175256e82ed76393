package io.waymark.sim.system;

import static org.assertj.core.api.Assertions.assertThat;

import io.waymark.sim.explore.Explorer;
import io.waymark.sim.explore.Fault;
import io.waymark.sim.scenario.Algorithm;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The whole-system run sees every defect of issue 7 it can model, with the old behaviour injected (a copy
 * of the old planner, the old last-writer-wins flags): this stays true after the fixes land, so the run
 * keeps proving it can see each class of bug. Seeds are searched, not hard-coded, so that a change to the
 * run's draws does not turn this test into a lie; the first seed found is printed with its shrunk trace.
 */
class SystemRunDefectsTest {
    static final long SEEDS = 600;

    @ParameterizedTest
    @EnumSource(Defect.class)
    void theRunSeesTheDefectWithTheOldBehaviourInjected(Defect d) {
        List<Long> seeds = d.seeds(d.old, 1, SEEDS, 1);
        assertThat(seeds).as(d + ": no schedule in 1.." + SEEDS + " breaks " + d.invariant + " with '" + d.words + "'").isNotEmpty();
        Explorer.Finding f = Explorer.replay(d.runner(d.old), Algorithm.WAYMARK, seeds.get(0), Fault.ALL, d.invariant);
        assertThat(f.shrunk().violates(d.invariant)).isTrue();
        assertThat(f.shrunk().violations()).anyMatch(v -> v.contains(d.words));
        assertThat(f.shrunk().events()).isLessThanOrEqualTo(f.original().events());
        System.out.println(d + ": seed " + seeds.get(0) + "\n" + f.render());
    }

    /** Defect 6 was fixed on main (PlanStore.updateFlags is a compare-and-set): the seeds where the old write loses a lever are clean now. */
    @Test
    void theFlagsCompareAndSetHoldsWhereTheOldWriteLostALever() {
        List<Long> seeds = Defect.LOST_PAUSE_OR_PIN.seeds(Defect.LOST_PAUSE_OR_PIN.old, 1, SEEDS, 3);
        assertThat(seeds).isNotEmpty();
        for (long s : seeds) {
            assertThat(Defect.LOST_PAUSE_OR_PIN.seeds(SystemRun.Options.DEFAULTS, s, 1, 1)).as("seed " + s + " with the real Switches").isEmpty();
        }
    }
}
