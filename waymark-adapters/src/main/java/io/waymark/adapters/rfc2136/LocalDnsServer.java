package io.waymark.adapters.rfc2136;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

/**
 * A real authoritative DNS server (BIND 9, Knot or PowerDNS from Debian) started on loopback in a
 * scratch directory, primary for zone {@value #ZONE}, accepting RFC 2136 UPDATE signed with one
 * hmac-sha256 TSIG key (and nothing unsigned), AXFR from loopback. For tests and benchmarks (in main so
 * that the daemon's tests and bench/ can start one, as {@code LocalEtcdCluster} is): whoever starts it
 * owns the process — stop, start, restart, SIGSTOP and SIGCONT it.
 */
public final class LocalDnsServer implements AutoCloseable {
    public enum Kind { BIND, KNOT, PDNS }

    public static final String ZONE = "example.test.";
    public static final String KEY_NAME = "waymark-key.";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

    private final Kind kind;
    private final Path dir;
    private final String secret;
    private final int port;
    private Process process;

    private LocalDnsServer(Kind kind, Path dir, int port, String secret) {
        this.kind = kind;
        this.dir = dir;
        this.port = port;
        this.secret = secret;
    }

    /** Configures and starts the server; the secret is random per server. */
    public static LocalDnsServer start(Kind kind, Path dir) throws IOException, InterruptedException {
        byte[] key = new byte[32];
        new java.security.SecureRandom().nextBytes(key);
        LocalDnsServer s = new LocalDnsServer(kind, dir, freePort(), Base64.getEncoder().encodeToString(key));
        s.configure();
        s.startProcess();
        return s;
    }

    public Kind kind() {
        return kind;
    }

    /** The base64 TSIG secret (tests pass it to the store; never logged). */
    public String secret() {
        return secret;
    }

    public Path dir() {
        return dir;
    }

    public InetSocketAddress address() {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
    }

    public String hostPort() {
        return "127.0.0.1:" + port;
    }

    /** A port free for both UDP and TCP now (closed again, so a small race with other processes remains). */
    private static int freePort() throws IOException {
        for (int attempt = 0; attempt < 50; attempt++) {
            try (ServerSocket tcp = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                int p = tcp.getLocalPort();
                try (DatagramSocket udp = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), p))) {
                    return p;
                } catch (IOException taken) {
                    // UDP side in use: try another
                }
            }
        }
        throw new IOException("no port free for both UDP and TCP on loopback");
    }

    private void configure() throws IOException, InterruptedException {
        Files.createDirectories(dir);
        String zoneText = "$TTL 300\n@ IN SOA ns.example.test. hostmaster.example.test. 1 3600 600 86400 5\n@ IN NS ns.example.test.\nns IN A 127.0.0.1\n";
        switch (kind) {
            case BIND -> {
                Files.writeString(dir.resolve("example.test.zone"), zoneText);
                Files.writeString(dir.resolve("named.conf"), """
                        key "%s" { algorithm hmac-sha256; secret "%s"; };
                        options {
                            directory "%s";
                            pid-file "%s/named.pid";
                            session-keyfile "%s/session.key";
                            managed-keys-directory "%s";
                            listen-on port %d { 127.0.0.1; };
                            listen-on-v6 { none; };
                            recursion no;
                            notify no;
                            dnssec-validation no;
                        };
                        controls { };
                        logging { channel f { file "%s/named.log"; severity info; }; category default { f; }; category update { f; }; };
                        zone "example.test" {
                            type primary;
                            file "example.test.zone";
                            allow-update { key "%s"; };
                            allow-transfer { 127.0.0.1; };
                        };
                        """.formatted(KEY_NAME, secret, dir, dir, dir, dir, port, dir, KEY_NAME));
            }
            case KNOT -> {
                Files.createDirectories(dir.resolve("db"));
                Files.writeString(dir.resolve("example.test.zone"), zoneText);
                Files.writeString(dir.resolve("knot.conf"), """
                        server:
                            rundir: "%s"
                            pidfile: "%s/knot.pid"
                            listen: 127.0.0.1@%d
                        log:
                          - target: stderr
                            any: info
                        database:
                            storage: "%s/db"
                        key:
                          - id: %s
                            algorithm: hmac-sha256
                            secret: %s
                        acl:
                          - id: upd
                            key: %s
                            action: update
                          - id: xfr
                            address: 127.0.0.1
                            action: transfer
                        template:
                          - id: default
                            storage: "%s"
                            file: "%%s.zone"
                            zonefile-sync: -1
                            semantic-checks: off
                        zone:
                          - domain: example.test
                            acl: [upd, xfr]
                        """.formatted(dir, dir, port, dir, KEY_NAME, secret, KEY_NAME, dir));
            }
            case PDNS -> {
                Path db = dir.resolve("pdns.sqlite3");
                run(List.of("sqlite3", db.toString()), Files.readString(Path.of("/usr/share/doc/pdns-backend-sqlite3/schema.sqlite3.sql")));
                // Caches off: a read right after an UPDATE must see it (PowerDNS caches answers for 20 s by default).
                Files.writeString(dir.resolve("pdns.conf"), """
                        launch=gsqlite3
                        gsqlite3-database=%s
                        gsqlite3-pragma-synchronous=0
                        gsqlite3-pragma-journal-mode=WAL
                        local-address=127.0.0.1
                        local-port=%d
                        socket-dir=%s
                        daemon=no
                        guardian=no
                        disable-syslog=yes
                        loglevel=4
                        webserver=no
                        api=no
                        dnsupdate=yes
                        allow-dnsupdate-from=127.0.0.0/8
                        allow-axfr-ips=127.0.0.0/8
                        cache-ttl=0
                        query-cache-ttl=0
                        negquery-cache-ttl=0
                        zone-cache-refresh-interval=0
                        """.formatted(db, port, dir));
                Files.writeString(dir.resolve("example.test.zone"), "$ORIGIN example.test.\n" + zoneText);
                pdnsutil("load-zone", "example.test", dir.resolve("example.test.zone").toString());
                pdnsutil("import-tsig-key", KEY_NAME, "hmac-sha256", secret);
                // Only updates signed with this key (the address check alone would let anything on loopback write).
                pdnsutil("set-meta", "example.test", "TSIG-ALLOW-DNSUPDATE", KEY_NAME);
                pdnsutil("set-meta", "example.test", "SOA-EDIT-DNSUPDATE", "INCREASE");
            }
        }
    }

    private void pdnsutil(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("pdnsutil", "--config-dir=" + dir));
        cmd.addAll(List.of(args));
        run(cmd, null);
    }

    private void run(List<String> cmd, String stdin) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        if (stdin != null) {
            p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
        }
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) throw new IOException(cmd + " failed: " + out);
    }

    private List<String> command() {
        return switch (kind) {
            case BIND -> List.of("/usr/sbin/named", "-g", "-c", dir.resolve("named.conf").toString(), "-n", "1");
            case KNOT -> List.of("/usr/sbin/knotd", "-c", dir.resolve("knot.conf").toString());
            case PDNS -> List.of("/usr/sbin/pdns_server", "--config-dir=" + dir);
        };
    }

    public synchronized void startProcess() throws IOException, InterruptedException {
        if (process != null && process.isAlive()) return;
        process = new ProcessBuilder(command()).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("server.out").toFile())).start();
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (true) {
            if (!process.isAlive()) throw new IOException(kind + " exited at start (" + process.exitValue() + "): " + tail());
            if (answersSoa()) return;
            if (System.nanoTime() > deadline) throw new IOException(kind + " did not answer within " + START_TIMEOUT + ": " + tail());
            Thread.sleep(50);
        }
    }

    private boolean answersSoa() {
        try {
            SimpleResolver r = new SimpleResolver(address());
            r.setTCP(true);
            r.setTimeout(Duration.ofSeconds(2));
            Message m = r.send(Message.newQuery(org.xbill.DNS.Record.newRecord(Name.fromString(ZONE), Type.SOA, DClass.IN)));
            return m.getRcode() == Rcode.NOERROR && m.getSection(Section.ANSWER).size() == 1;
        } catch (IOException e) {
            return false;
        }
    }

    /** SIGTERM and wait (a clean stop: BIND and Knot keep their journals). */
    public synchronized void stop() throws InterruptedException {
        if (process == null || !process.isAlive()) return;
        resume();
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
        }
    }

    public void restart() throws IOException, InterruptedException {
        stop();
        startProcess();
    }

    /** CPU seconds (user + system) the server process has used so far, from /proc (benchmarks: server cost per change). */
    public synchronized double cpuSeconds() throws IOException {
        if (process == null || !process.isAlive()) throw new IOException(kind + " is not running");
        String stat = Files.readString(Path.of("/proc", Long.toString(process.pid()), "stat"));
        // Fields after the command name (which may hold spaces) start after the last ')': utime and stime are the 12th and 13th.
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / 100.0; // USER_HZ is 100 on Linux
    }

    public void pause() throws IOException, InterruptedException {
        signal("STOP");
    }

    public void resume() {
        try {
            signal("CONT");
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    private void signal(String name) throws IOException, InterruptedException {
        if (process == null || !process.isAlive()) return;
        run(List.of("kill", "-" + name, Long.toString(process.pid())), null);
    }

    public String tail() {
        try {
            String s = Files.readString(dir.resolve("server.out"));
            Path log = dir.resolve("named.log");
            if (Files.exists(log)) s += "\n" + Files.readString(log);
            return s.length() <= 6000 ? s : "..." + s.substring(s.length() - 6000);
        } catch (IOException e) {
            return "(no output: " + e + ")";
        }
    }

    /** Runs nsupdate with this server's key: changes made behind Waymark's back. */
    public void nsupdate(String... commands) throws IOException, InterruptedException {
        StringBuilder script = new StringBuilder("server 127.0.0.1 " + port + "\nzone " + ZONE + "\n");
        for (String c : commands) script.append(c).append('\n');
        script.append("send\n");
        run(List.of("nsupdate", "-v", "-y", "hmac-sha256:" + KEY_NAME + ":" + secret), script.toString());
    }

    /** Stops the server and deletes its scratch directory. */
    @Override
    public void close() throws InterruptedException {
        stop();
        try (java.util.stream.Stream<Path> all = Files.walk(dir)) {
            all.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // left behind in the temporary directory: harmless
        }
    }
}
