package io.waymark.server.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.waymark.server.cli.Main;
import io.waymark.server.testing.ExampleZone;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 7, defects 1 and 14: configurations that used to pass the check (and then crashed the daemon
 * or served the wrong record type) are refused by {@code waymark serve --config} with the key, the
 * value and what is expected, exit code 2, no stack trace, nothing written.
 */
class ConfigRefusalTest {
    @TempDir Path dir;

    private static String config(String targets, String endpoints) {
        return """
                dataDir: data
                dns: { port: 0 }
                http: { port: 0 }
                zones: [ { origin: example.test., file: example.test.zone }, { origin: other.test. } ]
                targets:
                %s
                endpoints:
                %s
                """.formatted(targets.stripTrailing(), endpoints.stripTrailing());
    }

    private static final String TWO_TARGETS = """
              - { id: lb-a, address: 192.0.2.10, zone: az1 }
              - { id: lb-b, address: 192.0.2.11, zone: az2 }
            """;

    private String refusal(String yaml) throws Exception {
        Files.writeString(dir.resolve(ExampleZone.FILE_NAME), ExampleZone.TEXT);
        Path file = dir.resolve("waymark.yaml");
        Files.writeString(file, yaml);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        // Bounded: a configuration that is NOT refused starts a daemon that runs until stopped.
        int code = org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(java.time.Duration.ofSeconds(30), () ->
                Main.commandLine().setOut(new PrintWriter(out, true)).setErr(new PrintWriter(err, true)).execute("serve", "--config", file.toString()));
        assertThat(code).as("exit code; err: %s", err).isEqualTo(2);
        assertThat(err.toString()).doesNotContain("\tat ", "Exception");
        assertThat(dir.resolve("data")).as("nothing started, nothing written").doesNotExist();
        return err.toString();
    }

    @Test
    void an_endpoint_at_a_cname_is_refused() throws Exception {
        assertThat(refusal(config(TWO_TARGETS, "  - { name: alias.example.test., targets: [lb-a] }")))
                .contains("endpoints[0].name", "'alias.example.test.'", "CNAME");
    }

    @Test
    void an_endpoint_at_a_delegation_point_is_refused() throws Exception {
        assertThat(refusal(config(TWO_TARGETS, "  - { name: www.other.test., targets: [lb-a] }\n  - { name: sub.example.test., targets: [lb-a] }")))
                .contains("endpoints[1].name", "'sub.example.test.'", "delegation");
    }

    @Test
    void endpoint_names_differing_only_in_case_or_final_dot_are_refused() throws Exception {
        assertThat(refusal(config(TWO_TARGETS, "  - { name: api.example.test., targets: [lb-a] }\n  - { name: API.Example.Test, targets: [lb-b] }")))
                .contains("endpoints[1].name", "'api.example.test.'", "endpoints[0]", "no other endpoint");
    }

    @Test
    void two_targets_with_one_address_behind_one_endpoint_are_refused() throws Exception {
        String targets = "  - { id: lb-a, address: 192.0.2.10, zone: az1 }\n  - { id: lb-b, address: 192.0.2.10, zone: az2 }";
        assertThat(refusal(config(targets, "  - { name: api.example.test., targets: [lb-a, lb-b] }")))
                .contains("endpoints[0].targets[1]", "'lb-b'", "lb-a", "192.0.2.10");
    }

    @Test
    void an_ipv4_mapped_ipv6_address_is_refused_rather_than_served_as_a() throws Exception {
        String targets = "  - { id: lb-a, address: '::ffff:192.0.2.10', zone: az1 }";
        assertThat(refusal(config(targets, "  - { name: api.example.test., targets: [lb-a] }")))
                .contains("targets[0].address", "'::ffff:192.0.2.10'", "IPv4-mapped");
    }
}
