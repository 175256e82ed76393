package io.waymark.server.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The waymark.yaml the daemon-process tests start from: zone {@code example.test.}, TCP-checked
 * targets {@code lb-a}, {@code lb-b}, … on 127.0.0.21, 127.0.0.22, … (one per check port; port 1
 * for a target that never answers), every endpoint behind every target, ephemeral DNS and HTTP ports.
 *
 * @param checkPorts    one TCP check port per target, in target order
 * @param endpoints     endpoint names, each behind every target, TTL 5 s
 * @param safety        an extra {@code safety:} line, or empty for the defaults
 * @param enactors      number of enactors
 * @param enactorTickMs enactor tick interval
 */
record DaemonConfigFile(List<Integer> checkPorts, List<String> endpoints, String safety, int enactors, int enactorTickMs) {
    DaemonConfigFile {
        if (checkPorts.isEmpty() || checkPorts.size() > 9) throw new IllegalArgumentException("1..9 targets, got " + checkPorts.size());
        if (endpoints.isEmpty()) throw new IllegalArgumentException("at least one endpoint");
        checkPorts = List.copyOf(checkPorts);
        endpoints = List.copyOf(endpoints);
    }

    static DaemonConfigFile of(int checkPort, String... endpoints) {
        return new DaemonConfigFile(List.of(checkPort), List.of(endpoints), "", 2, 50);
    }

    DaemonConfigFile withEnactors(int count, int tickMs) {
        return new DaemonConfigFile(checkPorts, endpoints, safety, count, tickMs);
    }

    DaemonConfigFile withSafety(String line) {
        return new DaemonConfigFile(checkPorts, endpoints, line, enactors, enactorTickMs);
    }

    String yaml() {
        StringBuilder targets = new StringBuilder();
        StringBuilder ids = new StringBuilder();
        for (int i = 0; i < checkPorts.size(); i++) {
            String id = "lb-" + (char) ('a' + i);
            targets.append("  - { id: ").append(id).append(", address: 127.0.0.").append(21 + i).append(", zone: az").append(i + 1)
                    .append(", check: { type: tcp, port: ").append(checkPorts.get(i)).append(", intervalMs: 200, timeoutMs: 200, rise: 1, fall: 1 } }\n");
            ids.append(i == 0 ? "" : ", ").append(id);
        }
        StringBuilder eps = new StringBuilder();
        for (String name : endpoints) eps.append("  - { name: ").append(name).append(", ttl: 5, targets: [").append(ids).append("] }\n");
        return "dataDir: data\ndns: { port: 0 }\nhttp: { port: 0 }\nzones: [ { origin: example.test. } ]\n"
                + "targets:\n" + targets + "endpoints:\n" + eps
                + (safety.isEmpty() ? "" : safety + "\n")
                + "planner: { tickMs: 100 }\nenactors: { count: " + enactors + ", tickMs: " + enactorTickMs + " }\n";
    }

    /** The {@code Authorization} header value for the daemon on {@code dataDir}: its token, from the file it made on start. */
    static String bearer(Path dataDir) throws IOException {
        return "Bearer " + Files.readString(dataDir.resolve("api.token")).strip();
    }

    /** Writes {@code dir/waymark.yaml} and returns its path. */
    Path write(Path dir) throws IOException {
        return Files.writeString(dir.resolve("waymark.yaml"), yaml());
    }
}
