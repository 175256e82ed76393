package io.waymark.adapters;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A real child JVM on the test's own classpath, whose stdout "ACK n" lines the parent collects. Used
 * to kill a writer with SIGKILL in the middle of its work: no shutdown hooks, no finally blocks, no
 * flushing of anything the child did not already make durable.
 */
public final class ChildProcess implements AutoCloseable {
    private static final int ACKS_MAX = 1_000_000;
    private final Process process;
    private final Thread reader;
    private final LinkedBlockingQueue<String> acks = new LinkedBlockingQueue<>(ACKS_MAX);
    private final Path stderr;

    public ChildProcess(Class<?> main, Path workDir, String... args) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(java, "-Xshare:auto", "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"), main.getName()));
        command.addAll(List.of(args));
        stderr = workDir.resolve("child-stderr.txt");
        process = new ProcessBuilder(command).redirectError(stderr.toFile()).start();
        reader = Thread.ofPlatform().daemon().name("child-stdout").start(this::readAcks);
    }

    private void readAcks() {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            // Bounded: ends at EOF, which comes at the latest when the child dies.
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                if (line.startsWith("ACK ")) acks.offer(line.substring(4).trim());
            }
        } catch (IOException e) {
            // The pipe breaks when the child is killed: what was read so far is what was acknowledged.
        }
    }

    /** Blocks until the child has acknowledged {@code count} operations (or fails after a bounded wait). */
    public void awaitAcks(int count, long timeoutSeconds) throws InterruptedException, IOException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
        while (acks.size() < count) {
            if (System.nanoTime() > deadline || !process.isAlive()) {
                throw new AssertionError("child acknowledged " + acks.size() + " of " + count + " (alive=" + process.isAlive() + "); stderr:\n" + Files.readString(stderr));
            }
            Thread.sleep(10);
        }
    }

    /**
     * SIGKILL (Process.destroyForcibly is SIGKILL on Linux; the exit status proves it), then waits for
     * stdout to end and returns the highest acknowledged number (acks must be 1, 2, 3, ...), or 0.
     */
    public long killAndLastAck() throws InterruptedException {
        List<String> all = killAndAcks();
        for (int i = 0; i < all.size(); i++) assertThat(Long.parseLong(all.get(i))).as("acks arrive in order").isEqualTo(i + 1L);
        return all.size();
    }

    /** SIGKILL, then every acknowledgement line the child printed (after "ACK "), in order. */
    public List<String> killAndAcks() throws InterruptedException {
        // A random extra moment, so that over runs the kill lands anywhere in the child's loop:
        // while computing, while writing, during the fsync, between the fsync and the ack.
        Thread.sleep(java.util.concurrent.ThreadLocalRandom.current().nextInt(0, 25));
        assertThat(process.isAlive()).as("child still working when killed").isTrue();
        process.destroyForcibly();
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as("exit status 128 + SIGKILL(9)").isEqualTo(137);
        reader.join(TimeUnit.SECONDS.toMillis(30));
        return new ArrayList<>(acks);
    }

    @Override
    public void close() {
        if (!process.isAlive()) return;
        process.destroyForcibly();
        try {
            process.waitFor(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
