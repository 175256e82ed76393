package io.waymark.server.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

/** `serve --config`: a refused configuration in-process; a real daemon in a child JVM following TCP health checks. */
class ServeConfigTest {
    private static final Pattern SERVING = Pattern.compile("waymark: serving .* on DNS 127\\.0\\.0\\.1:(\\d+),.*");

    @TempDir
    Path dir;

    private static String config(int portA, int portB) {
        return """
                dataDir: data
                dns: { port: 0 }
                http: { port: 0 }
                zones: [ { origin: example.test. } ]
                targets:
                  - { id: lb-a, address: 127.0.0.21, zone: az1, capacity: 100, check: { type: tcp, port: %d, intervalMs: 200, timeoutMs: 200, rise: 1, fall: 1 } }
                  - { id: lb-b, address: 127.0.0.22, zone: az2, capacity: 100, check: { type: tcp, port: %d, intervalMs: 200, timeoutMs: 200, rise: 1, fall: 1 } }
                endpoints:
                  - { name: api.example.test., ttl: 5, targets: [lb-a, lb-b] }
                safety: { minHealthyFraction: 0.0, velocityMaxRemovedFraction: 1.0 }
                planner: { tickMs: 100 }
                enactors: { count: 3, tickMs: 50 }
                """.formatted(portA, portB);
    }

    @Test
    void a_broken_configuration_is_refused_naming_key_value_and_expectation() throws Exception {
        Path file = dir.resolve("waymark.yaml");
        Files.writeString(file, config(1, 2).replace("capacity: 100, check: { type: tcp, port: 1", "capacity: zero, check: { type: tcp, port: 1"));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.commandLine().setOut(new PrintWriter(out)).setErr(new PrintWriter(err)).execute("serve", "--config", file.toString());
        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).contains("targets[0].capacity", "'zero'", "an integer in 1..");
        assertThat(Files.exists(dir.resolve("data"))).as("nothing started, nothing written").isFalse();
    }

    @Test
    void serve_config_runs_every_role_and_the_answer_follows_health() throws Exception {
        try (ServerSocket a = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.21"));
             ServerSocket b = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.22"))) {
            Path file = dir.resolve("waymark.yaml");
            Files.writeString(file, config(a.getLocalPort(), b.getLocalPort()));
            String java = ProcessHandle.current().info().command().orElseThrow();
            Process process = new ProcessBuilder(java, "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                    Main.class.getName(), "serve", "--config", file.toString()).redirectErrorStream(true).start();
            List<String> output = new ArrayList<>();
            try {
                BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
                int port = -1;
                for (int i = 0; i < 400 && port < 0; i++) { // bounded: start-up logs a few dozen lines
                    String line = lines.readLine();
                    if (line == null) break;
                    output.add(line);
                    Matcher m = SERVING.matcher(line);
                    if (m.matches()) port = Integer.parseInt(m.group(1));
                }
                assertThat(port).as("port announced in %s", output).isPositive();
                Thread drain = new Thread(() -> lines.lines().forEach(l -> { }));
                drain.setDaemon(true);
                drain.start();

                SimpleResolver resolver = new SimpleResolver(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
                resolver.setTimeout(Duration.ofSeconds(2));
                await().atMost(Duration.ofSeconds(20)).until(() -> answer(resolver).equals(Set.of("127.0.0.21", "127.0.0.22")));
                b.close(); // lb-b's TCP check now fails
                await().atMost(Duration.ofSeconds(20)).until(() -> answer(resolver).equals(Set.of("127.0.0.21")));
            } finally {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
            assertThat(Files.exists(dir.resolve("data/plans.log"))).isTrue();
        }
    }

    private static Set<String> answer(SimpleResolver resolver) throws Exception {
        Message reply = resolver.send(Message.newQuery(org.xbill.DNS.Record.newRecord(Name.fromString("api.example.test."), Type.A, DClass.IN)));
        Set<String> out = new TreeSet<>();
        for (org.xbill.DNS.Record r : reply.getSection(Section.ANSWER)) {
            if (r instanceof ARecord ar) out.add(ar.getAddress().getHostAddress());
        }
        return out;
    }
}
