package io.waymark.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

/** The real `serve` verb: a refused zone file in-process, and a served zone in a child JVM queried over the wire. */
class ServeCommandTest {
    private static final Pattern LISTENING = Pattern.compile("listening on 127\\.0\\.0\\.1:(\\d+) .*");

    @TempDir
    Path dir;

    private Path zoneFile() throws Exception {
        Path f = dir.resolve("example.test.zone");
        try (InputStream in = getClass().getResourceAsStream("/example.test.zone")) {
            Files.write(f, in.readAllBytes());
        }
        return f;
    }

    private record Run(int exitCode, String out, String err) {}

    private static Run runInProcess(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.commandLine().setOut(new PrintWriter(out)).setErr(new PrintWriter(err)).execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void a_broken_zone_file_is_refused_with_file_line_and_reason_and_nothing_is_served() throws Exception {
        Path good = zoneFile();
        Path broken = dir.resolve("broken.zone");
        Files.writeString(broken, "$ORIGIN broken.test.\n$TTL 60\n@ SOA ns hostmaster 1 2 3 4 5\n@ NS ns\nwww A 192.0.2.300\n");
        Run run = runInProcess("serve", "--zone", good.toString(), "--zone", broken.toString(), "--dns-port", "0");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains(broken + ":5: ");
        assertThat(run.out()).doesNotContain("listening");
    }

    @Test
    void serving_nothing_or_a_bad_option_is_refused() {
        assertThat(runInProcess("serve", "--dns-port", "0").exitCode()).isEqualTo(2);
        assertThat(runInProcess("serve", "--zone", "x.zone").exitCode()).isEqualTo(2); // --dns-port is required
        assertThat(runInProcess("--help").out()).contains("serve");
    }

    @Test
    void serve_answers_real_queries_and_stops_cleanly_on_sigterm() throws Exception {
        String java = ProcessHandle.current().info().command().orElseThrow();
        List<String> command = new ArrayList<>(List.of(java, "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                Main.class.getName(), "serve", "--zone", zoneFile().toString(), "--listen", "127.0.0.1", "--dns-port", "0"));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        List<String> output = new ArrayList<>();
        try {
            BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
            int port = -1;
            for (int i = 0; i < 200 && port < 0; i++) { // bounded: the banner is a few lines
                String line = lines.readLine();
                if (line == null) break;
                output.add(line);
                Matcher m = LISTENING.matcher(line);
                if (m.matches()) port = Integer.parseInt(m.group(1));
            }
            assertThat(port).as("port announced in %s", output).isPositive();
            assertThat(output).anySatisfy(l -> assertThat(l).startsWith("zone example.test.: 56 records"));

            SimpleResolver resolver = new SimpleResolver(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            resolver.setTimeout(Duration.ofSeconds(5));
            Message reply = resolver.send(Message.newQuery(org.xbill.DNS.Record.newRecord(Name.fromString("www.example.test."), Type.A, DClass.IN)));
            assertThat(reply.getRcode()).isEqualTo(Rcode.NOERROR);
            assertThat(reply.getHeader().getFlag(Flags.AA)).isTrue();
            assertThat(reply.getSection(Section.ANSWER)).hasSize(2);

            Process dig = new ProcessBuilder("dig", "@127.0.0.1", "-p", String.valueOf(port), "+time=2", "+tries=1", "+short", "alias2.example.test.", "A")
                    .redirectErrorStream(true).start();
            assertThat(dig.waitFor(10, TimeUnit.SECONDS)).isTrue();
            String digOut = new String(dig.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(digOut).contains("alias.example.test.", "www.example.test.", "192.0.2.1", "192.0.2.2");

            process.toHandle().destroy(); // SIGTERM, keeping our end of its output open
            assertThat(process.waitFor(20, TimeUnit.SECONDS)).as("exits after SIGTERM").isTrue();
            for (String line = lines.readLine(); line != null && output.size() < 400; line = lines.readLine()) output.add(line);
            assertThat(output).contains("stopping");
        } finally {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }
}
