package io.waymark.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.waymark.core.model.Endpoint;
import io.waymark.core.model.RecordSet;
import io.waymark.core.model.Stamp;
import io.waymark.core.model.WeightedAddress;
import io.waymark.core.port.StoreUnavailableException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SimulationTest {
    @Test
    void eventsRunInTimeThenInsertionOrderOnAVirtualClock() {
        Simulation sim = new Simulation(1);
        List<String> seen = new ArrayList<>();
        sim.at(50, "x", () -> seen.add("b@" + sim.nowMillis()));
        sim.at(10, "x", () -> {
            seen.add("a@" + sim.nowMillis());
            sim.after(40, "x", () -> seen.add("c@" + sim.nowMillis()));
        });
        sim.at(100, "x", () -> seen.add("late"));
        long ran = sim.run(60, 100, () -> {});
        assertThat(seen).containsExactly("a@10", "b@50", "c@50");
        assertThat(ran).isEqualTo(3);
        assertThat(sim.pending()).isEqualTo(1);
        assertThatThrownBy(() -> sim.at(1, "x", () -> {})).isInstanceOf(IllegalArgumentException.class);
    }

    /** A caller blocked inside a call lets every event due meanwhile run, then goes on later; nesting is bounded. */
    @Test
    void aBlockedCallerLetsTheWorldRunThenGoesOn() {
        Simulation sim = new Simulation(1);
        java.util.List<String> seen = new java.util.ArrayList<>();
        sim.at(10, "other", () -> seen.add("other@" + sim.nowMillis()));
        sim.at(30, "late", () -> seen.add("late@" + sim.nowMillis()));
        sim.at(0, "caller", () -> {
            seen.add("read@" + sim.nowMillis());
            assertThat(sim.block(20)).isTrue();
            seen.add("write@" + sim.nowMillis());
        });
        sim.run(100, 100, () -> {});
        assertThat(seen).containsExactly("read@0", "other@10", "write@20", "late@30");
        assertThat(new Simulation(2).block(5)).as("outside run() nothing blocks").isFalse();
        Simulation deep = new Simulation(3);
        int[] depth = {0};
        Runnable[] nest = new Runnable[1];
        nest[0] = () -> {
            depth[0]++;
            deep.at(deep.nowMillis(), "nest", nest[0]);
            deep.block(1);
        };
        deep.at(0, "nest", nest[0]);
        deep.run(1_000, 10_000, () -> {});
        assertThat(deep.executed()).isGreaterThan(Simulation.BLOCKED_DEPTH_MAX);
    }

    @Test
    void theEventQueueIsBounded() {
        Simulation sim = new Simulation(1);
        for (int i = 0; i < Simulation.QUEUE_MAX; i++) sim.at(i, "x", () -> {});
        assertThatThrownBy(() -> sim.at(0, "x", () -> {})).isInstanceOf(IllegalStateException.class).hasMessageContaining("queue full");
    }

    @Test
    void simulatedStoresInjectErrorsThatHaveNoEffect() {
        Simulation sim = new Simulation(3);
        SimRecordStore store = new SimRecordStore(sim, new StoreFaults(1.0, 0, 5, 5, 0));
        Endpoint e = Endpoint.of("api.example.test.");
        RecordSet rs = RecordSet.of(5, WeightedAddress.of("192.0.2.1", 1));
        var plan = io.waymark.core.model.Plan.publish(io.waymark.core.model.Generation.of(1), io.waymark.core.model.PlanDraft.of(java.util.Map.of(e, rs)));
        assertThatThrownBy(() -> store.applyIfNewer(e, Stamp.NONE, plan.stamp(), rs)).isInstanceOf(StoreUnavailableException.class);
        assertThat(store.truth().endpoints()).isEmpty();
        assertThat(store.latency().takeCharged()).isEqualTo(5);
        assertThat(store.latency().failures()).isEqualTo(1);
    }

    @Test
    void aSeedReplaysTheSameTraceEventForEvent() {
        RandomRun.Result first = RandomRun.run(1234, true);
        RandomRun.Result second = RandomRun.run(1234, true);
        assertThat(first.events()).isGreaterThan(100);
        assertThat(first.trace()).isEqualTo(second.trace());
        assertThat(RandomRun.run(1235, true).trace()).isNotEqualTo(first.trace());
    }

    @Test
    void waymarkHoldsI1ToI4AndConvergesOverManyFaultySchedules() {
        int seeds = 300;
        long events = 0;
        for (long seed = 1; seed <= seeds; seed++) {
            RandomRun.Result r = RandomRun.run(seed, true);
            assertThat(r.violations()).as("seed " + seed + ":\n" + String.join("\n", r.trace().subList(Math.max(0, r.trace().size() - 40), r.trace().size()))).isEmpty();
            assertThat(r.latest().value()).isPositive();
            events += r.events();
        }
        System.out.println(seeds + " faulty schedules, " + events + " events, 0 violations");
    }
}
