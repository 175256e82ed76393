package io.waymark.core.operator;

import static io.waymark.core.Fixtures.draft;
import static org.assertj.core.api.Assertions.assertThat;

import io.waymark.core.enactor.Enactor;
import io.waymark.core.enactor.EnactorConfig;
import io.waymark.core.memory.InMemoryPlanStore;
import io.waymark.core.memory.InMemoryRecordStore;
import io.waymark.core.model.Generation;
import io.waymark.core.model.Plan;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class RollbackTest {
    final InMemoryPlanStore plans = new InMemoryPlanStore();
    final InMemoryRecordStore records = new InMemoryRecordStore();

    @Test
    void rollbackRepublishesOldContentForcedAsANewGeneration() {
        plans.publish(Generation.ZERO, draft(4, 1, 2, 3));
        Enactor e = new Enactor("e", plans, records, new SplittableRandom(1), EnactorConfig.DEFAULTS);
        e.tick();
        plans.publish(Generation.of(1), draft(4, 1, 2, 3, 4));
        e.tick();
        RollbackResult r = new Rollback(plans).to(Generation.of(1), true);
        assertThat(r.status()).isEqualTo(RollbackStatus.PUBLISHED);
        Plan p = r.published().orElseThrow();
        assertThat(p.generation()).isEqualTo(Generation.of(3));
        assertThat(p.forced()).isTrue();
        assertThat(p.draft().sameRecordSets(plans.read(Generation.of(1)).orElseThrow().draft())).isTrue();
        assertThat(plans.flags().pinned()).isTrue();
        assertThat(e.tick().applied()).isEqualTo(4);
    }

    @Test
    void rollbackToAMissingPlanSaysSo() {
        plans.publish(Generation.ZERO, draft(1, 1));
        assertThat(new Rollback(plans).to(Generation.of(7), false).status()).isEqualTo(RollbackStatus.NOT_FOUND);
        assertThat(plans.history()).hasSize(1);
    }

    @Test
    void switchesSetTheFlags() {
        Switches s = new Switches(plans);
        assertThat(s.pause().paused()).isTrue();
        assertThat(s.pin().pinned()).isTrue();
        assertThat(s.resume().paused()).isFalse();
        assertThat(s.unpin()).isEqualTo(io.waymark.core.model.ControlFlags.NONE);
    }

    @Test
    void aRollbackNeverTakesAnAddressFamilyAwayFromAnEndpoint() {
        // The old plan is from before the endpoint's IPv4 targets were up: it would blank its A answers.
        io.waymark.core.model.Endpoint e = io.waymark.core.Fixtures.ep(0);
        io.waymark.core.model.RecordSet v6 = io.waymark.core.model.RecordSet.of(30, io.waymark.core.model.WeightedAddress.of("2001:db8::1", 1));
        io.waymark.core.model.RecordSet dual = io.waymark.core.model.RecordSet.of(30, io.waymark.core.model.WeightedAddress.of("2001:db8::1", 1),
                io.waymark.core.model.WeightedAddress.of("10.0.0.1", 1));
        plans.publish(Generation.ZERO, io.waymark.core.model.PlanDraft.of(java.util.Map.of(e, v6)));
        plans.publish(Generation.of(1), io.waymark.core.model.PlanDraft.of(java.util.Map.of(e, dual)));
        RollbackResult r = new Rollback(plans).to(Generation.of(1), true);
        assertThat(r.status()).isEqualTo(RollbackStatus.EMPTIES_A_FAMILY);
        assertThat(r.detail()).contains("without A records");
        assertThat(plans.history()).hasSize(2);
        assertThat(plans.flags().pinned()).as("refused before pinning").isFalse();
        assertThat(new Rollback(plans).to(Generation.of(2), false).status()).isEqualTo(RollbackStatus.PUBLISHED);
        assertThat(plans.latest().orElseThrow().provenance().reason()).contains("rollback to g2");
    }

    @Test
    void aRollbackNeverBringsBackAnEndpointThatLeftTheConfiguration() {
        // Seed 46: rolling back to a plan from before ep1 left re-served ep1 after it was retired, and the
        // retire role tombstoned it again, rollback after rollback.
        plans.publish(Generation.ZERO, draft(2, 1)); // g1: ep0, ep1
        plans.publish(Generation.of(1), draft(1, 2)); // g2: ep1 left the configuration
        RollbackResult r = new Rollback(plans).to(Generation.of(1), false);
        assertThat(r.status()).isEqualTo(RollbackStatus.PUBLISHED);
        assertThat(r.published().orElseThrow().recordSets()).containsOnlyKeys(io.waymark.core.Fixtures.ep(0));
        // With the running configuration: restricted to it.
        RollbackResult c = new Rollback(plans, java.util.Set.of(io.waymark.core.Fixtures.ep(1))).to(Generation.of(1), false);
        assertThat(c.published().orElseThrow().recordSets()).containsOnlyKeys(io.waymark.core.Fixtures.ep(1));
        RollbackResult none = new Rollback(plans, java.util.Set.of(io.waymark.core.Fixtures.ep(5))).to(Generation.of(1), false);
        assertThat(none.status()).isEqualTo(RollbackStatus.NOTHING_CONFIGURED);
    }

    @Test
    void aFamilyServedByAPlanPublishedDuringTheRollbackIsNotTakenAway() {
        // Seed 1692 (I1): the check ran against the latest plan when the rollback started; a plan that
        // added the endpoint's AAAA records was published before the rollback's CAS, which then won.
        io.waymark.core.model.Endpoint e = io.waymark.core.Fixtures.ep(0);
        io.waymark.core.model.RecordSet v4 = io.waymark.core.model.RecordSet.of(30, io.waymark.core.model.WeightedAddress.of("10.0.0.1", 1));
        io.waymark.core.model.RecordSet dual = io.waymark.core.model.RecordSet.of(30, io.waymark.core.model.WeightedAddress.of("2001:db8::1", 1),
                io.waymark.core.model.WeightedAddress.of("10.0.0.1", 1));
        plans.publish(Generation.ZERO, io.waymark.core.model.PlanDraft.of(java.util.Map.of(e, v4)));
        plans.publish(Generation.of(1), io.waymark.core.model.PlanDraft.of(java.util.Map.of(e, io.waymark.core.model.RecordSet.of(30, io.waymark.core.model.WeightedAddress.of("10.0.0.1", 2)))));
        // A store whose latest plan moves on between the rollback's first look and its publish.
        int[] latestCalls = {0};
        io.waymark.core.port.PlanStore racing = new io.waymark.core.port.PlanStore() {
            @Override public io.waymark.core.port.PublishOutcome publish(Generation expected, io.waymark.core.model.PlanDraft d) { return plans.publish(expected, d); }
            @Override public java.util.Optional<Plan> latest() {
                if (latestCalls[0]++ == 1) plans.publish(Generation.of(2), io.waymark.core.model.PlanDraft.of(java.util.Map.of(e, dual)));
                return plans.latest();
            }
            @Override public java.util.Optional<Plan> read(Generation g) { return plans.read(g); }
            @Override public java.util.List<Generation> history() { return plans.history(); }
            @Override public boolean delete(Generation g) { return plans.delete(g); }
            @Override public io.waymark.core.model.ControlFlags flags() { return plans.flags(); }
            @Override public boolean updateFlags(io.waymark.core.model.ControlFlags x, io.waymark.core.model.ControlFlags n) { return plans.updateFlags(x, n); }
        };
        RollbackResult r = new Rollback(racing).to(Generation.of(1), false);
        assertThat(r.status()).isEqualTo(RollbackStatus.EMPTIES_A_FAMILY);
        assertThat(plans.latest().orElseThrow().recordSets().get(e)).isEqualTo(dual);
    }
}
