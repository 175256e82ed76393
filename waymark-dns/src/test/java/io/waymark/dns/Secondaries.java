package io.waymark.dns;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.xbill.DNS.Name;

/**
 * Real Knot, NSD and BIND processes configured as secondaries of a primary on loopback, in scratch
 * directories, each on its own free port. Each is stopped through its own process handle.
 */
final class Secondaries {
    private Secondaries() {}

    /** One secondary: its kind, port, process and directory; restartable from its directory. */
    static final class Secondary {
        final String kind;
        final int port;
        final Path dir;
        private final List<String> command;
        private Process process;

        Secondary(String kind, int port, Path dir, List<String> command) {
            this.kind = kind;
            this.port = port;
            this.dir = dir;
            this.command = command;
        }

        void start() throws IOException {
            if (process != null && process.isAlive()) throw new IllegalStateException(kind + " already running");
            process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("server.log").toFile())).start();
        }

        boolean alive() {
            return process != null && process.isAlive();
        }

        void stop() throws InterruptedException {
            if (process == null) return;
            process.destroy();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        }

        String logTail() {
            try {
                List<String> lines = Files.readAllLines(dir.resolve("server.log"));
                return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
            } catch (IOException e) {
                return "(no log)";
            }
        }

        @Override
        public String toString() {
            return kind + "@" + port;
        }
    }

    static Secondary knot(Path dir, int port, Name zone, int primaryPort) throws IOException {
        return knot(dir, port, zone, primaryPort, null);
    }

    /** With {@code tsigSecret} (base64, hmac-sha256, key name {@code xfr-key.}), transfers and NOTIFY must be signed. */
    static Secondary knot(Path dir, int port, Name zone, int primaryPort, String tsigSecret) throws IOException {
        Files.createDirectories(dir.resolve("db"));
        String keyed = tsigSecret == null ? "" : "    key: xfr-key\n";
        String conf = (tsigSecret == null ? "" : "key:\n  - id: xfr-key\n    algorithm: hmac-sha256\n    secret: " + tsigSecret + "\n") + """
                server:
                    rundir: "%1$s"
                    pidfile: "%1$s/knot.pid"
                    listen: 127.0.0.1@%2$d
                    udp-workers: 1
                    tcp-workers: 1
                    background-workers: 1
                log:
                  - target: stderr
                    any: info
                database:
                    storage: "%1$s/db"
                remote:
                  - id: waymark
                    address: 127.0.0.1@%3$d
                %5$s
                acl:
                  - id: notify_from_waymark
                    address: 127.0.0.1
                    action: notify
                %5$s
                template:
                  - id: default
                    storage: "%1$s"
                    file: "%%s.zone"
                    zonefile-sync: -1
                    zonefile-load: none
                    journal-content: none
                    semantic-checks: off
                zone:
                  - domain: %4$s
                    master: waymark
                    acl: notify_from_waymark
                """.formatted(dir, port, primaryPort, zone.toString(true), keyed);
        Files.writeString(dir.resolve("knot.conf"), conf);
        return new Secondary("knot", port, dir, List.of("/usr/sbin/knotd", "-c", dir.resolve("knot.conf").toString()));
    }

    static Secondary nsd(Path dir, int port, Name zone, int primaryPort) throws IOException {
        String conf = """
                server:
                    ip-address: 127.0.0.1@%2$d
                    port: %2$d
                    username: ""
                    chroot: ""
                    zonesdir: "%1$s"
                    database: ""
                    pidfile: "%1$s/nsd.pid"
                    xfrdfile: "%1$s/xfrd.state"
                    xfrdir: "%1$s"
                    zonelistfile: "%1$s/zone.list"
                    server-count: 1
                    verbosity: 2
                    # NSD serves a transferred zone after a reload it rate-limits to one a second by default.
                    xfrd-reload-timeout: 0
                remote-control:
                    control-enable: no
                zone:
                    name: %4$s
                    zonefile: "%1$s/%4$s.zone"
                    request-xfr: AXFR 127.0.0.1@%3$d NOKEY
                    allow-notify: 127.0.0.1 NOKEY
                """.formatted(dir, port, primaryPort, zone.toString(true));
        Files.writeString(dir.resolve("nsd.conf"), conf);
        return new Secondary("nsd", port, dir, List.of("/usr/sbin/nsd", "-d", "-c", dir.resolve("nsd.conf").toString()));
    }

    static Secondary bind(Path dir, int port, Name zone, int primaryPort) throws IOException {
        String conf = """
                options {
                    directory "%1$s";
                    pid-file none;
                    session-keyfile none;
                    managed-keys-directory "%1$s";
                    listen-on port %2$d { 127.0.0.1; };
                    listen-on-v6 { none; };
                    recursion no;
                    notify no;
                    dnssec-validation no;
                };
                controls { };
                zone "%4$s" { type secondary; primaries { 127.0.0.1 port %3$d; }; file "%4$s.db"; allow-notify { 127.0.0.1; }; check-names ignore; };
                """.formatted(dir, port, primaryPort, zone.toString(true));
        Files.writeString(dir.resolve("named.conf"), conf);
        return new Secondary("bind", port, dir, List.of("/usr/sbin/named", "-g", "-n", "1", "-c", dir.resolve("named.conf").toString()));
    }
}
