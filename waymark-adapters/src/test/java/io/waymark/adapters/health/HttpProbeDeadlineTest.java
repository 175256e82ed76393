package io.waymark.adapters.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * Issue 7, defect 11, against a real HTTP exchange on a real socket: a target that sends its headers
 * at once and then trickles the body one byte at a time held the probe for as long as it trickled (the
 * timeout covered the headers only), and the target's health froze. One deadline covers the whole probe.
 */
class HttpProbeDeadlineTest {
    /** Answers every connection with 200 and a 100 kB body sent one byte every {@code gapMs}. */
    private static Thread trickler(ServerSocket server, int gapMs, AtomicBoolean stop) {
        Thread t = new Thread(() -> {
            while (!stop.get()) {
                try (Socket s = server.accept()) {
                    InputStream in = s.getInputStream();
                    byte[] buf = new byte[4096];
                    in.read(buf); // the request (one read is enough for a GET)
                    OutputStream out = s.getOutputStream();
                    out.write("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 100000\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                    for (int i = 0; i < 100_000 && !stop.get(); i++) {
                        out.write('x');
                        out.flush();
                        Thread.sleep(gapMs);
                    }
                } catch (IOException | InterruptedException e) {
                    // the probe gave up and closed the connection: serve the next one
                }
            }
        }, "trickler");
        t.setDaemon(true);
        t.start();
        return t;
    }

    @Test
    void a_body_that_trickles_fails_the_probe_within_its_deadline() throws Exception {
        AtomicBoolean stop = new AtomicBoolean();
        try (ServerSocket server = new ServerSocket(0, 10, InetAddress.getLoopbackAddress())) {
            trickler(server, 100, stop);
            HttpProbe probe = new HttpProbe(HttpProbe.newClient(Duration.ofSeconds(1)), URI.create("http://127.0.0.1:" + server.getLocalPort() + "/health"));
            for (int round = 0; round < 2; round++) { // twice: a probe that gave up must not poison the next one
                long start = System.nanoTime();
                boolean passed = assertTimeoutPreemptively(Duration.ofSeconds(10), () -> probe.passes(Duration.ofMillis(500)));
                long tookMs = (System.nanoTime() - start) / 1_000_000;
                assertThat(passed).isFalse();
                assertThat(tookMs).as("one deadline for the whole probe").isLessThan(1_500);
            }
        } finally {
            stop.set(true);
        }
    }

    @Test
    void a_quick_answer_still_passes() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 10, InetAddress.getLoopbackAddress())) {
            Thread t = new Thread(() -> {
                try (Socket s = server.accept()) {
                    s.getInputStream().read(new byte[4096]);
                    s.getOutputStream().write("HTTP/1.1 204 No Content\r\nContent-Length: 0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                    s.getOutputStream().flush();
                    Thread.sleep(500);
                } catch (IOException | InterruptedException e) {
                    // done
                }
            });
            t.setDaemon(true);
            t.start();
            HttpProbe probe = new HttpProbe(HttpProbe.newClient(Duration.ofSeconds(1)), URI.create("http://127.0.0.1:" + server.getLocalPort() + "/"));
            assertThat(probe.passes(Duration.ofSeconds(2))).isTrue();
        }
    }
}
