package io.waymark.server.cli;

import io.waymark.sim.rfc2136.Rfc2136Run;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code ./waymark sim rfc2136}: the real RFC 2136 store and enactors against the simulated server
 * (all-or-nothing UPDATE with prerequisites, lost requests and replies, the server down, drift by hand),
 * one schedule per seed; prints every broken invariant and exits 1 if any broke.
 */
@Command(name = "rfc2136", description = "The RFC 2136 record store against a simulated server with lost requests and replies, outages and drift; I1-I3 and L1 per seed.")
final class SimRfc2136Command implements Callable<Integer> {
    @Option(names = "--seeds", defaultValue = "100", description = "Schedules to run (default: ${DEFAULT-VALUE}).")
    int seeds;

    @Option(names = "--start-seed", defaultValue = "1", description = "First seed (default: ${DEFAULT-VALUE}).")
    long startSeed;

    @Option(names = "--endpoints", defaultValue = "12", description = "Endpoints per schedule (default: ${DEFAULT-VALUE}).")
    int endpoints;

    @Option(names = "--enactors", defaultValue = "3", description = "Enactors, each with its own store (default: ${DEFAULT-VALUE}).")
    int enactors;

    @Option(names = "--steps", defaultValue = "600", description = "Steps with faults before they stop (default: ${DEFAULT-VALUE}).")
    int steps;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        if (seeds < 1 || endpoints < 1 || endpoints > 10_000 || enactors < 1 || enactors > 16 || steps < 0 || steps > 1_000_000) {
            return SimExploreCommands.usageError(spec, "rfc2136", "expected --seeds >= 1, --endpoints 1..10000, --enactors 1..16, --steps 0..1000000");
        }
        PrintWriter o = spec.commandLine().getOut();
        long violating = 0;
        long applied = 0;
        long lost = 0;
        long rejected = 0;
        long repairs = 0;
        long started = System.nanoTime();
        for (long seed = startSeed; seed < startSeed + seeds; seed++) {
            Rfc2136Run.Result r = Rfc2136Run.run(seed, endpoints, enactors, steps);
            applied += r.updatesApplied();
            lost += r.repliesLost();
            rejected += r.updatesRejected();
            repairs += r.driftRepairs();
            if (!r.violations().isEmpty()) {
                violating++;
                o.println("seed " + seed + ": " + r.violations().size() + " violations, first: " + r.violations().get(0));
            }
        }
        o.printf("%d schedules, %d violating; UPDATEs applied %d (replies lost %d), rejected on a prerequisite %d; drift repaired %d; %.1f s%n",
                seeds, violating, applied, lost, rejected, repairs, (System.nanoTime() - started) / 1e9);
        o.flush();
        return violating == 0 ? 0 : 1;
    }
}
