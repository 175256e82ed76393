package io.waymark.sim.explore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.waymark.sim.scenario.Algorithm;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.Test;

class ExplorerTest {
    /** Tens of thousands of protocol-only Waymark schedules with every protocol fault on: no invariant breaks. */
    @Test
    void waymarkHoldsOverTwentyThousandFaultySchedules() {
        Explorer.Report r = Explorer.explore(Algorithm.WAYMARK, 1, 20_000, Fault.PROTOCOL, 2, true, false, Explorer.Progress.NONE);
        System.out.printf("waymark: %d schedules, %.0f/s, violating %s%n", r.schedules(), r.perSecond(), r.violatingSeeds());
        assertThat(r.schedules()).isEqualTo(20_000);
        assertThat(r.violatingSeeds()).isEmpty();
    }

    @Test
    void legacyIsCaughtWithinAFewSeedsWithAndWithoutFaults() {
        Explorer.Report all = Explorer.explore(Algorithm.LEGACY, 1, 100, Fault.ALL, 1, false, false, Explorer.Progress.NONE);
        assertThat(all.seedsToFirstViolation()).as("legacy with all faults").isPresent();
        Explorer.Report none = Explorer.explore(Algorithm.LEGACY, 1, 300, Fault.NONE, 1, false, false, Explorer.Progress.NONE);
        assertThat(none.seedsToFirstViolation()).as("legacy without injected faults: plain latency is enough").isPresent();
        double mean = Explorer.meanSeedsToFirstViolation(Algorithm.LEGACY, Fault.NONE, 5, 300);
        assertThat(mean).isBetween(1.0, 299.0);
    }

    /** The incident itself: legacy schedules empty an endpoint (I1), and the shrunk one still does. */
    @Test
    void legacyEmptiesAnEndpointAndTheShrunkScheduleStillDoes() {
        Explorer.Report r = Explorer.explore(Algorithm.LEGACY, 1, 2_000, Fault.ALL, "I1_NEVER_EMPTY", 1, false, true, Explorer.Progress.NONE);
        Explorer.Finding found = r.finding().orElseThrow(() -> new AssertionError("no legacy schedule in 1..2000 empties an endpoint"));
        assertThat(found.original().violates("I1_NEVER_EMPTY")).isTrue();
        assertThat(found.shrunk().violates("I1_NEVER_EMPTY")).isTrue();
        assertThat(found.shrunk().violations()).anyMatch(v -> v.contains("L2_NO_STUCK_STATE"));
        assertThat(found.shrunk().events()).isLessThanOrEqualTo(found.original().events());
        assertThat(found.replayCommand()).endsWith("--invariant I1_NEVER_EMPTY");
        System.out.println("legacy: first I1 after " + r.seedsToFirstViolation().orElseThrow() + " seed(s)\n" + found.render());
    }

    @Test
    void theShrunkTraceStillViolatesTheSameInvariantAndIsNoLonger() {
        Explorer.Report r = Explorer.explore(Algorithm.LEGACY, 1, 100, Fault.ALL, 1, false, true, Explorer.Progress.NONE);
        Explorer.Finding f = r.finding().orElseThrow();
        assertThat(f.shrunk().invariant()).isEqualTo(f.original().invariant());
        assertThat(f.shrunk().events()).isLessThanOrEqualTo(f.original().events());
        assertThat(f.shrunk().trace().size()).isLessThanOrEqualTo(f.original().trace().size());
        assertThat(f.shrunk().trace()).anyMatch(l -> l.contains("VIOLATION"));
        // The shrunk schedule, run again on its own, violates the same invariant.
        assertThat(Explorer.run(Algorithm.LEGACY, f.shrunk().schedule(), false).invariant()).isEqualTo(f.invariant());
        System.out.println(f.render());
    }

    @Test
    void replayReproducesTheIdenticalTrace() {
        Explorer.Finding first = Explorer.replay(Algorithm.LEGACY, 7, Fault.ALL);
        Explorer.Finding again = Explorer.replay(Algorithm.LEGACY, 7, Fault.ALL);
        assertThat(first.original().ok()).isFalse();
        assertThat(again.render()).isEqualTo(first.render());
        assertThat(again.shrunk().trace()).isEqualTo(first.shrunk().trace());
        Explorer.Finding waymark = Explorer.replay(Algorithm.WAYMARK, 7, Fault.PROTOCOL);
        assertThat(waymark.original().ok()).isTrue();
        assertThat(Explorer.replay(Algorithm.WAYMARK, 7, Fault.PROTOCOL).original().trace()).isEqualTo(waymark.original().trace()).isNotEmpty();
    }

    /** Tracing only records: a traced and an untraced run of a schedule take the same course. */
    @Test
    void tracingDoesNotChangeTheRun() {
        for (Algorithm a : Algorithm.values()) {
            for (long seed = 1; seed <= 20; seed++) {
                Outcome quiet = Explorer.run(a, Schedule.of(seed, Fault.ALL), false);
                Outcome traced = Explorer.run(a, Schedule.of(seed, Fault.ALL), true);
                assertThat(quiet.trace()).isEmpty();
                assertThat(traced.events()).isEqualTo(quiet.events());
                assertThat(traced.violations()).isEqualTo(quiet.violations());
                assertThat(traced.faultEvents()).isEqualTo(quiet.faultEvents());
            }
        }
    }

    @Test
    void theFirstViolationDoesNotDependOnTheNumberOfThreads() {
        Explorer.Report one = Explorer.explore(Algorithm.LEGACY, 100, 500, EnumSet.of(Fault.CRASHES, Fault.PARTITIONS), 1, false, false, Explorer.Progress.NONE);
        Explorer.Report two = Explorer.explore(Algorithm.LEGACY, 100, 500, EnumSet.of(Fault.CRASHES, Fault.PARTITIONS), 2, false, false, Explorer.Progress.NONE);
        assertThat(one.violatingSeeds()).isNotEmpty();
        assertThat(two.violatingSeeds().get(0)).isEqualTo(one.violatingSeeds().get(0));
        Explorer.Report all = Explorer.explore(Algorithm.LEGACY, 100, 40, Fault.ALL, 2, true, false, Explorer.Progress.NONE);
        assertThat(all.schedules()).isEqualTo(40);
    }

    @Test
    void faultsParseAndRender() {
        assertThat(Fault.parse("all")).isEqualTo(Fault.ALL);
        assertThat(Fault.parse("none")).isEmpty();
        assertThat(Fault.parse("stalls,store-errors")).containsExactlyInAnyOrder(Fault.STALLS, Fault.STORE_ERRORS);
        assertThat(Fault.render(Fault.parse("store-errors,stalls"))).isEqualTo("stalls,store-errors");
        assertThatThrownBy(() -> Fault.parse("gremlins")).hasMessageContaining("gremlins");
        assertThat(Explorer.target("i1")).isEqualTo("I1_NEVER_EMPTY");
        assertThat(Explorer.target("any")).isEmpty();
        assertThatThrownBy(() -> Explorer.target("I9")).hasMessageContaining("I9");
        assertThat(Schedule.of(3, Fault.ALL).withDropped(List.of(4, 1, 4)).dropped()).containsExactly(1, 4);
    }
}
