package io.waymark.adapters;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real child JVM on the test's own classpath, whose acknowledgements the parent collects. Used to
 * kill a writer with SIGKILL in the middle of its work: no shutdown hooks, no finally blocks, no
 * flushing of anything the child did not already make durable.
 *
 * <p>How acknowledgements travel, and why not over the child's stdout pipe (which is how they used
 * to, and how PlanStoreKillTest once "lost" an acknowledged step under load):
 * <ul>
 *   <li>{@link Process#destroyForcibly()} (and {@code destroy()}) on Linux closes the parent's end of
 *       the child's stdout pipe right after sending the signal. Every byte the child had written that
 *       our reader thread had not yet read is discarded, and the reader's next read throws "Stream
 *       closed". On a loaded machine the reader thread easily lags the child by a step, so the last
 *       "ACK n" the child printed (and then went on to act upon: it published n+1) was never seen,
 *       and the test blamed the store for a generation above the last acknowledged one + 1.
 *       {@link ChildProcessTest#destroyForciblyDiscardsWhatThePipeStillHolds} shows it deterministically.
 *   <li>stdout is shared: logback's console appender and the JVM's own warnings (HotSpot writes them
 *       to fd 1) write there from any thread, so an "ACK n" could follow a partial line of theirs and
 *       no longer start its line.
 *   <li>{@code BufferedReader.readLine} returns a last line without its newline at EOF, so a line cut
 *       by the kill ("ACK 1" of "ACK 12") would parse as a different, wrong acknowledgement.
 * </ul>
 * So the child acknowledges through {@link Acks}, a file of its own ({@code child-acks.txt} in the
 * work directory, named by the {@value #ACKS_PROPERTY} system property) that nothing else writes:
 * each acknowledgement is one {@code write(2)} of a whole line to an O_APPEND file, which is in the
 * kernel (and readable by the parent) before the child's call returns and survives SIGKILL. The
 * parent reads the file itself, after the child is dead: no reader thread, no pipe, nothing to race.
 * Only newline-terminated lines count (a line the kill cut was not acknowledged: the child had not
 * returned from writing it); any other content is a harness bug and fails the test, not skipped.
 * The child's stdout and stderr go to {@code child-stdout.txt} and {@code child-stderr.txt}, which
 * {@link #diagnostics()} reports.
 */
public final class ChildProcess implements AutoCloseable {
    public static final String ACKS_PROPERTY = "waymark.test.acks";
    private static final String PREFIX = "ACK ";
    private final Process process;
    private final Path acksFile;
    private final Path stdout;
    private final Path stderr;

    public ChildProcess(Class<?> main, Path workDir, String... args) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        acksFile = workDir.resolve("child-acks.txt");
        stdout = workDir.resolve("child-stdout.txt");
        stderr = workDir.resolve("child-stderr.txt");
        Files.deleteIfExists(acksFile);
        Files.createFile(acksFile);
        List<String> command = new ArrayList<>(List.of(java, "-Xshare:auto", "-XX:TieredStopAtLevel=1", "-D" + ACKS_PROPERTY + "=" + acksFile,
                "-cp", System.getProperty("java.class.path"), main.getName()));
        command.addAll(List.of(args));
        process = new ProcessBuilder(command).redirectOutput(stdout.toFile()).redirectError(stderr.toFile()).start();
    }

    /** The child's side: where it writes its acknowledgements (open once, in main). */
    public static final class Acks {
        private final FileOutputStream out;

        private Acks(FileOutputStream out) {
            this.out = out;
        }

        public static Acks open() throws IOException {
            String path = System.getProperty(ACKS_PROPERTY);
            if (path == null) throw new IllegalStateException("not started by ChildProcess: -D" + ACKS_PROPERTY + " is not set");
            return new Acks(new FileOutputStream(path, true));
        }

        /** Writes "ACK text\n" in one write(2); when this returns, the parent will see it even after a SIGKILL. */
        public synchronized void ack(String text) {
            try {
                out.write((PREFIX + text + "\n").getBytes(StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** Every complete acknowledgement in the file so far (text after "ACK "), in order. */
    private List<String> readAcks() throws IOException {
        byte[] bytes = Files.readAllBytes(acksFile);
        int complete = bytes.length;
        while (complete > 0 && bytes[complete - 1] != '\n') complete--;
        // bytes after the last newline are a line the kill cut in the middle of its write: not acknowledged.
        String all = new String(bytes, 0, complete, StandardCharsets.UTF_8);
        List<String> acks = new ArrayList<>();
        int start = 0;
        for (int nl = all.indexOf('\n'); nl >= 0; start = nl + 1, nl = all.indexOf('\n', start)) {
            String line = all.substring(start, nl);
            if (!line.startsWith(PREFIX)) throw new AssertionError("malformed line " + (acks.size() + 1) + " in " + acksFile + ": '" + line + "'");
            acks.add(line.substring(PREFIX.length()));
        }
        return acks;
    }

    /** Blocks until the child has acknowledged {@code count} operations (or fails after a bounded wait). */
    public void awaitAcks(int count, long timeoutSeconds) throws InterruptedException, IOException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
        for (int n = readAcks().size(); n < count; n = readAcks().size()) {
            if (System.nanoTime() > deadline || !process.isAlive()) {
                throw new AssertionError("child acknowledged " + n + " of " + count + " (alive=" + process.isAlive() + "); " + diagnostics());
            }
            Thread.sleep(10);
        }
    }

    /**
     * SIGKILL (Process.destroyForcibly is SIGKILL on Linux; the exit status proves it), then returns
     * the highest acknowledged number (acks must be 1, 2, 3, ...), or 0.
     */
    public long killAndLastAck() throws InterruptedException, IOException {
        List<String> all = killAndAcks();
        for (int i = 0; i < all.size(); i++) assertThat(Long.parseLong(all.get(i))).as("acks arrive in order; %s", diagnostics()).isEqualTo(i + 1L);
        return all.size();
    }

    /** SIGKILL, then every acknowledgement the child completed (after "ACK "), in order. */
    public List<String> killAndAcks() throws InterruptedException, IOException {
        // A random extra moment, so that over runs the kill lands anywhere in the child's loop:
        // while computing, while writing, during the fsync, between the fsync and the ack.
        Thread.sleep(java.util.concurrent.ThreadLocalRandom.current().nextInt(0, 25));
        assertThat(process.isAlive()).as("child still working when killed; %s", diagnostics()).isTrue();
        process.destroyForcibly();
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as("exit status 128 + SIGKILL(9); %s", diagnostics()).isEqualTo(137);
        // The child is dead: the file holds every acknowledgement it will ever have written.
        return readAcks();
    }

    /** For failure messages: the acknowledgements so far, and the child's stdout (tail) and stderr. */
    public String diagnostics() {
        StringBuilder sb = new StringBuilder();
        try {
            sb.append("child acks ").append(readAcks());
        } catch (IOException | AssertionError e) {
            sb.append("child acks unreadable: ").append(e);
        }
        sb.append("\nchild stdout (tail):\n").append(tail(stdout)).append("\nchild stderr (tail):\n").append(tail(stderr));
        return sb.toString();
    }

    private static String tail(Path file) {
        try {
            String s = Files.readString(file, StandardCharsets.UTF_8);
            return s.length() <= 8000 ? s : "..." + s.substring(s.length() - 8000);
        } catch (IOException e) {
            return "(unreadable: " + e + ")";
        }
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
