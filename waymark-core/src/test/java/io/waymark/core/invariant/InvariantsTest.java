package io.waymark.core.invariant;

import static io.waymark.core.Fixtures.draft;
import static io.waymark.core.Fixtures.ep;
import static io.waymark.core.Fixtures.rs;
import static org.assertj.core.api.Assertions.assertThat;

import io.waymark.core.enactor.Enactor;
import io.waymark.core.enactor.EnactorConfig;
import io.waymark.core.memory.InMemoryPlanStore;
import io.waymark.core.memory.InMemoryRecordStore;
import io.waymark.core.model.Generation;
import io.waymark.core.model.Plan;
import io.waymark.core.model.Stamp;
import io.waymark.core.port.PublishOutcome;
import io.waymark.core.port.StampedRecords;
import io.waymark.core.model.PlanDraft;
import io.waymark.core.model.RecordSet;
import io.waymark.core.model.WeightedAddress;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class InvariantsTest {
    final InMemoryPlanStore plans = new InMemoryPlanStore();
    final InMemoryRecordStore records = new InMemoryRecordStore();
    Plan p1;
    Plan p2;
    Observation seen;

    void setUp() {
        p1 = ((PublishOutcome.Published) plans.publish(Generation.ZERO, draft(1, 1))).plan();
        new Enactor("e", plans, records, new SplittableRandom(1), EnactorConfig.DEFAULTS).tick();
        p2 = ((PublishOutcome.Published) plans.publish(Generation.of(1), draft(1, 1, 2))).plan();
        new Enactor("e", plans, records, new SplittableRandom(1), EnactorConfig.DEFAULTS).tick();
        InvariantReport r = Invariants.check(plans, records, Observation.NONE);
        assertThat(r.violations()).isEmpty();
        seen = r.observation();
        assertThat(seen.highest(ep(0))).isEqualTo(Generation.of(2));
    }

    Invariant only(InvariantReport r) {
        assertThat(r.violations()).hasSize(1);
        return r.violations().get(0).invariant();
    }

    @Test
    void i1HoldsPerAddressFamily() {
        // Issue 7, defect 5: an endpoint that served A and AAAA and now serves only AAAA answers A
        // queries with NOERROR and no records, the October 2025 symptom; the check judged only "non-empty".
        RecordSet dual = new RecordSet(List.of(WeightedAddress.of("10.0.0.1", 1), WeightedAddress.of("2001:db8::1", 1)), 30);
        RecordSet v6 = new RecordSet(List.of(WeightedAddress.of("2001:db8::1", 1)), 30);
        plans.publish(Generation.ZERO, PlanDraft.of(Map.of(ep(0), dual)));
        new Enactor("e", plans, records, new SplittableRandom(1), EnactorConfig.DEFAULTS).tick();
        InvariantReport first = Invariants.check(plans, records, Observation.NONE);
        assertThat(first.violations()).isEmpty();
        // Forced: the enactors' change guard refuses a plan that empties a served family otherwise.
        plans.publish(Generation.of(1), PlanDraft.of(Map.of(ep(0), v6)).asForced());
        new Enactor("e", plans, records, new SplittableRandom(1), EnactorConfig.DEFAULTS).tick();
        InvariantReport r = Invariants.check(plans, records, first.observation());
        assertThat(only(r)).isEqualTo(Invariant.I1_NEVER_EMPTY);
        assertThat(r.violations().get(0).detail()).contains("A records");
        // A retired endpoint is dropped from the observation on purpose.
        assertThat(Invariants.check(plans, records, first.observation().retire(ep(0))).violations()).isEmpty();
    }

    @Test
    void i1NeverEmpty() {
        setUp();
        records.overwriteForFaultInjection(ep(0), new StampedRecords(Stamp.NONE, Optional.empty()));
        assertThat(only(Invariants.check(plans, records, seen))).isEqualTo(Invariant.I1_NEVER_EMPTY);
    }

    @Test
    void i2Monotonic() {
        setUp();
        records.overwriteForFaultInjection(ep(0), new StampedRecords(p1.stamp(), Optional.of(rs(1))));
        assertThat(only(Invariants.check(plans, records, seen))).isEqualTo(Invariant.I2_MONOTONIC);
    }

    @Test
    void i2ExemptsUnreadableStamps() {
        setUp();
        records.overwriteForFaultInjection(ep(0), new StampedRecords(Stamp.unreadable("x"), Optional.of(rs(1))));
        InvariantReport r = Invariants.check(plans, records, seen);
        assertThat(r.violations()).isEmpty();
        assertThat(r.observation().highest(ep(0))).isEqualTo(Generation.of(2));
    }

    @Test
    void i3Integrity() {
        setUp();
        records.overwriteForFaultInjection(ep(0), new StampedRecords(p2.stamp(), Optional.of(rs(7))));
        assertThat(only(Invariants.check(plans, records, seen))).isEqualTo(Invariant.I3_INTEGRITY);
        records.overwriteForFaultInjection(ep(0), new StampedRecords(Stamp.of(2, p1.hash()), Optional.of(rs(1, 2))));
        assertThat(only(Invariants.check(plans, records, seen))).isEqualTo(Invariant.I3_INTEGRITY);
    }

    @Test
    void i4NoLiveDeletion() {
        setUp();
        plans.publish(Generation.of(2), draft(1, 3));
        plans.delete(Generation.of(2)); // the plan ep0 serves, deleted behind the cleaner's back
        assertThat(only(Invariants.check(plans, records, seen))).isEqualTo(Invariant.I4_NO_LIVE_DELETION);
    }
}
