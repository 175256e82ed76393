package io.waymark.sim.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Model-checks models/legacy.pml and models/waymark.pml with Spin: generates pan, compiles it with
 * gcc, runs it exhaustively (COLLAPSE compression, never bitstate) in a temporary directory and
 * reads its report. A missing spin or gcc is a failure, not a skip: scripts/setup installs them.
 */
class SpinModelTest {
    private static final long RUN_SECONDS_MAX = 300;
    private static final Pattern ERRORS = Pattern.compile("errors: (\\d+)");
    private static final Pattern STATES = Pattern.compile("(\\d+) states, stored");
    private static Path work;

    @BeforeAll
    static void tools() throws Exception {
        for (String tool : List.of("spin", "gcc")) {
            if (!onPath(tool)) fail(tool + " is not installed: run scripts/setup (Debian package '" + tool + "') before the tests");
        }
        work = Files.createTempDirectory("waymark-spin");
    }

    @AfterAll
    static void cleanUp() throws IOException {
        if (work == null) return;
        try (Stream<Path> files = Files.walk(work)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        }
    }

    @Test
    void legacyLosesTheLivePlanAndGetsStuck() throws Exception {
        // Breadth-first: Spin reports the shortest counterexample, which is the incident's schedule.
        Pan pan = Pan.build(work.resolve("legacy"), "legacy.pml", List.of(), List.of("-DBFS"));
        for (String claim : List.of("never_empty", "no_live_delete")) {
            Report r = pan.run("-N", claim);
            assertThat(r.text()).as(claim).contains("never claim         \t+ (" + claim + ")");
            assertThat(r.errors()).as("legacy must violate " + claim + "\n" + r.text()).isEqualTo(1);
            assertThat(r.text()).contains("assertion violated");
            assertThat(pan.dir().resolve("legacy.pml.trail")).exists();
            // The shortest counterexample is October 2025: a stale plan becomes live, then its tree is deleted.
            String trail = pan.replay();
            assertThat(trail).as("the counterexample replays").contains("[alias = p]").contains("[deleted[g] = 1]");
            System.out.println("legacy " + claim + ": counterexample at depth " + r.depth() + " after " + r.states() + " states");
            Files.delete(pan.dir().resolve("legacy.pml.trail"));
        }
        // Without a claim: the enactor that meets the missing rollback target cannot proceed (L2).
        Pan noClaim = Pan.build(work.resolve("legacy-nc"), "legacy.pml", List.of(), List.of("-DBFS", "-DNOCLAIM"));
        Report stuck = noClaim.run();
        assertThat(stuck.errors()).isEqualTo(1);
        assertThat(stuck.text()).contains("invalid end state");
    }

    @Test
    void waymarkHoldsEveryPropertyFor3EnactorsAnd6Plans() throws Exception {
        // The large configuration: the three invariants in one claim (one exhaustive pass), then
        // assertions, convergence and end states without a claim.
        checkWaymark("3 enactors, 6 plans, 1 endpoint", List.of("-DNE=3", "-DNP=6", "-DNEP=1", "-DFAULTS=0"), List.of("invariants"));
    }

    @Test
    void waymarkHoldsEveryPropertyWithTwoEndpointsAndAStoreFault() throws Exception {
        checkWaymark("3 enactors, 3 plans, 2 endpoints, 1 store fault", List.of("-DNE=3", "-DNP=3", "-DNEP=2", "-DFAULTS=1"),
                List.of("never_empty", "monotonic", "no_live_delete"));
    }

    @Test
    void theOneTimeCheckMutantBreaksMonotonicity() throws Exception {
        // The public Promela model's "fixed" variant: freshness checked once, write unconditional.
        Pan pan = Pan.build(work.resolve("mutant"), "waymark.pml", List.of("-DONE_TIME_CHECK"), List.of("-DBFS"));
        Report r = pan.run("-N", "monotonic");
        assertThat(r.text()).contains("never claim         \t+ (monotonic)");
        assertThat(r.errors()).as(r.text()).isEqualTo(1);
    }

    private static void checkWaymark(String label, List<String> config, List<String> claims) throws Exception {
        String dir = "waymark-" + Integer.toHexString(config.hashCode());
        Pan withClaims = Pan.build(work.resolve(dir), "waymark.pml", config, List.of());
        for (String claim : claims) {
            Report r = withClaims.run("-N", claim);
            assertThat(r.text()).as(claim).contains("never claim         \t+ (" + claim + ")");
            assertThat(r.text()).as("exhaustive").contains("Full statespace search").doesNotContain("Search not completed");
            assertThat(r.errors()).as(claim + "\n" + r.text()).isZero();
            System.out.println("waymark [" + label + "] " + claim + ": 0 errors, " + r.states() + " states");
        }
        // Without a claim: assertions (monotonic write, no live deletion, convergence) and end states.
        Pan noClaim = Pan.build(work.resolve(dir + "-nc"), "waymark.pml", config, List.of("-DNOCLAIM"));
        Report r = noClaim.run();
        assertThat(r.text()).contains("assertion violations\t+").contains("invalid end states\t+");
        assertThat(r.text()).doesNotContain("Search not completed");
        assertThat(r.errors()).as(r.text()).isZero();
        assertThat(r.states()).isPositive();
        System.out.println("waymark [" + label + "] assertions + invalid end states: 0 errors, " + r.states() + " states");
    }

    private record Report(String text) {
        long errors() {
            Matcher m = ERRORS.matcher(text);
            if (!m.find()) throw new AssertionError("no 'errors:' line in pan's output:\n" + text);
            return Long.parseLong(m.group(1));
        }

        long states() {
            Matcher m = STATES.matcher(text);
            if (!m.find()) throw new AssertionError("no 'states, stored' line in pan's output:\n" + text);
            return Long.parseLong(m.group(1));
        }

        int depth() {
            Matcher m = Pattern.compile("depth reached (\\d+)").matcher(text);
            return m.find() ? Integer.parseInt(m.group(1)) : -1;
        }
    }

    /** One model compiled into one pan binary in its own directory. */
    private record Pan(Path dir, String model, List<String> spinDefines) {
        static Pan build(Path dir, String model, List<String> defines, List<String> ccFlags) throws Exception {
            Files.createDirectories(dir);
            Files.copy(modelsDir().resolve(model), dir.resolve(model));
            List<String> spin = new ArrayList<>(List.of("spin"));
            spin.addAll(defines);
            spin.addAll(List.of("-a", model));
            exec(dir, spin);
            // COLLAPSE: lossless state compression (exhaustive); MEMLIM bounds memory (MB).
            List<String> cc = new ArrayList<>(List.of("gcc", "-O2", "-w", "-DCOLLAPSE", "-DMEMLIM=3000", "-DVECTORSZ=1024"));
            cc.addAll(ccFlags);
            cc.addAll(List.of("-o", "pan", "pan.c"));
            exec(dir, cc);
            return new Pan(dir, model, defines);
        }

        Report run(String... args) throws Exception {
            List<String> cmd = new ArrayList<>(List.of("./pan", "-m1000000"));
            cmd.addAll(List.of(args));
            return new Report(exec(dir, cmd));
        }

        String replay() throws Exception {
            List<String> cmd = new ArrayList<>(List.of("spin"));
            cmd.addAll(spinDefines);
            cmd.addAll(List.of("-t", "-p", model));
            return exec(dir, cmd);
        }
    }

    private static Path modelsDir() {
        // Tests run in waymark-sim/; the models live at the repository root.
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("models/waymark.pml"))) return p.resolve("models");
        }
        throw new AssertionError("models/waymark.pml not found above " + Path.of("").toAbsolutePath());
    }

    private static String exec(Path dir, List<String> cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        byte[] out;
        try {
            out = p.getInputStream().readAllBytes();
            if (!p.waitFor(RUN_SECONDS_MAX, TimeUnit.SECONDS)) throw new AssertionError(String.join(" ", cmd) + " ran longer than " + RUN_SECONDS_MAX + " s");
        } finally {
            p.destroyForcibly();
        }
        String text = new String(out, StandardCharsets.UTF_8);
        if (p.exitValue() != 0 && !cmd.get(0).equals("./pan")) throw new AssertionError(String.join(" ", cmd) + " failed (" + p.exitValue() + "):\n" + text);
        return text;
    }

    private static boolean onPath(String tool) {
        String path = System.getenv().getOrDefault("PATH", "");
        for (String d : path.split(java.io.File.pathSeparator)) {
            if (!d.isEmpty() && Files.isExecutable(Path.of(d, tool))) return true;
        }
        return false;
    }
}
