package io.waymark.core.role;

import static io.waymark.core.Fixtures.draft;
import static io.waymark.core.Fixtures.ep;
import static io.waymark.core.Fixtures.rs;
import static org.assertj.core.api.Assertions.assertThat;

import io.waymark.core.memory.InMemoryPlanStore;
import io.waymark.core.memory.InMemoryRecordStore;
import io.waymark.core.model.Endpoint;
import io.waymark.core.model.Generation;
import io.waymark.core.model.PlanHash;
import io.waymark.core.model.Stamp;
import io.waymark.core.port.StampedRecords;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RetireRoleTest {
    private static final Stamp G1 = new Stamp(Generation.of(1), PlanHash.of(new byte[32]));

    /** A conditional tombstone over the in-memory store, as RecordStore.retire will be. */
    private static RetireRole.Tombstones tombstones(InMemoryRecordStore store, List<Endpoint> calls) {
        return (e, expected) -> {
            calls.add(e);
            if (!store.read(e).stamp().equals(expected)) return false;
            store.overwriteForFaultInjection(e, StampedRecords.ABSENT);
            return true;
        };
    }

    /** The store as RecordStore.endpoints() will answer after retire: only endpoints that hold records. */
    private static io.waymark.core.port.RecordStore live(InMemoryRecordStore store) {
        return new io.waymark.core.port.RecordStore() {
            @Override public StampedRecords read(Endpoint e) { return store.read(e); }
            @Override public io.waymark.core.port.ApplyOutcome applyIfNewer(Endpoint e, Stamp x, Stamp n, io.waymark.core.model.RecordSet r) { return store.applyIfNewer(e, x, n, r); }
            @Override public Set<Endpoint> endpoints() {
                Set<Endpoint> out = new java.util.HashSet<>();
                for (Endpoint e : store.endpoints()) if (store.read(e).records().isPresent()) out.add(e);
                return out;
            }
        };
    }

    @Test
    void endpoints_that_left_the_configuration_are_retired_a_bounded_number_per_step() {
        InMemoryRecordStore store = new InMemoryRecordStore();
        for (int i = 0; i < 7; i++) store.applyIfNewer(ep(i), Stamp.NONE, G1, rs(1));
        List<Endpoint> calls = new ArrayList<>();
        RetireRole role = new RetireRole(live(store), tombstones(store, calls), new InMemoryPlanStore(), Set.of(ep(0), ep(1)), 2, 1_000);
        RetireRole.Step first = role.step(1);
        assertThat(first.retired()).extracting(RetireRole.Retired::endpoint).containsExactly(ep(2), ep(3));
        assertThat(first.retired().get(0).stamp()).isEqualTo(G1);
        assertThat(first.left()).isEqualTo(3);
        role.step(2);
        role.step(3);
        assertThat(calls).doesNotContain(ep(0), ep(1)).hasSize(5);
        assertThat(store.read(ep(0)).records()).isPresent();
        assertThat(store.read(ep(6)).records()).isEmpty();
        assertThat(role.step(4).retired()).isEmpty();
    }

    @Test
    void an_endpoint_the_latest_plan_still_holds_waits_for_the_next_plan() {
        InMemoryRecordStore store = new InMemoryRecordStore();
        store.applyIfNewer(ep(0), Stamp.NONE, G1, rs(1));
        store.applyIfNewer(ep(1), Stamp.NONE, G1, rs(1));
        InMemoryPlanStore plans = new InMemoryPlanStore();
        plans.publish(Generation.ZERO, draft(2, 1)); // holds ep(0) and ep(1)
        plans.publish(Generation.of(1), draft(2, 2)); // g2 too, and ep(1) serves g1 only: g2 would heal it
        List<Endpoint> calls = new ArrayList<>();
        RetireRole role = new RetireRole(live(store), tombstones(store, calls), plans, Set.of(ep(0)), 10, 100);
        RetireRole.Step waiting = role.step(1);
        assertThat(waiting.retired()).isEmpty();
        assertThat(waiting.condition().kind()).isEqualTo(RoleCondition.Kind.HELD);
        assertThat(waiting.condition().detail()).contains(ep(1).name());
        assertThat(calls).isEmpty();
        plans.publish(plans.latest().orElseThrow().generation(), draft(1, 1)); // the planner's next plan: ep(0) only
        assertThat(role.step(50).retired()).as("not before the scan interval").isEmpty();
        assertThat(role.step(101).retired()).extracting(RetireRole.Retired::endpoint).containsExactly(ep(1));
    }

    @Test
    void a_store_that_cannot_retire_is_reported_once() {
        InMemoryRecordStore store = new InMemoryRecordStore();
        store.applyIfNewer(ep(9), Stamp.NONE, G1, rs(1));
        RetireRole role = new RetireRole(store, (e, s) -> { throw new UnsupportedOperationException("no tombstones here"); }, new InMemoryPlanStore(), Set.of(ep(0)), 10, 0);
        assertThat(role.step(1).transition()).hasValueSatisfying(t -> assertThat(t.to().detail()).contains("still served", "no tombstones here"));
        assertThat(role.step(2).transition()).isEmpty();
        assertThat(role.condition().kind()).isEqualTo(RoleCondition.Kind.REFUSED);
    }

    @Test
    void an_endpoint_that_already_serves_the_latest_plan_is_retired_although_the_latest_holds_it() {
        // Seed 1621 (L1): www left the configuration while the latest plan (a forced publish) held it, and
        // no configured endpoint had anything to serve, so no plan without it could ever be published:
        // www was served forever. Stamped with the latest plan, its tombstone can only be undone by a newer
        // plan that holds it (the store refuses every plan at or below the generation it was retired at).
        InMemoryRecordStore store = new InMemoryRecordStore();
        InMemoryPlanStore plans = new InMemoryPlanStore();
        plans.publish(Generation.ZERO, draft(2, 1));
        io.waymark.core.model.Plan g1 = plans.latest().orElseThrow();
        store.applyIfNewer(ep(0), Stamp.NONE, g1.stamp(), rs(1));
        store.applyIfNewer(ep(1), Stamp.NONE, g1.stamp(), rs(1));
        RetireRole role = new RetireRole(store, store::retire, plans, Set.of(ep(0)), 10, 100);
        assertThat(role.step(1).retired()).extracting(RetireRole.Retired::endpoint).containsExactly(ep(1));
        assertThat(store.read(ep(1)).records()).isEmpty();
        // An enactor still applying the latest plan cannot bring it back.
        assertThat(store.applyIfNewer(ep(1), Stamp.NONE, g1.stamp(), rs(1))).isEqualTo(io.waymark.core.port.ApplyOutcome.SUPERSEDED);
    }
}
