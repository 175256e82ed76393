package io.waymark.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.waymark.server.daemon.AuditLog;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code waymark audit}: reads {@code DATA_DIR/audit.log} directly (no daemon needed, so it works
 * when the daemon is down — when it is most needed) and prints who did what, oldest first.
 */
@Command(name = "audit", mixinStandardHelpOptions = true,
        description = "Who did what and when: operator levers, applied changes (before -> after), retired endpoints, incident notes.")
public final class AuditCommand implements Callable<Integer> {
    @Option(names = "--data-dir", paramLabel = "DIR", defaultValue = "data", description = "The daemon's data directory (default: ${DEFAULT-VALUE}).")
    Path dataDir;

    @Option(names = "--since", paramLabel = "WHEN", description = "Only lines at or after WHEN: an ISO-8601 instant (2026-01-31T10:00:00Z) or an age (90s, 15m, 2h, 7d).")
    String since;

    @Option(names = "--endpoint", paramLabel = "NAME", description = "Only lines about this endpoint (final dot optional).")
    String endpoint;

    @Option(names = "--action", paramLabel = "ACTION", description = "Only this action (pause, resume, pin, unpin, rollback, publish-forced, apply, retire, incident-note).")
    String action;

    @Option(names = "--json", description = "Print the lines as they are (JSON).")
    boolean json;

    @Spec
    CommandSpec spec;

    /** Lines read at most: the log is append-only and may be long; the newest are what is asked for. */
    static final long LINES_MAX = 10_000_000;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Instant from;
        try {
            from = since == null ? Instant.EPOCH : parseSince(since, Instant.now());
        } catch (IllegalArgumentException e) {
            err.println("waymark audit: " + e.getMessage());
            err.flush();
            return 2;
        }
        String wanted = endpoint == null ? null : endpoint.toLowerCase(Locale.ROOT).endsWith(".") ? endpoint.toLowerCase(Locale.ROOT) : endpoint.toLowerCase(Locale.ROOT) + ".";
        Path file = dataDir.resolve(AuditLog.FILE);
        if (!Files.exists(file)) {
            err.println("waymark audit: no audit log at " + file.toAbsolutePath().normalize() + " (give --data-dir DIR of the daemon)");
            err.flush();
            return 1;
        }
        ObjectMapper mapper = new ObjectMapper();
        int shown = 0;
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            long n = 0;
            for (String line; (line = in.readLine()) != null && n < LINES_MAX; n++) {
                if (line.isBlank()) continue;
                JsonNode l;
                try {
                    l = mapper.readTree(line);
                } catch (IOException e) {
                    err.println("waymark audit: " + file + ":" + (n + 1) + ": not a JSON line, skipped");
                    continue;
                }
                if (!matches(l, from, wanted)) continue;
                out.println(json ? line : text(l));
                shown++;
            }
        } catch (IOException e) {
            err.println("waymark audit: cannot read " + file + ": " + e.getMessage());
            err.flush();
            return 1;
        }
        if (shown == 0 && !json) out.println("no audit lines match");
        out.flush();
        err.flush();
        return 0;
    }

    private boolean matches(JsonNode l, Instant from, String wanted) {
        try {
            if (Instant.parse(l.path("at").asText()).isBefore(from)) return false;
        } catch (DateTimeParseException e) {
            return false;
        }
        if (action != null && !l.path("action").asText().equals(action)) return false;
        return wanted == null || l.path("endpoint").asText().equalsIgnoreCase(wanted);
    }

    private static String text(JsonNode l) {
        StringBuilder b = new StringBuilder();
        b.append(l.path("at").asText()).append("  ").append(String.format("%-14s", l.path("action").asText())).append(' ').append(l.path("who").asText()).append(": ")
                .append(l.path("detail").asText());
        if (l.has("before") || l.has("after")) b.append("\n    before: ").append(l.path("before").asText()).append("\n    after:  ").append(l.path("after").asText());
        if (l.has("reason")) b.append("  reason: ").append(l.path("reason").asText());
        return b.toString();
    }

    /** An ISO-8601 instant, or an age before {@code now}: a number with s, m, h or d. */
    static Instant parseSince(String text, Instant now) {
        String t = text.strip();
        if (t.matches("\\d{1,9}[smhd]")) {
            long v = Long.parseLong(t.substring(0, t.length() - 1));
            Duration d = switch (t.charAt(t.length() - 1)) {
                case 's' -> Duration.ofSeconds(v);
                case 'm' -> Duration.ofMinutes(v);
                case 'h' -> Duration.ofHours(v);
                default -> Duration.ofDays(v);
            };
            return now.minus(d);
        }
        try {
            return Instant.parse(t);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("--since takes an ISO-8601 instant (2026-01-31T10:00:00Z) or an age (90s, 15m, 2h, 7d), got '" + text + "'");
        }
    }
}
