package io.waymark.sim.system;

import static org.assertj.core.api.Assertions.assertThat;

import io.waymark.sim.explore.Explorer;
import io.waymark.sim.explore.Fault;
import io.waymark.sim.explore.Outcome;
import io.waymark.sim.explore.Schedule;
import io.waymark.sim.scenario.Algorithm;
import java.util.EnumSet;
import org.junit.jupiter.api.Test;

class SystemRunTest {
    /** {@code --faults all} includes every whole-system fault, and any of them selects the whole-system run. */
    @Test
    void allFaultsIncludeTheWholeSystemAndSelectIt() {
        assertThat(Fault.ALL).containsAll(Fault.SYSTEM).containsAll(Fault.PROTOCOL);
        assertThat(Fault.SYSTEM).containsExactlyInAnyOrder(Fault.HEALTH, Fault.RESTARTS, Fault.CLOCK, Fault.OPERATORS, Fault.CONFIG, Fault.PLANNERS, Fault.THRESHOLD, Fault.DISK);
        assertThat(Fault.parse("health,operators")).containsExactlyInAnyOrder(Fault.HEALTH, Fault.OPERATORS);
        assertThat(Fault.render(EnumSet.of(Fault.CLOCK, Fault.STALLS))).isEqualTo("stalls,clock");
        assertThat(Explorer.wholeSystem(Fault.ALL)).isTrue();
        assertThat(Explorer.wholeSystem(Fault.PROTOCOL)).isFalse();
        Outcome o = Explorer.run(Algorithm.WAYMARK, Schedule.of(3, Fault.ALL), true);
        assertThat(o.trace()).anyMatch(l -> l.contains("planner-1") && l.contains("published"));
        assertThat(Explorer.target("I7")).isEqualTo("I7_LEVERS_HOLD");
        assertThat(Explorer.target("u1")).isEqualTo("U1_UNKNOWN_IS_NOT_DOWN");
    }

    /**
     * Seeds that found defects around retirement and forced plans (an endpoint served forever when nothing
     * else was servable: 10086, L1; re-added while pinned: 580, L1; a stale enactor resurrecting a retired
     * endpoint through a visible tombstone stamp: 5873, I4; clean-up held by a tombstone: 4428, L2; a
     * forced plan emptying AAAA: 115665, I1): each whole run is clean with the real code.
     */
    @Test
    void seedsThatFoundRetirementAndForcedPlanDefectsStayClean() {
        for (long seed : new long[] {580, 4428, 5873, 10086, 115665}) {
            Outcome o = SystemRun.run(Schedule.of(seed, Fault.ALL), false, "");
            assertThat(o.violations()).as("seed " + seed).isEmpty();
        }
    }

    /** A seed replays the same run, traced or not, event for event. */
    @Test
    void aSeedReplaysTheSameRunTracedOrNot() {
        for (long seed = 1; seed <= 30; seed++) {
            Schedule s = Schedule.of(seed, Fault.ALL);
            Outcome quiet = SystemRun.run(s, false, "I3_INTEGRITY");
            Outcome traced = SystemRun.run(s, true, "I3_INTEGRITY");
            Outcome again = SystemRun.run(s, true, "I3_INTEGRITY");
            assertThat(quiet.trace()).isEmpty();
            assertThat(traced.events()).isEqualTo(quiet.events());
            assertThat(traced.violations()).isEqualTo(quiet.violations());
            assertThat(traced.faultEvents()).isEqualTo(quiet.faultEvents());
            assertThat(again.trace()).isEqualTo(traced.trace());
        }
    }

    /** Each whole-system fault does something on its own: switched on alone, it shows in the trace. */
    @Test
    void eachWholeSystemFaultWorksOnItsOwn() {
        String[][] expect = {
            {"HEALTH", "fails"}, {"RESTARTS", "restarted"}, {"CLOCK", "wall clock steps"}, {"OPERATORS", "requested"},
            {"CONFIG", "configuration "}, {"PLANNERS", "planner-2"}, {"THRESHOLD", "change threshold 0."},
            {"DISK", "both stores reopened from the simulated disk"},
        };
        for (String[] e : expect) {
            Fault f = Fault.valueOf(e[0]);
            boolean seen = false;
            for (long seed = 1; seed <= 40 && !seen; seed++) {
                Outcome o = SystemRun.run(Schedule.of(seed, EnumSet.of(f)), true, "I3_INTEGRITY");
                seen = o.trace().stream().anyMatch(l -> l.contains(e[1]));
            }
            assertThat(seen).as(f + " shows '" + e[1] + "' in some trace of seeds 1..40").isTrue();
        }
    }

    /**
     * DISK with the disk's own faults: a store failed by EIO or ENOSPC is reopened by its supervisor, and a
     * bit flipped in fsynced data makes a store refuse to open (automation stops; the record store is served
     * salvaged) -- with no violation: I5 holds at every reopen, and I1 from what is served.
     */
    @Test
    void diskFaultsAreSupervisedAndDamageStopsAutomationNotServing() {
        boolean reopened = false, damaged = false;
        for (long seed = 1; seed <= 400 && !(reopened && damaged); seed++) {
            Outcome o = SystemRun.run(Schedule.of(seed, EnumSet.of(Fault.DISK)), true, "");
            reopened |= o.trace().stream().anyMatch(l -> l.contains("supervisor") && l.contains("store up"));
            boolean d = o.trace().stream().anyMatch(l -> l.contains("refused as damaged"));
            damaged |= d;
            assertThat(o.violations()).as("seed " + seed + (d ? " (damaged)" : "")).isEmpty();
        }
        assertThat(reopened).as("a supervisor reopened a failed store in some schedule of seeds 1..400").isTrue();
        assertThat(damaged).as("a store refused to open as damaged in some schedule of seeds 1..400").isTrue();
    }

    /**
     * Operators' requests stall between read and write while the world runs on (Simulation.block): the
     * trace shows another actor's event inside a request's stall.
     */
    @Test
    void operatorRequestsInterleaveWithTheWorld() {
        boolean interleaved = false;
        for (long seed = 1; seed <= 20 && !interleaved; seed++) {
            var trace = SystemRun.run(Schedule.of(seed, EnumSet.of(Fault.OPERATORS, Fault.STALLS)), true, "I3_INTEGRITY").trace();
            for (int i = 0; i + 2 < trace.size() && !interleaved; i++) {
                if (!trace.get(i).contains("operator-") || !trace.get(i).contains("stalls")) continue;
                String actor = trace.get(i).substring(13, 24).trim();
                interleaved = !trace.get(i + 1).contains(actor);
            }
        }
        assertThat(interleaved).isTrue();
    }

    /** The protocol faults alone keep the protocol-only explorer (its seeds and speed are unchanged). */
    @Test
    void protocolFaultsAloneKeepTheProtocolOnlyRun() {
        Outcome o = Explorer.run(Algorithm.WAYMARK, Schedule.of(3, Fault.PROTOCOL), true);
        assertThat(o.trace()).noneMatch(l -> l.contains("planner-1"));
        assertThat(o.ok()).isTrue();
    }
}
