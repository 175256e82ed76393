package io.waymark.sim.explore;

import io.waymark.sim.RandomRun;
import io.waymark.sim.invariant.SystemInvariant;
import io.waymark.sim.legacy.LegacyRandomRun;
import io.waymark.sim.system.SystemRun;
import io.waymark.sim.scenario.Algorithm;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Runs randomised schedules of either algorithm over a range of seeds, stops at the first violation (or
 * runs them all), and turns the first violation into a {@link Finding} with a shrunk trace. Threads take
 * disjoint seeds; every schedule is single-threaded and deterministic, and the reported first violation
 * is the lowest violating seed (seeds below it are always finished), so the result does not depend on
 * the number of threads.
 */
public final class Explorer {
    public static final int SHRINK_RUNS_MAX = 400;
    /** Whole-system schedules have more fault events (and each run is cheap): a larger shrink budget. */
    public static final int SHRINK_RUNS_MAX_WHOLE_SYSTEM = 1_000;
    private static final long PROGRESS_EVERY_MS = 250;

    private Explorer() {}

    /** One schedule of {@code algorithm}. */
    public static Outcome run(Algorithm algorithm, Schedule schedule, boolean tracing) {
        return run(algorithm, schedule, tracing, "");
    }

    /** One schedule, run until {@code target} (an invariant's name, e.g. {@code I1_NEVER_EMPTY}; empty = any) breaks. */
    public static Outcome run(Algorithm algorithm, Schedule schedule, boolean tracing, String target) {
        return guarded((s, tr, t) -> switch (algorithm) {
            case LEGACY -> LegacyRandomRun.run(s, tr, t);
            // Any whole-system fault selects the whole-system run (the real planner, operators, configuration
            // changes...); the protocol faults alone keep the protocol-only explorer and its seeds.
            case WAYMARK -> wholeSystem(s.faults()) ? SystemRun.run(s, tr, t) : RandomRun.run(s, tr, t);
        }).run(schedule, tracing, target);
    }

    /** {@code runner}, with an exception escaping a schedule turned into a finding ({@link #EXCEPTION}). */
    public static Shrinker.Runner guarded(Shrinker.Runner runner) {
        return (schedule, tracing, target) -> {
            try {
                return runner.run(schedule, tracing, target);
            } catch (RuntimeException | AssertionError e) {
                // Code under test asserts its invariants by throwing: an exception escaping a schedule is a finding too.
                return Outcome.of(schedule, List.of("EXCEPTION: " + e), List.of(EXCEPTION), target, List.of("uncaught " + e), 0, 0);
            }
        };
    }

    /** Whether {@code faults} select the whole-system run ({@link SystemRun}) rather than the protocol-only one. */
    public static boolean wholeSystem(Set<Fault> faults) {
        for (Fault f : faults) if (Fault.SYSTEM.contains(f)) return true;
        return false;
    }

    /** What a schedule "violates" when the code under test threw out of it. */
    public static final String EXCEPTION = "EXCEPTION";

    /** The invariant names a target may be: {@code I1} or {@code I1_NEVER_EMPTY} etc.; empty or "any" = any. */
    public static String target(String text) {
        String t = text.trim().toUpperCase(java.util.Locale.ROOT).replace('-', '_');
        if (t.isEmpty() || t.equals("ANY")) return "";
        for (String name : INVARIANTS) if (name.equals(t) || name.startsWith(t + "_")) return name;
        throw new IllegalArgumentException("unknown invariant '" + text + "'; expected any or one of " + INVARIANTS);
    }

    public static final List<String> INVARIANTS = SystemInvariant.names();

    /** Called from the exploring thread about every {@value #PROGRESS_EVERY_MS} ms and once at the end. */
    public interface Progress {
        Progress NONE = (done, total, violations, elapsedNanos) -> {};

        void update(long done, long total, long violations, long elapsedNanos);
    }

    /** A violation, its unshrunk and shrunk outcomes (both traced), and how to replay it. */
    public record Finding(Algorithm algorithm, long seed, Set<Fault> faults, String target, Outcome original, Outcome shrunk, int shrinkRuns) {
        public String invariant() {
            return original.invariant();
        }

        public String replayCommand() {
            return "./waymark sim replay " + seed + " --algorithm " + algorithm.name().toLowerCase(java.util.Locale.ROOT) + " --faults " + Fault.render(faults)
                    + (target.isEmpty() ? "" : " --invariant " + target);
        }

        /** Header, the shrunk schedule, one line per event, the violations. */
        public String render() {
            StringBuilder b = new StringBuilder();
            b.append("violation: ").append(invariant()).append(" (").append(algorithm.name().toLowerCase(java.util.Locale.ROOT)).append(", seed ").append(seed).append(")\n");
            b.append("original:  ").append(original.events()).append(" events, ").append(original.trace().size()).append(" trace lines, ").append(original.faultEvents()).append(" fault event(s)\n");
            b.append("shrunk:    ").append(shrunk.schedule().describe()).append("; ").append(shrunk.events()).append(" events, ").append(shrunk.trace().size())
                    .append(" trace lines (").append(shrinkRuns).append(" runs to shrink)\n");
            b.append("\n     time  actor      what\n");
            for (String line : shrunk.trace()) b.append(line).append('\n');
            b.append("\n");
            for (String v : shrunk.violations()) b.append("VIOLATED ").append(v).append('\n');
            b.append("\nreplay: ").append(replayCommand()).append('\n');
            return b.toString();
        }
    }

    public record Report(Algorithm algorithm, Set<Fault> faults, long startSeed, long schedules, List<Long> violatingSeeds, long elapsedNanos, Optional<Finding> finding) {
        public double perSecond() {
            return elapsedNanos == 0 ? 0 : schedules * 1e9 / elapsedNanos;
        }

        /** How many seeds it took to reach the first violation (1 = the start seed violated). */
        public OptionalLong seedsToFirstViolation() {
            return violatingSeeds.isEmpty() ? OptionalLong.empty() : OptionalLong.of(violatingSeeds.get(0) - startSeed + 1);
        }

        public boolean ok() {
            return violatingSeeds.isEmpty();
        }
    }

    /**
     * Runs seeds {@code startSeed .. startSeed + seeds - 1} on {@code threads} threads. Without
     * {@code keepGoing} it stops at the lowest violating seed; {@code shrink} turns that one into a
     * {@link Finding}.
     */
    public static Report explore(Algorithm algorithm, long startSeed, long seeds, Set<Fault> faults, int threads, boolean keepGoing, boolean shrink, Progress progress) {
        return explore(algorithm, startSeed, seeds, faults, "", threads, keepGoing, shrink, progress);
    }

    /** Same, looking for {@code target} (empty = any invariant). */
    public static Report explore(Algorithm algorithm, long startSeed, long seeds, Set<Fault> faults, String target, int threads, boolean keepGoing, boolean shrink, Progress progress) {
        if (seeds < 0 || threads < 1 || threads > 64) throw new IllegalArgumentException("seeds >= 0, threads in 1..64");
        AtomicLong next = new AtomicLong(0);
        AtomicLong done = new AtomicLong(0);
        AtomicLong stopAt = new AtomicLong(seeds);
        ConcurrentSkipListSet<Long> violating = new ConcurrentSkipListSet<>();
        long started = System.nanoTime();
        Runnable worker = () -> {
            while (true) {
                long i = next.getAndIncrement();
                if (i >= stopAt.get()) return;
                Outcome o = run(algorithm, Schedule.of(startSeed + i, faults), false, target);
                if (o.found(target)) {
                    violating.add(i);
                    if (!keepGoing) stopAt.accumulateAndGet(i + 1, Math::min);
                }
                done.incrementAndGet();
            }
        };
        List<Thread> pool = new ArrayList<>();
        for (int t = 0; t < threads; t++) pool.add(Thread.ofPlatform().name("explore-" + t).daemon().start(worker));
        try {
            for (Thread t : pool) {
                while (t.isAlive()) {
                    t.join(PROGRESS_EVERY_MS);
                    progress.update(done.get(), Math.min(seeds, stopAt.get()), violating.size(), System.nanoTime() - started);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("exploration interrupted", e);
        }
        long elapsed = System.nanoTime() - started;
        progress.update(done.get(), Math.min(seeds, stopAt.get()), violating.size(), elapsed);
        List<Long> seedsViolating = violating.stream().map(i -> startSeed + i).toList();
        Optional<Finding> finding = shrink && !seedsViolating.isEmpty() ? Optional.of(replay(algorithm, seedsViolating.get(0), faults, target)) : Optional.empty();
        return new Report(algorithm, faults, startSeed, done.get(), seedsViolating, elapsed, finding);
    }

    /**
     * Mean number of seeds until the first violation over {@code searches} independent searches (search k
     * starts at seed k * 1,000,003), each bounded by {@code seedsMax}; a search that finds nothing counts
     * as {@code seedsMax} (so the mean is then a lower bound).
     */
    public static double meanSeedsToFirstViolation(Algorithm algorithm, Set<Fault> faults, int searches, long seedsMax) {
        return meanSeedsToFirstViolation(algorithm, faults, "", searches, seedsMax);
    }

    public static double meanSeedsToFirstViolation(Algorithm algorithm, Set<Fault> faults, String target, int searches, long seedsMax) {
        long total = 0;
        for (int k = 0; k < searches; k++) {
            Report r = explore(algorithm, k * 1_000_003L, seedsMax, faults, target, 1, false, false, Progress.NONE);
            total += r.seedsToFirstViolation().orElse(seedsMax);
        }
        return (double) total / searches;
    }

    /**
     * Regenerates the schedule of {@code seed}, shrinks it if it violates, and traces both. Deterministic:
     * the shrink is a function of (algorithm, seed, faults), so this is also how a finding is replayed.
     * When the seed does not violate, original = shrunk = the traced full schedule.
     */
    public static Finding replay(Algorithm algorithm, long seed, Set<Fault> faults) {
        return replay(algorithm, seed, faults, "");
    }

    /** Same, for a search that looked for {@code target} (empty = any invariant). */
    public static Finding replay(Algorithm algorithm, long seed, Set<Fault> faults, String target) {
        return replay((schedule, tracing, t) -> run(algorithm, schedule, tracing, t), algorithm, seed, faults, target);
    }

    /** Same, with any runner ({@code algorithm} only labels the finding), e.g. a whole-system run with an old behaviour injected. */
    public static Finding replay(Shrinker.Runner runner, Algorithm algorithm, long seed, Set<Fault> faults, String target) {
        Schedule full = Schedule.of(seed, faults);
        Outcome original = runner.run(full, true, target);
        if (!original.found(target)) return new Finding(algorithm, seed, faults, target, original, original, 0);
        // Shrink towards the invariant found, and stop every candidate run there.
        String goal = original.invariant();
        Shrinker.Shrunk s = Shrinker.shrink(runner, original, goal, wholeSystem(faults) ? SHRINK_RUNS_MAX_WHOLE_SYSTEM : SHRINK_RUNS_MAX);
        Outcome shrunk = runner.run(s.schedule(), true, goal);
        // Fewer events can still log more lines (e.g. a slow call logged where a fault was dropped): never
        // hand back a longer trace than the one we started from.
        if (shrunk.trace().size() > original.trace().size()) shrunk = original;
        return new Finding(algorithm, seed, faults, target, original, shrunk, s.runs());
    }
}
