package io.waymark.core.invariant;

import static io.waymark.core.Fixtures.draft;
import static io.waymark.core.Fixtures.ep;
import static io.waymark.core.Fixtures.rs;
import static org.assertj.core.api.Assertions.assertThat;

import io.waymark.core.enactor.Enactor;
import io.waymark.core.enactor.EnactorConfig;
import io.waymark.core.memory.InMemoryPlanStore;
import io.waymark.core.memory.InMemoryRecordStore;
import io.waymark.core.model.AddressFamily;
import io.waymark.core.model.Generation;
import io.waymark.core.model.Plan;
import io.waymark.core.port.PublishOutcome;
import io.waymark.core.port.StampedRecords;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** L1 as a state check, and the observation I1 carries from one check to the next. */
class ConvergenceTest {
    final InMemoryPlanStore plans = new InMemoryPlanStore();
    final InMemoryRecordStore records = new InMemoryRecordStore();

    @Test
    void endpointsLagUntilTheyServeTheLatestPlanExactly() {
        assertThat(Convergence.lagging(plans, records)).isEmpty(); // no plan: nothing to lag behind
        Plan p = ((PublishOutcome.Published) plans.publish(Generation.ZERO, draft(2, 1, 2))).plan();
        assertThat(Convergence.lagging(plans, records)).containsExactly(ep(0), ep(1));
        new Enactor("e", plans, records, new SplittableRandom(1), EnactorConfig.DEFAULTS).tick();
        assertThat(Convergence.lagging(plans, records)).isEmpty();
        // The right stamp over other records is not convergence.
        records.overwriteForFaultInjection(ep(1), new StampedRecords(p.stamp(), Optional.of(rs(1))));
        assertThat(Convergence.lagging(plans, records)).containsExactly(ep(1));
    }

    @Test
    void anEndpointKnownOnlyByTheFamiliesItServedCountsAsServed() {
        Observation familiesOnly = new Observation(Map.of(), Map.of(ep(0), Set.of(AddressFamily.IPV4)));
        assertThat(familiesOnly.everServed(ep(0))).isTrue();
        assertThat(new Observation(Map.of(ep(0), Generation.of(1))).everServed(ep(0))).isTrue();
        assertThat(familiesOnly.everServed(ep(1))).isFalse();
        // ... so I1 flags it when it now resolves to nothing.
        InvariantReport r = Invariants.check(plans, records, familiesOnly);
        assertThat(r.ok()).isFalse();
        assertThat(r.violations()).singleElement().satisfies(v -> {
            assertThat(v.invariant()).isEqualTo(Invariant.I1_NEVER_EMPTY);
            assertThat(v.toString()).startsWith("I1_NEVER_EMPTY at " + ep(0) + ": served before");
        });
        assertThat(Invariants.check(plans, records, Observation.NONE).ok()).isTrue();
    }
}
