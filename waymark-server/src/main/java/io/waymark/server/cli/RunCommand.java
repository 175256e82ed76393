package io.waymark.server.cli;

import io.waymark.server.config.ConfigException;
import io.waymark.server.config.DemoConfig;
import io.waymark.server.config.WaymarkConfig;
import io.waymark.server.daemon.Daemon;
import io.waymark.server.demo.DemoFleet;
import io.waymark.server.demo.DemoTarget;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code ./waymark run}: the all-in-one on embedded defaults, nothing to configure. */
@Command(name = "run", mixinStandardHelpOptions = true, description = "All-in-one on embedded defaults: demo fleet, planner, 3 enactors, DNS server, HTTP API.")
public final class RunCommand implements Callable<Integer> {
    @Option(names = "--dns-port", defaultValue = "5353", description = "DNS port on 127.0.0.1 (default: ${DEFAULT-VALUE}).")
    int dnsPort;

    @Option(names = "--http-port", defaultValue = "8053", description = "HTTP API port on 127.0.0.1 (default: ${DEFAULT-VALUE}).")
    int httpPort;

    @Option(names = "--data-dir", defaultValue = "data", description = "Where the durable plan and record stores live (default: ${DEFAULT-VALUE}).")
    Path dataDir;

    @Option(names = "--target-port", defaultValue = "18080", description = "Port of the demo targets' HTTP servers on 127.0.0.11-16 (default: ${DEFAULT-VALUE}).")
    int targetPort;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        DemoFleet fleet;
        try {
            fleet = DemoFleet.start(targetPort);
        } catch (IOException e) {
            err.println("waymark: cannot start the demo fleet: " + e.getMessage());
            return 2;
        }
        WaymarkConfig config = DemoConfig.of(fleet, dataDir.toAbsolutePath().normalize(), dnsPort, httpPort);
        Daemon daemon;
        try {
            daemon = Daemon.start(config, Optional.of(fleet));
        } catch (ConfigException | IOException e) {
            fleet.close();
            err.println("waymark: " + e.getMessage());
            return 2;
        }
        printBanner(out, daemon, fleet);
        return Foreground.untilStopped(daemon);
    }

    private static void printBanner(PrintWriter out, Daemon d, DemoFleet fleet) {
        int dns = d.dnsPort();
        out.println("Waymark is running (all-in-one, embedded stores in " + d.config().dataDir() + ")");
        out.println("  DNS server   127.0.0.1:" + dns + " (UDP+TCP), zone " + DemoConfig.ZONE + ", endpoint " + DemoConfig.ENDPOINT);
        out.println("  console      http://127.0.0.1:" + d.httpPort() + "/   status page: /status   API: /api (see /api/openapi.yaml)   metrics: /metrics");
        var token = d.apiToken();
        out.println("  API token    " + token.file() + (token.created() ? " (created now, mode 0600)" : "")
                + ": writes need it (the CLI reads it there; paste it into the console to pull levers)");
        out.println("  planner      1, publishing on health changes (fail-open, velocity control, never empty)");
        out.println("  enactors     " + d.config().enactors().count() + ", compare-and-set on every endpoint's stamp");
        out.println("  demo fleet   " + fleet.targets().size() + " HTTP targets:");
        for (DemoTarget t : fleet.targets()) {
            out.printf("                 %-12s %s:%d  %s  capacity %d%n", t.id(), t.address(), t.port(), t.zone(), t.capacity());
        }
        String api = d.httpPort() == 8053 ? "" : " --api http://127.0.0.1:" + d.httpPort();
        out.println();
        out.println("Try:");
        out.println("  dig @127.0.0.1 -p " + dns + " " + DemoConfig.ENDPOINT + " A +short");
        out.println("  ./waymark target fail " + fleet.targets().get(2).id() + api + "      # its address leaves the answer within ~2 s");
        out.println("  watch -n 0.5 dig @127.0.0.1 -p " + dns + " " + DemoConfig.ENDPOINT + " A +short     # fail them all: never empty");
        out.println("  ./waymark status" + api);
        out.println("Ctrl-C stops.");
        out.flush();
    }
}
