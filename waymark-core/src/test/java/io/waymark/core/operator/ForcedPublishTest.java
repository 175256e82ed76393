package io.waymark.core.operator;

import static io.waymark.core.Fixtures.draft;
import static org.assertj.core.api.Assertions.assertThat;

import io.waymark.core.memory.InMemoryPlanStore;
import io.waymark.core.model.Generation;
import io.waymark.core.model.Plan;
import io.waymark.core.port.StoreUnavailableException;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ForcedPublishTest {
    final InMemoryPlanStore plans = new InMemoryPlanStore();

    @Test
    void publishesTheDraftForcedWithReasonAndTimeEvenWhenPinnedOrUnchanged() {
        plans.publish(Generation.ZERO, draft(1, 1));
        new Switches(plans).pin();
        ForcedPublish.Result r = new ForcedPublish(plans).publish(latest -> Optional.of(latest.orElseThrow().draft()), "  unstick enactors  ", 42);
        assertThat(r.status()).isEqualTo(ForcedPublish.Status.PUBLISHED);
        Plan p = r.published().orElseThrow();
        assertThat(p.generation()).isEqualTo(Generation.of(2));
        assertThat(p.forced()).isTrue();
        assertThat(p.provenance().publishedAtMillis()).isEqualTo(42);
        assertThat(p.provenance().reason()).contains("unstick enactors");
        assertThat(r.auditLine()).isEqualTo("forced publish of g2 " + p.hash() + " after g1, reason: unstick enactors");
    }

    @Test
    void aDraftIsComputedAgainstTheLatestOfEachAttemptAndGivesUpAfterTheLimit() {
        int[] calls = {0};
        ForcedPublish.Result r = new ForcedPublish(plans).publish(latest -> {
            calls[0]++;
            plans.publish(latest.map(Plan::generation).orElse(Generation.ZERO), draft(1, calls[0])); // someone else wins each time
            return Optional.of(draft(1, 9));
        }, "race", 1);
        assertThat(r.status()).isEqualTo(ForcedPublish.Status.CONFLICT);
        assertThat(calls[0]).isEqualTo(ForcedPublish.PUBLISH_ATTEMPTS_MAX);
        assertThat(r.published()).isEmpty();
        assertThat(r.auditLine()).contains("nothing published");
    }

    @Test
    void anUnreachableStoreIsReported() {
        ForcedPublish.Result r = new ForcedPublish(plans).publish(latest -> {
            throw new StoreUnavailableException("disk gone");
        }, "why", 1);
        assertThat(r.status()).isEqualTo(ForcedPublish.Status.STORE_UNAVAILABLE);
        assertThat(r.auditLine()).contains("disk gone");
    }
}
