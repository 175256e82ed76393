package io.waymark.core.planner;

import static io.waymark.core.planner.PlannerTest.addresses;
import static io.waymark.core.planner.PlannerTest.healthy;
import static io.waymark.core.planner.PlannerTest.topology;
import static org.assertj.core.api.Assertions.assertThat;

import io.waymark.core.memory.InMemoryPlanStore;
import io.waymark.core.model.RecordSet;
import org.junit.jupiter.api.Test;

/**
 * Issue 7, defect 7: "removed in this window" comes from plan history, on a monotonic clock within a
 * process, so that it survives restarts, holds across two planners, and wall-clock steps let no more
 * than the budget go. 25% of 40 per minute: one target of 10 per window.
 */
class VelocityHistoryTest {
    static final SafetyPolicy QUARTER = new SafetyPolicy(true, 0.0, 0.25, 60_000);
    final InMemoryPlanStore store = new InMemoryPlanStore();
    long now = 1_000_000;

    Planner planner() {
        return new Planner(store, () -> now, QUARTER);
    }

    RecordSet served() {
        return store.latest().orElseThrow().recordSets().get(PlannerTest.API);
    }

    @Test
    void theBudgetSurvivesARestart() {
        Planner first = planner();
        first.tick(topology(10, 10, 10, 10), healthy(4));
        first.tick(topology(10, 10, 10, 10), healthy(4, 1));
        assertThat(addresses(served())).containsExactly("10.0.0.2*10", "10.0.0.3*10", "10.0.0.4*10");
        now += 10_000;
        Planner restarted = planner(); // used to start with an empty ledger and a full budget
        PlannerResult r = restarted.tick(topology(10, 10, 10, 10), healthy(4, 1, 2));
        assertThat(r.status()).isEqualTo(PlannerStatus.UNCHANGED);
        assertThat(r.safetyEvents()).extracting(SafetyEvent::rule).containsExactly(SafetyRule.VELOCITY);
        now += 50_001;
        // A window after the removal by the wall clock, but the restarted planner cannot trust another
        // process's wall clock (seed 115): it holds the budget for a window from its first look.
        assertThat(restarted.tick(topology(10, 10, 10, 10), healthy(4, 1, 2)).status()).isEqualTo(PlannerStatus.UNCHANGED);
        now += 10_000;
        assertThat(restarted.tick(topology(10, 10, 10, 10), healthy(4, 1, 2)).status()).isEqualTo(PlannerStatus.PUBLISHED);
        assertThat(addresses(served())).containsExactly("10.0.0.3*10", "10.0.0.4*10");
    }

    @Test
    void twoPlannersShareOneBudget() {
        Planner a = planner();
        Planner b = planner();
        a.tick(topology(10, 10, 10, 10), healthy(4));
        a.tick(topology(10, 10, 10, 10), healthy(4, 1));
        now += 1_000;
        PlannerResult r = b.tick(topology(10, 10, 10, 10), healthy(4, 1, 2)); // each used to spend a full budget
        assertThat(r.status()).isEqualTo(PlannerStatus.UNCHANGED);
        assertThat(served().addresses()).hasSize(3);
    }

    @Test
    void aWallClockStepForwardReleasesNoBudgetEarly() {
        Planner p = planner();
        long mono = 5_000_000_000L;
        p.tick(topology(10, 10, 10, 10), healthy(4), new TickTime(now, mono));
        p.tick(topology(10, 10, 10, 10), healthy(4, 1), new TickTime(now, mono));
        // The wall clock jumps two windows ahead while one second passes.
        PlannerResult r = p.tick(topology(10, 10, 10, 10), healthy(4, 1, 2), new TickTime(now + 120_000, mono + 1_000_000_000L));
        assertThat(r.status()).isEqualTo(PlannerStatus.UNCHANGED);
        assertThat(served().addresses()).hasSize(3);
        // A window later on the monotonic clock, the next target goes.
        r = p.tick(topology(10, 10, 10, 10), healthy(4, 1, 2), new TickTime(now + 180_000, mono + 61_000_000_000L));
        assertThat(r.status()).isEqualTo(PlannerStatus.PUBLISHED);
        assertThat(served().addresses()).hasSize(2);
    }

    @Test
    void aRemovalDatedInTheFutureCountsAsInsideTheWindow() {
        now = 1_764_576_000_000L;
        Planner p = planner();
        p.tick(topology(10, 10, 10, 10), healthy(4));
        p.tick(topology(10, 10, 10, 10), healthy(4, 1));
        // A restarted planner whose wall clock stepped back an hour: the removal looks an hour ahead.
        now -= 3_600_000;
        PlannerResult r = planner().tick(topology(10, 10, 10, 10), healthy(4, 1, 2));
        assertThat(r.status()).isEqualTo(PlannerStatus.UNCHANGED);
        assertThat(served().addresses()).hasSize(3);
    }

    @Test
    void removingATargetFromTheConfigurationSpendsNoBudget() {
        Planner p = planner();
        p.tick(topology(10, 10, 10, 10, 10), healthy(5));
        p.tick(topology(10, 10, 10, 10), healthy(4)); // t5 dropped by operators
        assertThat(served().addresses()).hasSize(4);
        PlannerResult r = p.tick(topology(10, 10, 10, 10), healthy(4, 1));
        assertThat(r.status()).isEqualTo(PlannerStatus.PUBLISHED);
        assertThat(addresses(served())).containsExactly("10.0.0.2*10", "10.0.0.3*10", "10.0.0.4*10");
    }

    @Test
    void publishedPlansCarryTheirPublishTime() {
        planner().tick(topology(10), healthy(1));
        assertThat(store.latest().orElseThrow().provenance().publishedAtMillis()).isEqualTo(now);
    }

    @Test
    void aRemovalStampedByASlowClockStillCountsForARestartedPlanner() {
        // Seed 115 (V1): planner a's wall clock is two hours behind; b, just started, judged a's fresh
        // removal by a's publish time ("two hours ago") and spent the window's budget a second time.
        now = 10_000_000L;
        Planner a = new Planner(store, () -> now - 7_200_000L, QUARTER);
        a.tick(topology(10, 10, 10, 10), healthy(4));
        a.tick(topology(10, 10, 10, 10), healthy(4, 1));
        now += 1_000;
        PlannerResult r = planner().tick(topology(10, 10, 10, 10), healthy(4, 1, 2));
        assertThat(r.status()).isEqualTo(PlannerStatus.UNCHANGED);
        assertThat(served().addresses()).hasSize(3);
    }

    @Test
    void aPlannerPinnedSinceItStartedSeesPlansAppearWhilePinned() {
        now = 10_000_000L;
        Planner b = planner();
        store.updateFlags(store.flags(), store.flags().withPinned(true));
        assertThat(b.tick(topology(10, 10, 10, 10), healthy(4)).status()).isEqualTo(PlannerStatus.PINNED);
        Planner a = new Planner(store, () -> now - 7_200_000L, QUARTER);
        store.updateFlags(store.flags(), store.flags().withPinned(false));
        a.tick(topology(10, 10, 10, 10), healthy(4));
        a.tick(topology(10, 10, 10, 10), healthy(4, 1));
        now += 1_000;
        assertThat(b.tick(topology(10, 10, 10, 10), healthy(4, 1, 2)).status()).isEqualTo(PlannerStatus.UNCHANGED);
    }

    @Test
    void severalPlansThatAppearedBetweenTwoTicksAreAllSeenAppear() {
        // Seed 8407 (V1): b saw two new plans at once, marked only the newest as seen, and judged the other
        // (which removed a target) by a's wall clock, stepped back: outside the window, budget spent twice.
        now = 10_000_000L;
        Planner b = planner();
        Planner a = new Planner(store, () -> now - 7_200_000L, QUARTER);
        a.tick(topology(10, 10, 10, 10), healthy(4));
        assertThat(b.tick(topology(10, 10, 10, 10), healthy(4)).status()).isEqualTo(PlannerStatus.UNCHANGED); // b's first look
        a.tick(topology(10, 10, 10, 10), healthy(4, 1)); // removes t1
        a.tick(topology(10, 10, 10, 10), healthy(4, 1), TickTime.ofMonotonicMillis(now - 7_200_000L)); // nothing
        store.publish(store.latest().orElseThrow().generation(), new io.waymark.core.model.PlanDraft(store.latest().orElseThrow().recordSets(), true)); // an unchanged plan on top
        now += 1_000;
        PlannerResult r = b.tick(topology(10, 10, 10, 10), healthy(4, 1, 2));
        assertThat(r.status()).isEqualTo(PlannerStatus.UNCHANGED);
        assertThat(served().addresses()).hasSize(3);
    }
}
