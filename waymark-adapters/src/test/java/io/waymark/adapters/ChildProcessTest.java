package io.waymark.adapters;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The kill -9 harness must not lose or misread an acknowledgement: a kill test that under-counts
 * acknowledgements blames the store for durable work it did correctly (PlanStoreKillTest once saw
 * generation 33 after "31 acks" because the 32nd was lost in the pipe, see {@link ChildProcess}).
 */
class ChildProcessTest {
    @TempDir Path dir;

    /**
     * Why acknowledgements no longer travel over stdout: on Linux, destroyForcibly() closes our end
     * of the child's stdout pipe, so a line the child wrote before the kill but that the reader had
     * not read yet (a reader thread lagging on a loaded machine) is gone, and reading fails with
     * "Stream closed" (which the old reader took for the end of the acknowledgements).
     */
    @Test
    void destroyForciblyDiscardsWhatThePipeStillHolds() throws Exception {
        Path marker = dir.resolve("printed");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, "-Xshare:auto", "-cp", System.getProperty("java.class.path"), PrintThenWait.class.getName(), marker.toString())
                .redirectError(dir.resolve("stderr.txt").toFile()).start();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!Files.exists(marker)) {
                assertThat(System.nanoTime()).as("child printed its line").isLessThan(deadline);
                assertThat(p.isAlive()).as("child alive; stderr: %s", Files.readString(dir.resolve("stderr.txt"))).isTrue();
                Thread.sleep(5);
            }
            // "ACK 1\n" is in the pipe, written and flushed before the marker was created; not yet read.
            p.destroyForcibly();
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).isEqualTo(137);
            assertThatThrownBy(() -> p.getInputStream().read()).isInstanceOf(IOException.class).hasMessageContaining("Stream closed");
        } finally {
            p.destroyForcibly();
        }
    }

    /** The same situation through the harness: every acknowledgement written before the kill is collected. */
    @Test
    void collectsEveryAcknowledgementWrittenBeforeTheKillWhateverElseTheChildPrints() throws Exception {
        Path marker = dir.resolve("acked");
        List<String> acks;
        try (ChildProcess child = new ChildProcess(AckThenWait.class, dir, marker.toString())) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!Files.exists(marker)) {
                assertThat(System.nanoTime()).as("child acknowledged; %s", child.diagnostics()).isLessThan(deadline);
                Thread.sleep(5);
            }
            acks = child.killAndAcks();
        }
        // Noise on stdout (a partial log line, a glued "ACK 999") counts for nothing; the line the
        // child was still writing when killed ("ACK 6" without its newline) was not acknowledged.
        assertThat(acks).containsExactly("1", "2", "3", "4", "5");
    }

    @Test
    void aChildThatDiesReportsItsStderr() throws Exception {
        try (ChildProcess child = new ChildProcess(AckThenThrow.class, dir)) {
            assertThatThrownBy(() -> child.awaitAcks(10, 60)).isInstanceOf(AssertionError.class)
                    .hasMessageContaining("child acknowledged 2 of 10").hasMessageContaining("[1, 2]")
                    .hasMessageContaining("step 3: the store handed out generation 4");
        }
    }

    /** Child: prints an acknowledgement on stdout, says so through a marker file, then waits to be killed. */
    public static final class PrintThenWait {
        public static void main(String[] args) throws Exception {
            PrintStream out = new PrintStream(new FileOutputStream(java.io.FileDescriptor.out), true, StandardCharsets.UTF_8);
            out.println("ACK 1");
            Files.createFile(Path.of(args[0]));
            Thread.sleep(TimeUnit.MINUTES.toMillis(5));
        }
    }

    /** Child: five acknowledgements, noise on stdout, a sixth cut short, then waits to be killed. */
    public static final class AckThenWait {
        public static void main(String[] args) throws Exception {
            ChildProcess.Acks acks = ChildProcess.Acks.open();
            for (int i = 1; i <= 3; i++) acks.ack(Integer.toString(i));
            System.out.print("12:00:00.000 INFO  some.Logger - a line without its end");
            System.out.println("ACK 999");
            System.out.flush();
            for (int i = 4; i <= 5; i++) acks.ack(Integer.toString(i));
            try (FileOutputStream raw = new FileOutputStream(System.getProperty(ChildProcess.ACKS_PROPERTY), true)) {
                raw.write("ACK 6".getBytes(StandardCharsets.UTF_8)); // as if killed before the newline
            }
            Files.createFile(Path.of(args[0]));
            Thread.sleep(TimeUnit.MINUTES.toMillis(5));
        }
    }

    /** Child: two acknowledgements, then fails the way a crash child does when the store misbehaves. */
    public static final class AckThenThrow {
        public static void main(String[] args) throws Exception {
            ChildProcess.Acks acks = ChildProcess.Acks.open();
            acks.ack("1");
            acks.ack("2");
            throw new IllegalStateException("step 3: the store handed out generation 4");
        }
    }
}
