package io.waymark.sim.cascade;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ModelPartsTest {
    @Test
    void resolverCachesEmptyAnswersForTheNegativeTtl() {
        EndpointAnswers answers = EndpointAnswers.legacy(1_000, 2_000);
        CachingResolver resolver = new CachingResolver(answers, 100, 5_000);
        assertThat(resolver.resolve(950).empty()).isFalse(); // cached until 1050
        assertThat(resolver.resolve(1_049).empty()).isFalse();
        assertThat(resolver.resolve(1_050).empty()).isTrue(); // empty, cached until 6050
        assertThat(resolver.resolve(2_500).empty()).as("repaired, but negatively cached").isTrue();
        assertThat(resolver.resolve(6_049).empty()).isTrue();
        assertThat(resolver.resolve(6_050).empty()).isFalse();
    }

    @Test
    void timelineAnswersIsAStepFunctionAndRejectsBadTimelines() {
        TimelineAnswers t = new TimelineAnswers(List.of(
                new TimelineAnswers.Step(0, new Answer(2, 5)), new TimelineAnswers.Step(10, new Answer(0, 6))));
        assertThat(t.answerAt(9)).isEqualTo(new Answer(2, 5));
        assertThat(t.answerAt(10)).isEqualTo(new Answer(0, 6));
        assertThat(EndpointAnswers.waymark(10).answerAt(1_000_000).empty()).isFalse();
        assertThatThrownBy(() -> new TimelineAnswers(List.of(new TimelineAnswers.Step(5, new Answer(1, 1)))))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new TimelineAnswers(List.of(new TimelineAnswers.Step(0, new Answer(1, 1)),
                new TimelineAnswers.Step(0, new Answer(1, 1))))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aTimelineCanBeBuiltFromAnotherSimulationsObservationsAndRepairedByHand() {
        // e.g. a replay observed in its own milliseconds: empty at its t=7, never restored by automation.
        List<TimelineAnswers.Step> observed = List.of(
                new TimelineAnswers.Step(3, new Answer(3, 5)), new TimelineAnswers.Step(5, new Answer(3, 5)),
                new TimelineAnswers.Step(7, new Answer(0, 4)), new TimelineAnswers.Step(9, new Answer(0, 4)));
        TimelineAnswers t = TimelineAnswers.fromObservations(observed, ms -> 48_000 + (ms - 7) * 10);
        assertThat(t.steps()).containsExactly(new TimelineAnswers.Step(0, new Answer(3, 5)),
                new TimelineAnswers.Step(48_000, new Answer(0, 4)));
        TimelineAnswers repaired = t.repairedByHand(205_000, new Answer(3, 4));
        assertThat(repaired.answerAt(204_999).empty()).isTrue();
        assertThat(repaired.answerAt(205_000)).isEqualTo(new Answer(3, 4));
        assertThatThrownBy(() -> TimelineAnswers.fromObservations(observed, ms -> -ms))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void backoffGrowsWithJitterUpToItsCap() {
        Backoff backoff = new Backoff(new SplittableRandom(7), 1_000, 30_000);
        for (int retry = 1; retry <= 40; retry++) {
            long ceiling = Math.min(30_000, 1_000L << Math.min(retry - 1, 30));
            for (int i = 0; i < 20; i++) {
                assertThat(backoff.delayMs(retry)).isBetween(ceiling / 2, ceiling);
            }
        }
    }

    @Test
    void retryBudgetRefillsAtItsRateAndCapsTheBurst() {
        RetryBudget budget = new RetryBudget(10, 3); // 10 tokens per second, burst 3
        assertThat(budget.tryTake(0)).isTrue();
        assertThat(budget.tryTake(0)).isTrue();
        assertThat(budget.tryTake(0)).isTrue();
        assertThat(budget.tryTake(0)).isFalse();
        assertThat(budget.tryTake(99)).isFalse();
        assertThat(budget.tryTake(100)).isTrue();
        int granted = 0;
        for (int i = 0; i < 10; i++) if (budget.tryTake(100_000)) granted++;
        assertThat(granted).as("a long idle period refills only up to the burst").isEqualTo(3);
    }

    @Test
    void velocityControlLimitsRemovalsPerWindowAndKeepsTheFloor() {
        CascadeParameters p = CascadeParameters.defaults(); // 30 nodes, 10% per 30 s window, floor 70%
        VelocityControl on = new VelocityControl(true, p);
        int inService = 30;
        int removed = 0;
        while (on.permitRemoval(0, inService)) { inService--; removed++; }
        assertThat(removed).isEqualTo(3);
        assertThat(on.permitRemoval(p.velocityWindowMs() - 1, inService)).isFalse();
        long t = p.velocityWindowMs();
        for (int window = 0; window < 20; window++, t += p.velocityWindowMs()) {
            while (on.permitRemoval(t, inService)) inService--;
        }
        assertThat(inService).isEqualTo(21);
        VelocityControl off = new VelocityControl(false, p);
        assertThat(off.permitRemoval(0, 1)).isTrue();
    }

    @Test
    void workerPoolTimesOutWhenOutstandingWorkMakesAttemptsSlowerThanTheirTimeout() {
        CascadeParameters p = CascadeParameters.defaults(); // 16 workers; an attempt beats its 1 s timeout only with < ~400-600 outstanding
        EventLoop loop = new EventLoop(100);
        CachingResolver healthy = new CachingResolver(EndpointAnswers.waymark(1), 1_000, 1_000);
        WorkerPool pool = new WorkerPool(loop, new SplittableRandom(1), p, host -> healthy);
        int[] counts = new int[Outcome.values().length];
        pool.onFinished((item, outcome) -> counts[outcome.ordinal()]++);
        for (int h = 0; h < 10; h++) pool.offer(new WorkItem(h, 0));
        loop.runUntil(10_000);
        assertThat(counts[Outcome.DONE.ordinal()]).isEqualTo(10);
        for (int h = 0; h < 1_000; h++) pool.offer(new WorkItem(h, 0));
        loop.runUntil(2_000_000);
        assertThat(counts[Outcome.TIMED_OUT.ordinal()]).as("the crowd's first attempts time out").isGreaterThan(400);
        assertThat(counts[Outcome.DONE.ordinal()]).as("the tail finishes once the queue is short").isGreaterThan(10);
        assertThat(pool.queueDepthPeak()).as("16 of the 1000 went straight to a worker").isEqualTo(984);
    }
}
