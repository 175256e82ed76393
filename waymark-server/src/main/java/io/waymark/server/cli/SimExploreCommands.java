package io.waymark.server.cli;

import io.waymark.sim.explore.Explorer;
import io.waymark.sim.explore.Fault;
import io.waymark.sim.scenario.Algorithm;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code ./waymark sim explore} and {@code ./waymark sim replay}: randomised schedules, shrunk findings, replays. */
final class SimExploreCommands {
    private SimExploreCommands() {}

    static Optional<Algorithm> algorithm(String text) {
        return switch (text.toLowerCase(Locale.ROOT)) {
            case "legacy" -> Optional.of(Algorithm.LEGACY);
            case "waymark" -> Optional.of(Algorithm.WAYMARK);
            default -> Optional.empty();
        };
    }

    static int usageError(CommandSpec spec, String verb, String message) {
        spec.commandLine().getErr().println("waymark sim " + verb + ": " + message);
        spec.commandLine().getErr().flush();
        return 2;
    }

    /** What names a schedule, shared by explore and replay so that a printed replay command reproduces a finding. */
    static final class ScheduleOptions {
        @Option(names = "--algorithm", defaultValue = "waymark", description = "legacy or waymark (default: ${DEFAULT-VALUE}).")
        String algorithm;

        @Option(names = "--faults", defaultValue = "all", description = "all, none, or a list of stalls,crashes,partitions,store-errors,slowness,bursts,skew (the protocol faults) and "
                + "health,restarts,clock,operators,config,planners,threshold,disk (the whole system: any of them runs the real planner, operators and configuration changes) (default: ${DEFAULT-VALUE}).")
        String faults;

        @Option(names = "--invariant", defaultValue = "any", description = "Look for this invariant (I1..I7, L1, L2, U1 unknown is not down, V1 velocity; e.g. I1 = a record or an address family went empty) instead of any (default: ${DEFAULT-VALUE}).")
        String invariant;

        /** The parsed options; a bad value is a picocli ParameterException (message, usage, exit 2). */
        Parsed parse(CommandSpec spec) {
            try {
                Algorithm a = algorithm(algorithm).orElseThrow(() -> new IllegalArgumentException("expected --algorithm legacy|waymark, got " + algorithm));
                return new Parsed(a, Fault.parse(faults), Explorer.target(invariant));
            } catch (IllegalArgumentException e) {
                throw new ParameterException(spec.commandLine(), e.getMessage(), e);
            }
        }

        record Parsed(Algorithm algorithm, Set<Fault> faults, String target) {}
    }

    /**
     * The whole-system run opens the real stores on a simulated disk thousands of times a second; their
     * INFO/WARN lines (opened, torn tail cut) are the simulation's events, not the operator's, and printing
     * them made exploration a log writer. The run reports what matters (violations, traces) itself.
     */
    static void quietStores() {
        for (String name : new String[] {"io.waymark.adapters", "io.waymark.dns"}) {
            if (org.slf4j.LoggerFactory.getLogger(name) instanceof ch.qos.logback.classic.Logger l) l.setLevel(ch.qos.logback.classic.Level.ERROR);
        }
        // The disk-backed schedules inject EIO and ENOSPC on purpose: the stores' ERROR lines (with stack traces) are expected there.
        for (String name : new String[] {"io.waymark.adapters.plan", "io.waymark.adapters.record", "io.waymark.adapters.log"}) {
            if (org.slf4j.LoggerFactory.getLogger(name) instanceof ch.qos.logback.classic.Logger l) l.setLevel(ch.qos.logback.classic.Level.OFF);
        }
    }

    /** Whether the process's stderr is a terminal (then the progress line is redrawn with \r). */
    static boolean stderrIsTerminal() {
        try {
            String target = Files.readSymbolicLink(Path.of("/proc/self/fd/2")).toString();
            return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty");
        } catch (Exception e) {
            return false;
        }
    }

    @Command(name = "explore", description = "Runs N randomised faulty schedules; on a violation prints the seed, the invariant, a shrunk trace and the replay command. Exit 1 on any violation.")
    static final class Explore implements Callable<Integer> {
        @Mixin
        ScheduleOptions schedule;

        @Option(names = "--seeds", defaultValue = "10000", description = "Number of schedules (seeds) to run (default: ${DEFAULT-VALUE}).")
        long seeds;

        @Option(names = "--start-seed", defaultValue = "1", description = "First seed (default: ${DEFAULT-VALUE}).")
        long startSeed;

        @Option(names = "--threads", defaultValue = "1", description = "Threads over disjoint seeds; each schedule stays single-threaded and deterministic (default: ${DEFAULT-VALUE}).")
        int threads;

        @Option(names = "--keep-going", description = "Run every seed instead of stopping at the first violation.")
        boolean keepGoing;

        @Option(names = "--searches", defaultValue = "0", description = "Also report the mean seeds-to-first-violation over this many independent searches (default: ${DEFAULT-VALUE}).")
        int searches;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            quietStores();
            ScheduleOptions.Parsed p = schedule.parse(spec);
            Algorithm a = p.algorithm();
            Set<Fault> f = p.faults();
            String target = p.target();
            if (seeds < 1 || threads < 1 || threads > 64 || searches < 0) return usageError(spec, "explore", "expected --seeds >= 1, --threads in 1..64, --searches >= 0");
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            ProgressBar bar = new ProgressBar(err, stderrIsTerminal());
            Explorer.Report r = Explorer.explore(a, startSeed, seeds, f, target, threads, keepGoing, true, bar);
            bar.finish();
            String name = a.name().toLowerCase(Locale.ROOT);
            out.printf(Locale.ROOT, "explored %d %s schedule(s) (seeds %d..%d, faults %s, %d thread(s)) in %.1f s: %.0f schedules/s%n",
                    r.schedules(), name, startSeed, startSeed + r.schedules() - 1, Fault.render(f), threads, r.elapsedNanos() / 1e9, r.perSecond());
            out.println("violating schedules" + (target.isEmpty() ? "" : " (" + target + ")") + ": " + r.violatingSeeds().size() + (keepGoing || r.ok() ? "" : " (stopped at the first)"));
            if (searches > 0) {
                double mean = Explorer.meanSeedsToFirstViolation(a, f, target, searches, Math.max(seeds, 1));
                out.printf(Locale.ROOT, "mean seeds to first violation%s over %d independent searches of up to %d seeds: %.2f%n",
                        target.isEmpty() ? "" : " of " + target, searches, Math.max(seeds, 1), mean);
            }
            if (r.finding().isPresent()) {
                Explorer.Finding finding = r.finding().get();
                out.println("first violation: seed " + finding.seed() + ", invariant " + finding.invariant() + ", after " + r.seedsToFirstViolation().orElseThrow() + " seed(s)");
                out.println();
                out.print(finding.render());
            }
            out.flush();
            return r.ok() ? 0 : 1;
        }
    }

    @Command(name = "replay", description = "Regenerates the schedule of SEED, shrinks it if it violates, and prints the same trace every time.")
    static final class Replay implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "SEED", description = "The seed to replay.")
        long seed;

        @Mixin
        ScheduleOptions schedule;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            quietStores();
            ScheduleOptions.Parsed p = schedule.parse(spec);
            Algorithm a = p.algorithm();
            Set<Fault> f = p.faults();
            String target = p.target();
            PrintWriter out = spec.commandLine().getOut();
            Explorer.Finding finding = Explorer.replay(a, seed, f, target);
            boolean found = finding.original().found(target);
            if (!found) {
                out.println("seed " + seed + " (" + a.name().toLowerCase(Locale.ROOT) + ", faults " + Fault.render(f) + "): no violation" + (target.isEmpty() ? "" : " of " + target)
                        + " in " + finding.original().events() + " events");
                out.println();
                for (String line : finding.original().trace()) out.println(line);
            } else {
                out.print(finding.render());
            }
            out.flush();
            return found ? 1 : 0;
        }
    }

    /** One redrawn line on a terminal; a plain line every few seconds otherwise. */
    static final class ProgressBar implements Explorer.Progress {
        private static final int WIDTH = 30;
        private static final long LINE_EVERY_NANOS = 5_000_000_000L;
        private final PrintWriter err;
        private final boolean terminal;
        private long lastLineNanos = 0;
        private boolean drew = false;
        private String last = "";

        ProgressBar(PrintWriter err, boolean terminal) {
            this.err = err;
            this.terminal = terminal;
        }

        @Override
        public void update(long done, long total, long violations, long elapsedNanos) {
            double rate = elapsedNanos == 0 ? 0 : done * 1e9 / elapsedNanos;
            int filled = total == 0 ? WIDTH : (int) Math.min(WIDTH, done * WIDTH / total);
            last = String.format(Locale.ROOT, "[%s%s] %d/%d schedules  %.0f/s  violations %d", "#".repeat(filled), ".".repeat(WIDTH - filled), done, total, rate, violations);
            if (terminal) {
                err.print("\r" + last);
                drew = true;
                err.flush();
            } else if (elapsedNanos - lastLineNanos >= LINE_EVERY_NANOS) {
                lastLineNanos = elapsedNanos;
                err.println(last);
                err.flush();
            }
        }

        void finish() {
            if (terminal && drew) err.println();
            else if (!terminal && !last.isEmpty()) err.println(last);
            err.flush();
        }
    }
}
