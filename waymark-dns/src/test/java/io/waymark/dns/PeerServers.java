package io.waymark.dns;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Type;

/**
 * Real BIND 9 ({@code named}) and Knot ({@code knotd}) processes serving one zone file on loopback,
 * each in its own scratch directory on a free port, configured alike where the two allow it: no
 * recursion, minimal authority sections on positive answers, identity and NSID set to
 * {@link #IDENTITY}. Closing stops the processes this object started (by their handles) and nothing
 * else.
 */
final class PeerServers implements AutoCloseable {
    static final String IDENTITY = "wm-diff";
    private static final Duration READY_WITHIN = Duration.ofSeconds(60);
    private static final int START_ATTEMPTS = 4;

    /** One running peer: its name (for messages), its port, its process. */
    record Peer(String name, int port, Process process, Path dir) {}

    private final List<Peer> peers = new ArrayList<>();

    static PeerServers start(Path zoneFile, Name origin, Path scratch) throws IOException, InterruptedException {
        PeerServers servers = new PeerServers();
        try {
            servers.peers.add(startWithRetries("bind", zoneFile, origin, scratch));
            servers.peers.add(startWithRetries("knot", zoneFile, origin, scratch));
        } catch (IOException | InterruptedException | RuntimeException e) {
            servers.close();
            throw e;
        }
        return servers;
    }

    List<Peer> peers() {
        return peers;
    }

    /** A free port is free only until someone takes it: start again on another, a bounded number of times. */
    private static Peer startWithRetries(String kind, Path zoneFile, Name origin, Path scratch) throws IOException, InterruptedException {
        IOException last = null;
        for (int attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
            Path dir = Files.createDirectories(scratch.resolve(kind + "-" + attempt));
            int port = freePort();
            Files.copy(zoneFile, dir.resolve(origin.toString(true) + ".zone"));
            ProcessBuilder pb = kind.equals("bind") ? bind(dir, port, origin) : knot(dir, port, origin);
            pb.redirectErrorStream(true).redirectOutput(dir.resolve("server.log").toFile());
            Process process = pb.start();
            Peer peer = new Peer(kind, port, process, dir);
            try {
                awaitReady(peer, origin);
                return peer;
            } catch (IOException e) {
                stop(process);
                last = new IOException(kind + " did not start (attempt " + attempt + "): " + e.getMessage() + "\n" + tail(dir.resolve("server.log")), e);
            }
        }
        throw last;
    }

    private static ProcessBuilder bind(Path dir, int port, Name origin) throws IOException {
        String zone = origin.toString(true);
        String conf = """
                options {
                    directory "%s";
                    pid-file none;
                    session-keyfile none;
                    managed-keys-directory "%s";
                    listen-on port %d { 127.0.0.1; };
                    listen-on-v6 { none; };
                    recursion no;
                    notify no;
                    minimal-responses no-auth;
                    dnssec-validation no;
                    server-id "%s";
                    hostname "%s";
                    version none;
                };
                controls { };
                zone "%s" { type primary; file "%s.zone"; check-names ignore; allow-transfer { none; }; };
                """.formatted(dir, dir, port, IDENTITY, IDENTITY, zone, zone);
        Files.writeString(dir.resolve("named.conf"), conf);
        return new ProcessBuilder("/usr/sbin/named", "-g", "-n", "1", "-c", dir.resolve("named.conf").toString()).directory(dir.toFile());
    }

    private static ProcessBuilder knot(Path dir, int port, Name origin) throws IOException {
        Files.createDirectories(dir.resolve("db"));
        String conf = """
                server:
                    rundir: "%s"
                    pidfile: "%s/knot.pid"
                    listen: 127.0.0.1@%d
                    udp-workers: 1
                    tcp-workers: 1
                    background-workers: 1
                    identity: "%s"
                    nsid: "%s"
                    version: ""
                log:
                  - target: stderr
                    any: notice
                database:
                    storage: "%s/db"
                template:
                  - id: default
                    storage: "%s"
                    file: "%%s.zone"
                    zonefile-sync: -1
                    zonefile-load: whole
                    journal-content: none
                    semantic-checks: off
                zone:
                  - domain: %s
                """.formatted(dir, dir, port, IDENTITY, IDENTITY, dir, dir, origin.toString(true));
        Files.writeString(dir.resolve("knot.conf"), conf);
        return new ProcessBuilder("/usr/sbin/knotd", "-c", dir.resolve("knot.conf").toString()).directory(dir.toFile());
    }

    /** A port free for both UDP and TCP right now (the peer binds both). */
    static int freePort() throws IOException {
        for (int attempt = 0; attempt < 50; attempt++) {
            try (ServerSocket tcp = new ServerSocket()) {
                tcp.setReuseAddress(true);
                tcp.bind(new InetSocketAddress(TestServer.LOOPBACK, 0));
                int port = tcp.getLocalPort();
                try (DatagramSocket udp = new DatagramSocket(new InetSocketAddress(TestServer.LOOPBACK, port))) {
                    return port;
                } catch (IOException takenForUdp) {
                    // try another
                }
            }
        }
        throw new IOException("no port free for both UDP and TCP after 50 attempts");
    }

    /** Polls the zone's SOA until the peer answers it authoritatively; bounded by {@link #READY_WITHIN}. */
    private static void awaitReady(Peer peer, Name origin) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + READY_WITHIN.toNanos();
        byte[] query = Message.newQuery(org.xbill.DNS.Record.newRecord(origin, Type.SOA, DClass.IN)).toWire();
        while (System.nanoTime() < deadline) {
            if (!peer.process().isAlive()) throw new IOException("exited with " + peer.process().exitValue());
            try {
                Message reply = new Message(WireExchange.udp(peer.port(), query, 500));
                if (reply.getRcode() == Rcode.NOERROR && reply.getHeader().getFlag(Flags.AA)) return;
            } catch (IOException notYet) {
                // not listening or zone not loaded yet
            }
            Thread.sleep(100);
        }
        throw new IOException("no authoritative SOA within " + READY_WITHIN);
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 15), lines.size()));
        } catch (IOException e) {
            return "(no log)";
        }
    }

    private static void stop(Process process) throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Override
    public void close() throws InterruptedException {
        for (Peer p : peers) stop(p.process());
        peers.clear();
    }
}
