package io.waymark.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The simulation lab's verbs, executed through Main.commandLine() exactly as the launcher does. */
class SimExploreCommandTest {
    private record Ran(int code, String out, String err) {}

    private static Ran run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.commandLine().setOut(new PrintWriter(out)).setErr(new PrintWriter(err)).execute(args);
        return new Ran(code, out.toString(), err.toString());
    }

    @Test
    void oct2025ReplaysTheIncidentOnBothAlgorithmsAndExitsZero() {
        Ran legacy = run("sim", "oct-2025", "--algorithm", "legacy", "--seed", "3");
        assertThat(legacy.code()).isZero();
        assertThat(legacy.out()).containsIgnoringCase("empty").contains("enactor-A");
        Ran waymark = run("sim", "oct-2025", "--algorithm", "waymark");
        assertThat(waymark.code()).isZero();
        assertThat(waymark.out()).isNotEqualTo(legacy.out()).contains("enactor-A");
        assertThat(run("sim", "oct-2025", "--algorithm", "nope").code()).isEqualTo(2);
    }

    @Test
    void exploringWaymarkFindsNothingAndExitsZero() {
        // The protocol faults (the protocol-only explorer); the whole-system faults are SystemRunTest's.
        String protocol = "stalls,crashes,partitions,store-errors,slowness,bursts,skew";
        Ran r = run("sim", "explore", "--algorithm", "waymark", "--seeds", "200", "--start-seed", "5", "--threads", "2", "--faults", protocol);
        assertThat(r.code()).as(r.out() + r.err()).isZero();
        assertThat(r.out()).contains("explored 200 waymark schedule(s) (seeds 5..204, faults " + protocol + ", 2 thread(s))").contains("schedules/s").contains("violating schedules: 0");
        assertThat(r.err()).contains("200/200 schedules").contains("violations 0");
    }

    @Test
    void exploringLegacyPrintsTheShrunkTraceAndAReplayCommandThatReproducesIt() {
        Ran r = run("sim", "explore", "--algorithm", "legacy", "--seeds", "500", "--faults", "stalls,skew,store-errors", "--invariant", "I1", "--searches", "2");
        assertThat(r.code()).as(r.out() + r.err()).isEqualTo(1);
        assertThat(r.out()).contains("first violation: seed ").contains("invariant I1_NEVER_EMPTY").contains("VIOLATED").contains("mean seeds to first violation of I1_NEVER_EMPTY");
        Matcher m = Pattern.compile("replay: \\./waymark (sim replay .*)").matcher(r.out());
        assertThat(m.find()).isTrue();
        String[] replayArgs = m.group(1).trim().split(" ");
        assertThat(replayArgs).contains("--faults", "stalls,store-errors,skew", "--invariant", "I1_NEVER_EMPTY");
        Ran replay = run(replayArgs);
        assertThat(replay.code()).isEqualTo(1);
        // The explore output ends with exactly what replay prints: the same shrunk trace, event for event.
        assertThat(r.out()).endsWith(replay.out());
        assertThat(run(replayArgs).out()).isEqualTo(replay.out());
    }

    @Test
    void replayOfAHealthySeedPrintsItsTraceAndExitsZero() {
        Ran r = run("sim", "replay", "42", "--algorithm", "waymark", "--faults", "none");
        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("seed 42 (waymark, faults none): no violation").contains("planner");
        assertThat(run("sim", "explore", "--faults", "gremlins").code()).isEqualTo(2);
        assertThat(run("sim", "replay", "1", "--algorithm", "nope").err()).contains("expected --algorithm legacy|waymark, got nope");
    }
}
