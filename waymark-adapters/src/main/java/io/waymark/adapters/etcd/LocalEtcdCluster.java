package io.waymark.adapters.etcd;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real etcd cluster (Debian's {@code etcd}, 3.4) of N members on loopback, for tests, benchmarks
 * and trying distributed mode on one machine (it is not how to run etcd in production), each in its own scratch
 * directory under {@code root}, with client and peer ports drawn from 23000-23999 (etcd must advertise
 * its ports, so it cannot bind 0) and checked free first. Members can be killed (SIGKILL), stopped
 * (SIGTERM), paused (SIGSTOP) and resumed, and restarted on their data directory. Every wait is
 * bounded; {@link #close} kills everything and deletes nothing it did not create.
 *
 * <p>Timing is relaxed against etcd's defaults (heartbeat 100 ms, election 1 s): the test machine is
 * shared and loaded, and a member starved for a second would otherwise start elections the tests did
 * not ask for.
 */
public final class LocalEtcdCluster implements AutoCloseable {
    public static final String ETCD = "/usr/bin/etcd";
    private static final int PORT_LOW = 23000;
    private static final int PORT_HIGH = 23999;
    private static final int PORT_TRIES_MAX = 200;
    private static final Duration HEALTHY_WAIT = Duration.ofSeconds(90);

    private final Path root;
    private final int[] clientPorts;
    private final int[] peerPorts;
    private final Process[] members;
    private final boolean[] paused;
    private final String token;

    private LocalEtcdCluster(Path root, int size) {
        this.root = root;
        this.clientPorts = new int[size];
        this.peerPorts = new int[size];
        this.members = new Process[size];
        this.paused = new boolean[size];
        this.token = "waymark-test-" + Long.toHexString(ThreadLocalRandom.current().nextLong());
    }

    /** Starts {@code size} members and waits (bounded) until every one answers its health endpoint. */
    public static LocalEtcdCluster start(Path root, int size) throws IOException {
        if (!Files.isExecutable(Path.of(ETCD))) throw new IllegalStateException(ETCD + " is missing: run scripts/setup (Debian package etcd-server)");
        LocalEtcdCluster c = new LocalEtcdCluster(root, size);
        try {
            c.choosePorts();
            for (int i = 0; i < size; i++) c.launch(i, "new");
            for (int i = 0; i < size; i++) c.awaitHealthy(i);
            return c;
        } catch (IOException | RuntimeException e) {
            c.close();
            throw e;
        }
    }

    private void choosePorts() throws IOException {
        List<Integer> chosen = new ArrayList<>();
        for (int tries = 0; chosen.size() < 2 * members.length; tries++) {
            if (tries > PORT_TRIES_MAX) throw new IOException("no free loopback ports in " + PORT_LOW + "-" + PORT_HIGH + " after " + PORT_TRIES_MAX + " tries");
            int p = ThreadLocalRandom.current().nextInt(PORT_LOW, PORT_HIGH + 1);
            if (!chosen.contains(p) && free(p)) chosen.add(p);
        }
        for (int i = 0; i < members.length; i++) {
            clientPorts[i] = chosen.get(2 * i);
            peerPorts[i] = chosen.get(2 * i + 1);
        }
    }

    private static boolean free(int port) {
        try (ServerSocket s = new ServerSocket()) {
            s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private String name(int i) {
        return "m" + i;
    }

    private void launch(int i, String state) throws IOException {
        Path dir = root.resolve(name(i));
        Files.createDirectories(dir);
        StringBuilder initial = new StringBuilder();
        for (int j = 0; j < members.length; j++) {
            if (j > 0) initial.append(',');
            initial.append(name(j)).append("=http://127.0.0.1:").append(peerPorts[j]);
        }
        List<String> cmd = List.of(ETCD, "--name", name(i), "--data-dir", dir.resolve("data").toString(),
                "--listen-client-urls", clientUrl(i), "--advertise-client-urls", clientUrl(i),
                "--listen-peer-urls", "http://127.0.0.1:" + peerPorts[i], "--initial-advertise-peer-urls", "http://127.0.0.1:" + peerPorts[i],
                "--initial-cluster", initial.toString(), "--initial-cluster-state", state, "--initial-cluster-token", token,
                "--heartbeat-interval", "200", "--election-timeout", "2000", "--logger", "zap", "--log-outputs", "stderr");
        Path log = dir.resolve("etcd.log");
        members[i] = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        paused[i] = false;
    }

    public String clientUrl(int i) {
        return "http://127.0.0.1:" + clientPorts[i];
    }

    /** Every member's client URL (the list a Waymark configuration names). */
    public List<String> endpoints() {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < members.length; i++) out.add(clientUrl(i));
        return out;
    }

    public int size() {
        return members.length;
    }

    /** Polls {@code /health} of member i until it reports healthy, at most {@link #HEALTHY_WAIT}. */
    public void awaitHealthy(int i) {
        long deadline = System.nanoTime() + HEALTHY_WAIT.toNanos();
        String last = "no answer";
        while (System.nanoTime() < deadline) {
            if (!members[i].isAlive()) throw new IllegalStateException("etcd member " + name(i) + " exited " + members[i].exitValue() + ": " + logTail(i));
            try {
                var conn = (java.net.HttpURLConnection) java.net.URI.create(clientUrl(i) + "/health").toURL().openConnection();
                conn.setConnectTimeout(1000);
                conn.setReadTimeout(3000);
                try (var in = conn.getInputStream()) {
                    last = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                    if (last.contains("\"health\":\"true\"")) return;
                }
            } catch (IOException e) {
                last = e.toString();
            }
            sleep(200);
        }
        throw new IllegalStateException("etcd member " + name(i) + " not healthy after " + HEALTHY_WAIT + " (last: " + last + "): " + logTail(i));
    }

    /** SIGKILL: no shutdown of any kind; the data directory stays for {@link #restart}. */
    public void kill(int i) {
        Process p = members[i];
        if (paused[i]) resume(i);
        p.destroyForcibly();
        waitExit(p);
    }

    /** SIGTERM, waiting (bounded) for it to exit. */
    public void stop(int i) {
        Process p = members[i];
        if (paused[i]) resume(i);
        p.destroy();
        waitExit(p);
    }

    /** Starts a killed or stopped member again on its data directory (it rejoins the cluster). */
    public void restart(int i) throws IOException {
        if (members[i].isAlive()) throw new IllegalStateException("member " + name(i) + " is still running");
        launch(i, "existing");
    }

    /** SIGSTOP: the process holds its sockets but answers nothing, like a VM that froze. */
    public void pause(int i) {
        signal(i, "STOP");
        paused[i] = true;
    }

    /** SIGCONT. */
    public void resume(int i) {
        signal(i, "CONT");
        paused[i] = false;
    }

    public boolean running(int i) {
        return members[i].isAlive();
    }

    private void signal(int i, String sig) {
        try {
            Process k = new ProcessBuilder("kill", "-" + sig, Long.toString(members[i].pid())).redirectErrorStream(true).start();
            if (!k.waitFor(10, TimeUnit.SECONDS) || k.exitValue() != 0) throw new IllegalStateException("kill -" + sig + " " + members[i].pid() + " failed");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void waitExit(Process p) {
        try {
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                p.waitFor(30, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The last lines of member i's log, for failure messages. */
    public String logTail(int i) {
        try {
            List<String> lines = Files.readAllLines(root.resolve(name(i)).resolve("etcd.log"), StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 15), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Kills every member (resuming paused ones first, so that SIGKILL is not queued behind SIGSTOP) and removes the scratch directories. */
    @Override
    public void close() {
        for (int i = 0; i < members.length; i++) {
            if (members[i] == null) continue;
            if (paused[i] && members[i].isAlive()) {
                try {
                    resume(i);
                } catch (RuntimeException ignored) {
                    // SIGKILL below ends it anyway
                }
            }
            members[i].destroyForcibly();
            waitExit(members[i]);
        }
        for (int i = 0; i < members.length; i++) {
            Path dir = root.resolve(name(i));
            if (!Files.exists(dir)) continue;
            try (Stream<Path> walk = Files.walk(dir)) {
                walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException ignored) {
                // scratch space; JUnit's @TempDir cleans up after us
            }
        }
    }
}
