package io.waymark.core.role;

import static io.waymark.core.Fixtures.draft;
import static org.assertj.core.api.Assertions.assertThat;

import io.waymark.core.enactor.Enactor;
import io.waymark.core.enactor.EnactorConfig;
import io.waymark.core.memory.InMemoryPlanStore;
import io.waymark.core.memory.InMemoryRecordStore;
import io.waymark.core.model.Generation;
import io.waymark.core.model.PlanDraft;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Issue 7, defect 15: a refusal is one transition, not one warning per tick. */
class EnactorRoleTest {
    @Test
    void a_refusal_is_reported_once_and_its_end_once() {
        InMemoryPlanStore plans = new InMemoryPlanStore();
        InMemoryRecordStore records = new InMemoryRecordStore();
        EnactorRole role = new EnactorRole(new Enactor("e1", plans, records, new SplittableRandom(1), EnactorConfig.DEFAULTS), 2_000);
        plans.publish(Generation.ZERO, draft(20, 1, 2, 3, 4));
        List<Transition> transitions = new ArrayList<>();
        long t = 0;
        for (int i = 0; i < 5; i++) role.step(t += 1_000).transition().ifPresent(transitions::add);
        assertThat(transitions).isEmpty();
        assertThat(role.condition().kind()).isEqualTo(RoleCondition.Kind.OK);

        // Removes 3 of 4 addresses everywhere: the change guard refuses it, tick after tick.
        plans.publish(Generation.of(1), draft(20, 1));
        for (int i = 0; i < 50; i++) role.step(t += 1_000).transition().ifPresent(transitions::add);
        assertThat(transitions).singleElement().satisfies(x -> {
            assertThat(x.troubleStarted()).isTrue();
            assertThat(x.to().kind()).isEqualTo(RoleCondition.Kind.REFUSED);
            assertThat(x.to().detail()).contains("g2", "CHANGE_THRESHOLD");
        });

        PlanDraft forced = draft(20, 1).asForced();
        plans.publish(Generation.of(2), forced);
        for (int i = 0; i < 5; i++) role.step(t += 1_000).transition().ifPresent(transitions::add);
        assertThat(transitions).hasSize(2);
        assertThat(transitions.get(1).recovered()).isTrue();
    }

    @Test
    void a_step_that_settled_the_whole_plan_asks_for_no_other_at_once_one_that_filled_its_share_does() {
        InMemoryPlanStore plans = new InMemoryPlanStore();
        InMemoryRecordStore records = new InMemoryRecordStore();
        EnactorRole role = new EnactorRole(new Enactor("e1", plans, records, new SplittableRandom(1), EnactorConfig.DEFAULTS.withEndpointsPerTickMax(10)), 2_000);
        plans.publish(Generation.ZERO, draft(5, 1));
        EnactorRole.Step whole = role.step(1);
        assertThat(whole.result().orElseThrow().applied()).isEqualTo(5);
        assertThat(whole.moreWork()).as("all 5 endpoints applied in one tick: nothing left to step for").isFalse();

        plans.publish(Generation.of(1), draft(25, 1));
        EnactorRole.Step first = role.step(2);
        assertThat(first.result().orElseThrow().visited()).isEqualTo(10);
        assertThat(first.moreWork()).as("10 of 25 endpoints visited").isTrue();
        assertThat(role.step(3).moreWork()).isTrue();
        EnactorRole.Step last = role.step(4);
        assertThat(last.result().orElseThrow().visited()).isEqualTo(10);
        // The third share wraps around the 25: it ends the pass, but its share was full, so one more
        // step (which finds everything applied) is asked for. Bounded: that step applies nothing.
        EnactorRole.Step settled = role.step(5);
        assertThat(settled.result().orElseThrow().applied()).isZero();
        assertThat(settled.moreWork()).isFalse();
    }

    @Test
    void a_tick_that_throws_is_a_failed_step_not_a_dead_role() {
        InMemoryPlanStore plans = new InMemoryPlanStore();
        var records = new InMemoryRecordStore() ;
        EnactorRole role = new EnactorRole(new Enactor("e1", new io.waymark.core.port.PlanStore() {
            @Override public io.waymark.core.port.PublishOutcome publish(Generation g, PlanDraft d) { return plans.publish(g, d); }
            @Override public java.util.Optional<io.waymark.core.model.Plan> latest() { throw new IllegalStateException("bug"); }
            @Override public java.util.Optional<io.waymark.core.model.Plan> read(Generation g) { return plans.read(g); }
            @Override public List<Generation> history() { return plans.history(); }
            @Override public boolean delete(Generation g) { return plans.delete(g); }
            @Override public io.waymark.core.model.ControlFlags flags() { return plans.flags(); }
            @Override public boolean updateFlags(io.waymark.core.model.ControlFlags e, io.waymark.core.model.ControlFlags n) { return plans.updateFlags(e, n); }
        }, records, new SplittableRandom(1), EnactorConfig.DEFAULTS));
        EnactorRole.Step first = role.step(1);
        EnactorRole.Step second = role.step(2);
        assertThat(first.bug()).isPresent();
        assertThat(first.transition()).isPresent();
        assertThat(second.bug()).isPresent();
        assertThat(second.transition()).as("the same bug again is not news").isEmpty();
    }
}
