package io.waymark.core.role;

import static io.waymark.core.Fixtures.draft;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.waymark.core.history.HistoryCleaner;
import io.waymark.core.memory.InMemoryPlanStore;
import io.waymark.core.memory.InMemoryRecordStore;
import io.waymark.core.model.Endpoint;
import io.waymark.core.model.Generation;
import io.waymark.core.model.RecordSet;
import io.waymark.core.model.Stamp;
import io.waymark.core.port.ApplyOutcome;
import io.waymark.core.port.RecordStore;
import io.waymark.core.port.StampedRecords;
import io.waymark.core.port.StoreUnavailableException;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The clean-up role runs at once, then at most once per interval, and reports a failing store once. */
class CleanerRoleTest {
    static final long INTERVAL = 1_000;
    final InMemoryPlanStore plans = new InMemoryPlanStore();
    final InMemoryRecordStore inner = new InMemoryRecordStore();
    boolean down;
    final RecordStore records = new RecordStore() {
        @Override
        public StampedRecords read(Endpoint endpoint) {
            if (down) throw new StoreUnavailableException("injected: record store down");
            return inner.read(endpoint);
        }

        @Override
        public ApplyOutcome applyIfNewer(Endpoint endpoint, Stamp expected, Stamp next, RecordSet rs) {
            return inner.applyIfNewer(endpoint, expected, next, rs);
        }

        @Override
        public Set<Endpoint> endpoints() {
            return inner.endpoints();
        }
    };

    CleanerRole role() {
        plans.publish(Generation.ZERO, draft(1, 1));
        plans.publish(Generation.of(1), draft(1, 2));
        plans.publish(Generation.of(2), draft(1, 3));
        new io.waymark.core.enactor.Enactor("e", plans, inner, new java.util.SplittableRandom(1), io.waymark.core.enactor.EnactorConfig.DEFAULTS).tick();
        // e0 serves g3: g1 and g2 may go.
        return new CleanerRole(new HistoryCleaner(plans, records, 1, 10), INTERVAL);
    }

    @Test
    void theFirstStepRunsAtOnceThenAtMostOncePerInterval() {
        CleanerRole role = role();
        CleanerRole.Step first = role.step(5_000);
        assertThat(first.result().orElseThrow().deleted()).containsExactly(Generation.of(1), Generation.of(2));
        assertThat(first.condition()).isEqualTo(RoleCondition.ok("oldest served g3, deleted 2"));
        assertThat(first.transition()).isEmpty(); // starting into OK is no news
        assertThat(role.step(5_000 + INTERVAL - 1).result()).isEmpty();
        assertThat(role.step(5_000 + INTERVAL).result()).isPresent();
        assertThat(role.condition()).isEqualTo(RoleCondition.ok("oldest served g0, deleted 0")); // history within retention: nothing scanned
        assertThat(role.condition().kind()).isEqualTo(RoleCondition.Kind.OK);
    }

    @Test
    void anIntervalOfZeroRunsEveryStepAndANegativeOneIsRefused() {
        CleanerRole role = new CleanerRole(new HistoryCleaner(plans, records, 1, 10), 0);
        assertThat(role.step(7).result()).isPresent();
        assertThat(role.step(7).result()).isPresent();
        assertThatThrownBy(() -> new CleanerRole(new HistoryCleaner(plans, records, 1, 10), -1)).hasMessage("intervalNanos must be >= 0, got -1");
        assertThatThrownBy(() -> new CleanerRole(null, 0)).hasMessage("cleaner role needs a cleaner");
    }

    @Test
    void aFailingStoreIsReportedOnceAndItsRecoveryAfterItSettles() {
        CleanerRole role = role();
        down = true;
        CleanerRole.Step failed = role.step(0);
        assertThat(failed.condition().kind()).isEqualTo(RoleCondition.Kind.STORE_UNAVAILABLE);
        assertThat(failed.condition().detail()).isEqualTo("clean-up: injected: record store down");
        Transition t = failed.transition().orElseThrow();
        assertThat(t.troubleStarted()).isTrue();
        assertThat(t.recovered()).isFalse();
        assertThat(t.toString()).isEqualTo("OK -> STORE_UNAVAILABLE: clean-up: injected: record store down"); // the log line
        assertThat(role.step(INTERVAL).transition()).isEmpty(); // the same trouble again: no news
        down = false;
        assertThat(role.step(2 * INTERVAL).transition()).isEmpty(); // not settled yet
        Transition back = role.step(2 * INTERVAL + ConditionTracker.SETTLE_NANOS_DEFAULT).transition().orElseThrow();
        assertThat(back.recovered()).isTrue();
        assertThat(back.troubleStarted()).isFalse();
        assertThat(role.condition().trouble()).isFalse();
        assertThat(new RoleCondition(RoleCondition.Kind.HELD, "", "").toString()).isEqualTo("HELD"); // no dangling ": "
    }
}
