package io.waymark.server.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The audit log's line format, byte for byte: operators grep and jq it, so how a line is produced may
 * change (it is on the enactors' path, once per applied endpoint) but never what it says.
 */
class AuditLogTest {
    @TempDir Path dir;

    @Test
    void linesKeepTheirFormatFieldOrderAndEscaping() throws Exception {
        Clock clock = Clock.fixed(Instant.parse("2026-12-01T16:00:00.123Z"), ZoneOffset.UTC);
        try (AuditLog audit = AuditLog.open(dir, clock)) {
            assertThat(audit.recordApplied(List.of(
                    new AuditLog.Entry("enactor-1", "apply", "e1.bench.test. 7 -> 8",
                            Map.of("endpoint", "e1.bench.test.", "from", "7", "to", "8", "before", "10.0.0.1 w1 ttl 30", "after", "10.0.0.2 w1 ttl 30")),
                    new AuditLog.Entry(" ", "note", null, Map.of("text", "quote \" backslash \\ tab \t é ☃ \u0001"))))).isTrue();
            // A field named like a header key replaces its value in place, as it always did.
            assertThat(audit.record("operator", "pause", "stop", Map.of("detail", "overridden", "reason", "x".repeat(AuditLog.DETAIL_CHARS_MAX + 5)))).isTrue();
            assertThat(audit.recordApplied(List.of())).isTrue();
        }
        assertThat(Files.readString(dir.resolve(AuditLog.FILE))).isEqualTo(
                "{\"at\":\"2026-12-01T16:00:00.123Z\",\"who\":\"enactor-1\",\"action\":\"apply\",\"detail\":\"e1.bench.test. 7 -> 8\","
                        + "\"after\":\"10.0.0.2 w1 ttl 30\",\"before\":\"10.0.0.1 w1 ttl 30\",\"endpoint\":\"e1.bench.test.\",\"from\":\"7\",\"to\":\"8\"}\n"
                        + "{\"at\":\"2026-12-01T16:00:00.123Z\",\"who\":\"unknown\",\"action\":\"note\",\"detail\":\"\","
                        + "\"text\":\"quote \\\" backslash \\\\ tab \\t é ☃ \\u0001\"}\n"
                        + "{\"at\":\"2026-12-01T16:00:00.123Z\",\"who\":\"operator\",\"action\":\"pause\",\"detail\":\"overridden\","
                        + "\"reason\":\"" + "x".repeat(AuditLog.DETAIL_CHARS_MAX) + "...\"}\n");
    }
}
