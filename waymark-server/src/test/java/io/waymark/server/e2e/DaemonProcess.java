package io.waymark.server.e2e;

import io.waymark.server.cli.Main;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A real {@code waymark} process (a child JVM running {@link Main} exactly as the launcher does),
 * with its merged stdout and stderr collected line by line. Every wait is bounded.
 */
final class DaemonProcess implements AutoCloseable {
    static final Pattern SERVING = Pattern.compile("waymark: serving .* on DNS 127\\.0\\.0\\.1:(\\d+), HTTP API :(\\d+),.*");
    /** Lines kept at most: a daemon that logs per tick must not fill the test's heap. */
    private static final int LINES_MAX = 20_000;

    private final Process process;
    private final List<String> lines = new ArrayList<>();
    private final Thread reader;

    private DaemonProcess(Process process) {
        this.process = process;
        this.reader = new Thread(this::drain, "daemon-output");
        reader.setDaemon(true);
        reader.start();
    }

    /** Starts {@code waymark ARGS...} in a child JVM on this test's class path. */
    static DaemonProcess start(String... args) throws IOException {
        return startWith(List.of(), args);
    }

    /** As {@link #start}, with JVM options before the class (e.g. a small heap when a test runs many daemons). */
    static DaemonProcess startWith(List<String> jvmOptions, String... args) throws IOException {
        String java = ProcessHandle.current().info().command().orElseThrow();
        List<String> command = new ArrayList<>(List.of(java, "--enable-native-access=ALL-UNNAMED"));
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName()));
        command.addAll(List.of(args));
        return new DaemonProcess(new ProcessBuilder(command).redirectErrorStream(true).start());
    }

    static DaemonProcess serve(Path config) throws IOException {
        return start("serve", "--config", config.toString());
    }

    private void drain() {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = in.readLine()) != null; ) {
                synchronized (lines) {
                    if (lines.size() < LINES_MAX) lines.add(line);
                    lines.notifyAll();
                }
            }
        } catch (IOException e) {
            // the process went away: what was read is kept
        }
    }

    /** The first line matching {@code pattern}, waiting at most {@code atMost}; empty if the process ended or time ran out. */
    Optional<Matcher> awaitLine(Pattern pattern, Duration atMost) throws InterruptedException {
        long deadline = System.nanoTime() + atMost.toNanos();
        int seen = 0;
        synchronized (lines) {
            while (true) {
                for (; seen < lines.size(); seen++) {
                    Matcher m = pattern.matcher(lines.get(seen));
                    if (m.find()) return Optional.of(m);
                }
                long left = deadline - System.nanoTime();
                if (left <= 0 || (!process.isAlive() && !reader.isAlive())) return Optional.empty();
                lines.wait(Math.max(1, Math.min(TimeUnit.NANOSECONDS.toMillis(left), 200)));
            }
        }
    }

    /** The DNS and HTTP ports the daemon announced; fails with its output if it did not start in time. */
    int[] awaitServing(Duration atMost) throws InterruptedException {
        Matcher m = awaitLine(SERVING, atMost).orElseThrow(() -> new AssertionError("daemon did not announce its ports:\n" + output()));
        return new int[] {Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2))};
    }

    /** The exit code, or empty if it still runs after {@code atMost}. */
    Optional<Integer> awaitExit(Duration atMost) throws InterruptedException {
        if (!process.waitFor(atMost.toMillis(), TimeUnit.MILLISECONDS)) return Optional.empty();
        reader.join(5_000);
        return Optional.of(process.exitValue());
    }

    long pid() {
        return process.pid();
    }

    String output() {
        synchronized (lines) {
            return String.join("\n", lines);
        }
    }

    long countLines(Pattern pattern) {
        synchronized (lines) {
            return lines.stream().filter(l -> pattern.matcher(l).find()).count();
        }
    }

    /** SIGTERM (a clean stop through the shutdown hook), bounded; SIGKILL if it does not stop. */
    void stop() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }
}
