package io.waymark.server.cli;

import io.waymark.dns.Authority;
import io.waymark.dns.DnsServer;
import io.waymark.dns.DnsServerConfig;
import io.waymark.dns.ServingOptions;
import io.waymark.dns.ServingSnapshot;
import io.waymark.dns.Zone;
import io.waymark.dns.ZoneFileReader;
import io.waymark.dns.ZoneLoadException;
import io.waymark.server.config.ConfigException;
import io.waymark.server.config.ConfigLoader;
import io.waymark.server.config.RecordStoreConfig;
import io.waymark.server.config.WaymarkConfig;
import io.waymark.server.daemon.Daemon;
import io.waymark.server.daemon.EtcdDaemon;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code waymark serve}: loads zone files (all or nothing), serves them authoritatively over UDP and
 * TCP, and runs until SIGTERM or SIGINT. Exit codes: 2 when a zone file or an option is refused
 * (nothing is served), 1 when the port cannot be bound.
 */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = "Serve zones authoritatively over UDP and TCP until stopped (SIGTERM/SIGINT).")
public class ServeCommand implements Callable<Integer> {
    static final int EXIT_REFUSED = 2;
    static final int EXIT_CANNOT_BIND = 1;

    @Spec
    CommandSpec spec;

    @Option(names = "--config", paramLabel = "FILE",
            description = "waymark.yaml: zones, endpoints, targets and checks, safety thresholds, enactors, data directory. "
                    + "Runs every role (stores, planner, enactors, DNS, HTTP API); without it, serve only answers --zone files.")
    Path configFile;

    @Option(names = "--zone", paramLabel = "FILE", description = "RFC 1035 zone file to serve (repeatable).")
    List<Path> zoneFiles = new ArrayList<>();

    @Option(names = "--listen", paramLabel = "ADDRESS", defaultValue = "127.0.0.1", description = "Address to listen on (default: ${DEFAULT-VALUE}).")
    String listen;

    @Option(names = "--dns-port", paramLabel = "PORT", description = "UDP and TCP port; 0 picks a free one. Required without --config; with it, overrides dns.port.")
    Integer dnsPort;

    @Option(names = "--answer-addresses-max", paramLabel = "N", defaultValue = "" + ServingOptions.ANSWER_ADDRESSES_MAX_DEFAULT,
            description = "Addresses per weighted answer (default: ${DEFAULT-VALUE}).")
    int answerAddressesMax;

    @Option(names = "--tcp-connections-max", paramLabel = "N", defaultValue = "" + DnsServerConfig.TCP_CONNECTIONS_MAX_DEFAULT,
            description = "Open TCP connections beyond this are closed (default: ${DEFAULT-VALUE}).")
    int tcpConnectionsMax;

    @Option(names = "--tcp-idle-timeout-ms", paramLabel = "MS", defaultValue = "" + DnsServerConfig.TCP_IDLE_TIMEOUT_MS_DEFAULT,
            description = "Idle TCP connections are closed after this (default: ${DEFAULT-VALUE}).")
    int tcpIdleTimeoutMs;

    @Option(names = "--role", paramLabel = "ROLE", split = ",",
            description = "With planStore type etcd: the roles this process runs, planner, enactor, dns or all (repeatable or comma-separated; default all).")
    List<String> roleNames = new ArrayList<>();

    @Option(names = "--name", paramLabel = "NAME",
            description = "With planStore type etcd: this process's name in status and in the planner election (default HOST-PID).")
    String processName;

    @Option(names = "--availability-zone", paramLabel = "AZ", description = "With planStore type etcd: the zone this process runs in, shown by status.")
    String availabilityZone;

    @Option(names = "--udp-io", paramLabel = "netty|ffm", defaultValue = "ffm",
            description = "UDP through recvmmsg/sendmmsg called through FFM (JDK 25 builds; Netty where it cannot run), or Netty's epoll channel (default: ${DEFAULT-VALUE}).")
    String udpIo;

    private static final long SHUTDOWN_WAIT_MS = 10_000;

    static DnsServerConfig.UdpIo udpIo(String text) {
        return switch (text.toLowerCase(java.util.Locale.ROOT)) {
            case "netty" -> DnsServerConfig.UdpIo.NETTY;
            case "ffm" -> DnsServerConfig.UdpIo.FFM;
            default -> throw new IllegalArgumentException("--udp-io must be netty or ffm, got " + text);
        };
    }
    private final CountDownLatch stopRequested = new CountDownLatch(1);
    private final CountDownLatch closed = new CountDownLatch(1);

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (configFile != null) return serveConfig(out, err);
        if (dnsPort == null) {
            err.println("waymark serve: --dns-port is required (or give --config waymark.yaml)");
            err.flush();
            return EXIT_REFUSED;
        }
        List<Zone> zones;
        ServingOptions options;
        DnsServerConfig config;
        try {
            zones = loadZones();
            options = new ServingOptions(answerAddressesMax, ServingOptions.UDP_PAYLOAD_MAX_DEFAULT);
            config = new DnsServerConfig(listenAddress(), dnsPort, tcpConnectionsMax, tcpIdleTimeoutMs).withUdpIo(udpIo(udpIo));
        } catch (ZoneLoadException e) {
            err.println("waymark serve: " + e.getMessage());
            err.flush();
            return EXIT_REFUSED;
        } catch (IllegalArgumentException e) {
            err.println("waymark serve: " + e.getMessage());
            err.flush();
            return EXIT_REFUSED;
        }
        Authority authority = new Authority(ServingSnapshot.of(zones, options));
        List<String> loaded = zones.stream().map(z -> String.format("zone %s: %d records from %s", z.origin(), z.recordCount(), z.source())).toList();
        // The snapshot keeps what it serves, without a second copy of the addresses; this frame lives as
        // long as the server does and would otherwise keep every loaded record reachable (bench/dns-memory).
        zones = null;
        // Loading a big zone leaves the heap grown to several times what the snapshot keeps (parser
        // garbage): one full collection now, before serving, lets the JVM hand that back to the OS
        // (the launcher sizes the heap to shrink, MaxHeapFreeRatio), instead of keeping it resident.
        System.gc();
        try (DnsServer server = new DnsServer(authority, config)) {
            onAuthority(authority);
            try {
                server.start();
            } catch (IOException e) {
                err.println("waymark serve: " + e.getMessage());
                err.flush();
                return EXIT_CANNOT_BIND;
            }
            describe(out, loaded, authority.current(), server);
            // On SIGTERM/SIGINT the hook wakes us and waits (bounded) until the server is closed:
            // the JVM halts as soon as its hooks return.
            Thread hook = new Thread(() -> {
                stop();
                await(closed, SHUTDOWN_WAIT_MS);
            }, "waymark-serve-shutdown");
            Runtime.getRuntime().addShutdownHook(hook);
            await(stopRequested, Long.MAX_VALUE);
            out.println("stopping");
            out.flush();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running: it waits for `closed` below
            }
        } finally {
            closed.countDown();
        }
        out.println("stopped");
        out.flush();
        return 0;
    }

    /** Every role from waymark.yaml; a refused configuration names key, value and expectation, exit 2. */
    private int serveConfig(PrintWriter out, PrintWriter err) {
        if (!zoneFiles.isEmpty()) {
            err.println("waymark serve: --zone and --config do not mix: list zone files under 'zones' in the config");
            err.flush();
            return EXIT_REFUSED;
        }
        Daemon daemon;
        try {
            WaymarkConfig config = ConfigLoader.load(configFile);
            if (dnsPort != null) config = config.withDnsPort(dnsPort);
            if (config.distributed()) return serveDistributed(config, out, err);
            if (!roleNames.isEmpty() && !roleNames.equals(List.of("all"))) {
                err.println("waymark serve: --role " + String.join(",", roleNames) + " needs planStore type etcd in " + configFile
                        + " (the embedded stores are one process's disk: it runs every role)");
                err.flush();
                return EXIT_REFUSED;
            }
            daemon = Daemon.start(config, Optional.empty());
        } catch (ConfigException e) {
            err.println("waymark serve: " + configFile + ": " + e.getMessage());
            err.flush();
            return EXIT_REFUSED;
        } catch (IOException e) {
            err.println("waymark serve: " + e.getMessage());
            err.flush();
            return EXIT_CANNOT_BIND;
        }
        WaymarkConfig c = daemon.config();
        String servedBy = c.recordStore() instanceof RecordStoreConfig.Rfc2136 r ? "records on RFC 2136 server " + r.settings().serverText() + " zone " + r.settings().zone()
                : "on DNS 127.0.0.1:" + daemon.dnsPort();
        out.printf("waymark: serving %d endpoint(s) in %d zone(s) %s, HTTP API :%d, %d enactors, data in %s%n",
                c.endpoints().size(), c.zones().size(), servedBy, daemon.httpPort(), c.enactors().count(), c.dataDir());
        var token = daemon.apiToken();
        out.printf("waymark: API token in %s%s: writes need it%s%n", token.file(), token.created() ? " (created now, mode 0600)" : "",
                c.http().openReads() ? "" : ", reads too");
        out.flush();
        return foreground(daemon);
    }

    /** Distributed mode: the roles asked for, on etcd. */
    private int serveDistributed(WaymarkConfig config, PrintWriter out, PrintWriter err) throws IOException {
        java.util.Set<EtcdDaemon.Role> roles = java.util.EnumSet.noneOf(EtcdDaemon.Role.class);
        for (String r : roleNames.isEmpty() ? List.of("all") : roleNames) {
            switch (r.strip().toLowerCase(java.util.Locale.ROOT)) {
                case "all" -> roles.addAll(java.util.EnumSet.allOf(EtcdDaemon.Role.class));
                case "planner" -> roles.add(EtcdDaemon.Role.PLANNER);
                case "enactor" -> roles.add(EtcdDaemon.Role.ENACTOR);
                case "dns" -> roles.add(EtcdDaemon.Role.DNS);
                default -> {
                    err.println("waymark serve: --role '" + r + "': expected planner, enactor, dns or all");
                    err.flush();
                    return EXIT_REFUSED;
                }
            }
        }
        String name = processName != null ? processName : hostName() + "-" + ProcessHandle.current().pid();
        EtcdDaemon daemon;
        try {
            daemon = EtcdDaemon.start(config, roles, name, Optional.ofNullable(availabilityZone));
        } catch (IllegalArgumentException e) {
            err.println("waymark serve: " + e.getMessage());
            err.flush();
            return EXIT_REFUSED;
        }
        out.printf("waymark %s: roles %s on etcd, %s, HTTP API :%d%n", name, roles.toString().toLowerCase(java.util.Locale.ROOT),
                roles.contains(EtcdDaemon.Role.DNS) ? "DNS " + config.dns().listen() + ":" + daemon.dnsPort() : "no DNS", daemon.httpPort());
        out.flush();
        return foreground(daemon);
    }

    private static int foreground(AutoCloseable daemon) {
        try {
            return Foreground.untilStopped(daemon);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            try {
                daemon.close();
            } catch (Exception x) {
                // stopping anyway
            }
            return 0;
        }
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName().replaceAll("[^A-Za-z0-9.-]", "-");
        } catch (UnknownHostException e) {
            return "waymark";
        }
    }

    /** Zones to serve; every file is read before anything is served. Extension point for other sources. */
    protected List<Zone> loadZones() throws ZoneLoadException {
        if (zoneFiles.isEmpty()) throw new IllegalArgumentException("nothing to serve: give at least one --zone FILE");
        List<Zone> zones = new ArrayList<>();
        for (Path file : zoneFiles) zones.add(ZoneFileReader.read(file));
        return zones;
    }

    private InetAddress listenAddress() {
        try {
            // A literal only: a host name here would need a lookup, and the address must be exact.
            if (!listen.matches("[0-9a-fA-F:.]+")) throw new IllegalArgumentException("--listen takes an IP address, got " + listen);
            return InetAddress.getByName(listen);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("--listen takes an IP address, got " + listen, e);
        }
    }

    private static void describe(PrintWriter out, List<String> zones, ServingSnapshot snapshot, DnsServer server) {
        for (String z : zones) out.printf("%s%n", z);
        out.printf("names served: %d%n", snapshot.nameCount());
        out.printf("listening on %s:%d (UDP %s, TCP %s)%n", server.udpAddress().getAddress().getHostAddress(), server.port(),
                server.udpKind(), server.nativeTransport() ? "epoll" : "nio");
        out.flush();
    }

    /** Asks a running {@code serve} to stop (the shutdown hook does this on SIGTERM/SIGINT). */
    public void stop() {
        stopRequested.countDown();
    }

    /** Called once the authority exists, before serving: a hook for roles that publish into it. */
    protected void onAuthority(Authority authority) {
        // nothing by default
    }

    private static void await(CountDownLatch latch, long timeoutMs) {
        try {
            latch.await(timeoutMs, java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
