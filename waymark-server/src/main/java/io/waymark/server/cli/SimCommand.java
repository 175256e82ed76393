package io.waymark.server.cli;

import io.waymark.sim.cascade.CascadeOptions;
import io.waymark.sim.cascade.CascadeReport;
import io.waymark.sim.cascade.CascadeResult;
import io.waymark.sim.cascade.CascadeScenario;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Optional;
import io.waymark.sim.scenario.Algorithm;
import io.waymark.sim.scenario.Oct2025;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code ./waymark sim …}: the simulation lab (deterministic; the same seed replays the same run). */
@Command(name = "sim", description = "Simulation lab: the October 2025 replay, schedule exploration, the cascade.",
        subcommands = {SimCommand.Cascade.class, SimCommand.Oct2025Replay.class, SimExploreCommands.Explore.class, SimExploreCommands.Replay.class,
                SimRfc2136Command.class})
final class SimCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "oct-2025", description = "Replays the October 2025 interleaving on the legacy system or on Waymark's code; prints the timeline.")
    static final class Oct2025Replay implements Callable<Integer> {
        @Option(names = "--algorithm", defaultValue = "legacy", description = "legacy or waymark (default: ${DEFAULT-VALUE}).")
        String algorithm;

        @Option(names = "--seed", defaultValue = "1", description = "Seed of all chance in the run (default: ${DEFAULT-VALUE}).")
        long seed;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            Optional<Algorithm> a = SimExploreCommands.algorithm(algorithm);
            if (a.isEmpty()) return SimExploreCommands.usageError(spec, "oct-2025", "expected --algorithm legacy|waymark, got " + algorithm);
            PrintWriter o = spec.commandLine().getOut();
            o.print(Oct2025.run(a.get(), seed).render());
            o.flush();
            return 0; // a demonstration: legacy's violations are the point, not a failure of the command
        }
    }

    @Command(name = "cascade", description = "The outage's cascade: cached clients, EC2-style leases, NLB fail-over; HTML report with charts.")
    static final class Cascade implements Callable<Integer> {
        @Option(names = "--algorithm", defaultValue = "legacy", description = "legacy or waymark (default: ${DEFAULT-VALUE}).")
        String algorithm;

        @Option(names = "--recovery", defaultValue = "naive", description = "naive or throttled lease recovery (default: ${DEFAULT-VALUE}, as it was).")
        String recovery;

        @Option(names = "--velocity", defaultValue = "off", description = "NLB fail-over velocity control: on or off (default: ${DEFAULT-VALUE}, as it was).")
        String velocity;

        @Option(names = "--seed", defaultValue = "1", description = "Seed of all chance in the run (default: ${DEFAULT-VALUE}).")
        long seed;

        @Option(names = "--out", defaultValue = "sim-report", description = "Folder for report.html and one SVG per chart (default: ${DEFAULT-VALUE}).")
        Path out;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            PrintWriter o = spec.commandLine().getOut();
            CascadeOptions options;
            try {
                options = CascadeOptions.parse(algorithm, recovery, velocity, seed);
            } catch (IllegalArgumentException e) {
                spec.commandLine().getErr().println("waymark sim cascade: expected --algorithm legacy|waymark, --recovery naive|throttled, "
                        + "--velocity on|off; got " + algorithm + ", " + recovery + ", " + velocity);
                spec.commandLine().getErr().flush();
                return 2;
            }
            CascadeResult result = CascadeScenario.run(options);
            Path html = CascadeReport.write(out, result);
            o.println(result.text());
            o.println();
            o.println("report: " + html.toAbsolutePath() + "  (charts also as SVG files beside it)");
            o.flush();
            return 0;
        }
    }
}
