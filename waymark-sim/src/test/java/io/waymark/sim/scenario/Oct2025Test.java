package io.waymark.sim.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import io.waymark.core.model.Generation;
import org.junit.jupiter.api.Test;

class Oct2025Test {
    @Test
    void legacyReplaysTheOutage() {
        Oct2025Result r = Oct2025.run(Algorithm.LEGACY, 42);
        System.out.println(r.render());
        // The stale check: A's g2, checked at 12 s, lands over g8 at 120 s.
        assertThat(r.staleWrite()).hasValueSatisfying(s -> assertThat(s).contains("enactor-A wrote g2 over g8"));
        assertThat(r.staleWriteOutcome()).startsWith("landed");
        // B's age-based clean-up deletes g2, the live plan: the endpoint goes empty at 125 s.
        assertThat(r.emptiedAtMillis()).hasValue(125_000);
        assertThat(r.violations()).anyMatch(v -> v.startsWith("I1")).anyMatch(v -> v.startsWith("I2")).anyMatch(v -> v.startsWith("I4"));
        // No enactor can apply g9 afterwards: all three stuck on the missing rollback target.
        assertThat(r.latest()).isEqualTo(Generation.of(9));
        assertThat(r.stuckEnactors()).hasSize(3).allMatch(s -> s.contains("rollback target"));
        assertThat(r.laterPlanApplied()).isFalse();
        assertThat(r.finalServed()).isEmpty();
        assertThat(r.render()).contains("STALE CHECK").contains("ENDPOINT EMPTY").contains("NO — no enactor can apply any later plan");
    }

    @Test
    void waymarkHoldsEveryInvariantOnTheSameSchedule() {
        Oct2025Result r = Oct2025.run(Algorithm.WAYMARK, 42);
        System.out.println(r.render());
        assertThat(r.violations()).isEmpty();
        assertThat(r.staleWrite()).hasValueSatisfying(s -> assertThat(s).contains("enactor-A offered g2").contains("g8 was served"));
        assertThat(r.staleWriteOutcome()).startsWith("refused by the store's compare-and-set");
        assertThat(r.emptiedAtMillis()).isEmpty();
        assertThat(r.stuckEnactors()).isEmpty();
        assertThat(r.laterPlanApplied()).isTrue();
        assertThat(r.finalServed()).contains(Generation.of(9));
        assertThat(r.render()).contains("I1–I4 held after every event");
    }

    @Test
    void aSeedReplaysTheSameTimeline() {
        for (Algorithm alg : Algorithm.values()) {
            assertThat(Oct2025.run(alg, 7).timeline()).isEqualTo(Oct2025.run(alg, 7).timeline());
            // The seed matters (record names, weights): another seed, another trace, same facts.
            Oct2025Result other = Oct2025.run(alg, 8);
            assertThat(other.timeline()).isNotEqualTo(Oct2025.run(alg, 7).timeline());
            assertThat(other.violations().isEmpty()).isEqualTo(alg == Algorithm.WAYMARK);
        }
    }
}
