package io.waymark.server.daemon;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who did what, when: one JSON object per line in {@value #FILE} in the data directory, for every
 * operator lever (pause, resume, pin, unpin, rollback, forced publish) and every endpoint retired
 * because it left the configuration. Each line is written and fsynced before the call returns.
 *
 * <p>An audit write that fails (disk full) is logged and does NOT fail the action: the kill switch
 * must work when the disk is full, which is exactly when it may be needed.
 */
public final class AuditLog implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AuditLog.class);
    public static final String FILE = "audit.log";
    /** Longer details are cut: a line is a record of an act, not a place for payloads. */
    static final int DETAIL_CHARS_MAX = 2_000;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path file;
    private final FileChannel channel;
    private final Clock clock;

    private AuditLog(Path file, FileChannel channel, Clock clock) {
        this.file = file;
        this.channel = channel;
        this.clock = clock;
    }

    public static AuditLog open(Path dataDir, Clock clock) throws IOException {
        Path file = dataDir.resolve(FILE);
        return new AuditLog(file, FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND), clock);
    }

    /**
     * Appends one line: {@code {"at": ISO-8601, "who": who, "action": action, "detail": detail, ...fields}}.
     * Returns false (and logs why) when the line could not be made durable.
     */
    public synchronized boolean record(String who, String action, String detail, Map<String, String> fields) {
        ObjectNode line = JSON.createObjectNode();
        line.put("at", clock.instant().toString());
        line.put("who", who == null || who.isBlank() ? "unknown" : cut(who));
        line.put("action", action);
        line.put("detail", cut(detail == null ? "" : detail));
        fields.forEach((k, v) -> line.put(k, cut(v)));
        byte[] bytes = (line + "\n").getBytes(StandardCharsets.UTF_8);
        try {
            ByteBuffer buf = ByteBuffer.wrap(bytes);
            // Bounded: each write makes progress or throws.
            while (buf.hasRemaining()) channel.write(buf);
            channel.force(false);
            return true;
        } catch (IOException e) {
            LOG.error("audit log {}: could not record {} by {} ({}): {}", file, action, who, detail, e.toString());
            return false;
        }
    }

    public boolean record(String who, String action, String detail) {
        return record(who, action, detail, Map.of());
    }

    private static String cut(String s) {
        return s.length() <= DETAIL_CHARS_MAX ? s : s.substring(0, DETAIL_CHARS_MAX) + "...";
    }

    @Override
    public synchronized void close() throws IOException {
        channel.close();
    }
}
