package io.waymark.sim.cascade;

import static org.assertj.core.api.Assertions.assertThat;

import io.waymark.sim.cascade.CascadeOptions.Algorithm;
import io.waymark.sim.cascade.CascadeOptions.Recovery;
import io.waymark.sim.cascade.CascadeOptions.Velocity;
import java.util.List;
import org.junit.jupiter.api.Test;

class CascadeScenarioTest {
    private static final long SEED = 42;
    private final CascadeParameters p = CascadeParameters.defaults();

    private static CascadeResult run(Algorithm a, Recovery r, Velocity v) {
        return CascadeScenario.run(new CascadeOptions(a, r, v, SEED));
    }

    /** Mean of the last quarter of a series: "late in the run". */
    private static double lateMean(Series s) {
        int from = s.size() - s.size() / 4;
        double sum = 0;
        for (int i = from; i < s.size(); i++) sum += s.value(i);
        return sum / (s.size() - from);
    }

    @Test
    void legacyWithNaiveRecoveryEntersCongestiveCollapse() {
        CascadeResult r = run(Algorithm.LEGACY, Recovery.NAIVE, Velocity.OFF);
        CascadeSummary s = r.summary();
        assertThat(s.endpointEmptyAtMs()).hasValue(p.emptyAtMs());
        assertThat(s.endpointRestoredAtMs()).hasValue(p.repairedAtMs());
        assertThat(s.collapse()).isTrue();
        assertThat(lateMean(r.series("goodput"))).as("goodput late in the run").isLessThan(0.1);
        assertThat(r.series("queue").min()).isGreaterThanOrEqualTo(0);
        assertThat(lateMean(r.series("queue"))).as("the queue sits at its bound").isGreaterThanOrEqualTo(0.95 * p.queueBound());
        assertThat(lateMean(r.series("leases"))).as("leases, % held late in the run").isLessThan(5);
        assertThat(s.leasesRecoveredAtMs()).isEmpty();
        assertThat(s.impairedAtEnd()).isTrue();
        // The collapse is the lease manager's own doing: DNS and the clients came back long before.
        assertThat(s.clientsRecoveredAtMs()).isPresent();
        assertThat(r.text()).contains("CONGESTIVE COLLAPSE");
    }

    @Test
    void legacyWithThrottledRecoveryRecovers() {
        CascadeResult r = run(Algorithm.LEGACY, Recovery.THROTTLED, Velocity.ON);
        CascadeSummary s = r.summary();
        assertThat(s.leasesHeldMin()).as("leases did expire during the outage").isLessThan(0.05);
        assertThat(s.leasesHeldEnd()).isGreaterThanOrEqualTo(0.95);
        assertThat(s.leasesRecoveredAtMs()).isPresent();
        assertThat(s.leasesRecoveredAtMs().getAsLong()).isGreaterThan(p.repairedAtMs());
        assertThat(s.collapse()).isFalse();
        assertThat(s.queueDepthPeak()).as("admission by queue depth holds").isLessThanOrEqualTo(p.admitQueueDepth());
        assertThat(s.attemptsDropped()).isZero();
        assertThat(s.impairedAtEnd()).isFalse();
        assertThat(r.text()).doesNotContain("COLLAPSE");
    }

    @Test
    void admissionByQueueDepthAloneKeepsAttemptsUnderTheirTimeout() {
        // With an effectively unlimited retry budget only admission stands between the crowd and
        // the pool: the queue stops at the admission depth and every lease comes back.
        CascadeParameters unlimited = p.withRetryBudget(1_000_000, 1_000_000);
        CascadeResult r = CascadeScenario.run(new CascadeOptions(Algorithm.LEGACY, Recovery.THROTTLED, Velocity.ON, SEED), unlimited);
        assertThat(r.summary().queueDepthPeak()).isEqualTo(p.admitQueueDepth());
        assertThat(r.summary().leasesHeldEnd()).isGreaterThanOrEqualTo(0.95);
        assertThat(r.summary().collapse()).isFalse();
    }

    @Test
    void clientsKeepFailingAfterTheRepairUntilNegativelyCachedAnswersExpire() {
        CascadeResult r = run(Algorithm.LEGACY, Recovery.THROTTLED, Velocity.ON);
        long[] t = r.timesMs();
        Series clients = r.series("clients");
        int afterRepair = 0;
        while (t[afterRepair] <= p.repairedAtMs()) afterRepair++;
        assertThat(clients.value(afterRepair)).as("the first sample after the repair").isLessThan(50);
        long recovered = r.summary().clientsRecoveredAtMs().orElseThrow();
        assertThat(recovered).isGreaterThan(p.repairedAtMs() + p.negativeTtlMs() / 2)
                .isLessThanOrEqualTo(p.repairedAtMs() + p.negativeTtlMs() + p.positiveTtlMs() + 2 * p.sampleIntervalMs());
    }

    @Test
    void withWaymarkNoOutageStarts() {
        for (Recovery recovery : Recovery.values()) {
            for (Velocity velocity : Velocity.values()) {
                CascadeResult r = run(Algorithm.WAYMARK, recovery, velocity);
                assertThat(r.series("endpoint").min()).isEqualTo(100);
                assertThat(r.series("clients").min()).isEqualTo(100);
                assertThat(r.series("leases").min()).isEqualTo(100);
                assertThat(r.series("queue").max()).isZero();
                assertThat(r.series("capacity").min()).isEqualTo(100);
                assertThat(r.summary().outage()).isFalse();
                assertThat(r.summary().impactStartMs()).isEmpty();
                assertThat(r.moments()).isEmpty();
            }
        }
    }

    @Test
    void velocityControlKeepsCapacityAboveTheFloorWithoutItFailOverRemovesHealthyCapacity() {
        double floor = Math.ceil(p.capacityFloorFraction() * p.lbNodes()) / p.lbNodes();
        CascadeResult on = run(Algorithm.LEGACY, Recovery.THROTTLED, Velocity.ON);
        CascadeResult off = run(Algorithm.LEGACY, Recovery.THROTTLED, Velocity.OFF);
        assertThat(on.summary().propagationBacklogPeak()).as("the flapping really happened").isGreaterThan(100);
        assertThat(on.summary().capacityMin()).isGreaterThanOrEqualTo(floor).isLessThan(1.0);
        assertThat(on.series("capacity").min()).isGreaterThanOrEqualTo(100 * floor);
        assertThat(off.summary().capacityMin()).isLessThan(floor);
        assertThat(off.series("capacity").min()).isLessThan(100 * floor);
        // Every node was healthy: whatever left service went because of flapping checks, and came back.
        assertThat(on.series("capacity").value(on.series("capacity").size() - 1)).isEqualTo(100);
        assertThat(off.series("capacity").value(off.series("capacity").size() - 1)).isEqualTo(100);
    }

    @Test
    void theSameSeedGivesTheSameRunAndAnotherSeedAnother() {
        CascadeOptions options = new CascadeOptions(Algorithm.LEGACY, Recovery.THROTTLED, Velocity.OFF, 7);
        CascadeResult a = CascadeScenario.run(options);
        CascadeResult b = CascadeScenario.run(options);
        assertThat(a).isEqualTo(b);
        assertThat(a.text()).isEqualTo(b.text());
        CascadeResult c = CascadeScenario.run(new CascadeOptions(Algorithm.LEGACY, Recovery.THROTTLED, Velocity.OFF, 8));
        assertThat(c.series("capacity")).isNotEqualTo(a.series("capacity"));
    }

    @Test
    void anyDnsTimelineCanDriveTheCascade() {
        // A short blip: clients see it; leases survive it, because even with the negative TTL on top
        // (3 + 15 incident minutes) it is shorter than two renewal periods (2 x 10).
        long blipMs = 3 * CascadeParameters.MINUTE;
        TimelineAnswers blip = new TimelineAnswers(List.of(
                new TimelineAnswers.Step(0, new Answer(3, 1)),
                new TimelineAnswers.Step(p.emptyAtMs(), new Answer(0, 2)),
                new TimelineAnswers.Step(p.emptyAtMs() + blipMs, new Answer(3, 3))));
        CascadeResult r = CascadeScenario.run(CascadeOptions.asItWas(Algorithm.LEGACY, SEED), p, blip);
        assertThat(r.summary().endpointEmptyAtMs()).hasValue(p.emptyAtMs());
        assertThat(r.summary().endpointRestoredAtMs()).hasValue(p.emptyAtMs() + blipMs);
        assertThat(r.summary().clientSuccessMin()).isLessThan(0.5);
        assertThat(r.summary().leasesHeldMin()).isEqualTo(1.0);
        assertThat(r.summary().collapse()).isFalse();
    }

    @Test
    void aLongerOutageIsConfigurable() {
        CascadeParameters longer = p.withRepairAfterIncidentMinutes(5 * 60);
        CascadeResult r = CascadeScenario.run(CascadeOptions.parse("legacy", "throttled", "on", SEED), longer);
        assertThat(r.summary().endpointRestoredAtMs()).hasValue(p.emptyAtMs() + 5 * 60 * CascadeParameters.MINUTE);
        assertThat(r.text()).contains("23:48 → 04:48 PDT (5.0 h)");
    }
}
