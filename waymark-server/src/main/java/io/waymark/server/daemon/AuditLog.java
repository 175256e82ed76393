package io.waymark.server.daemon;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who did what, when: one JSON object per line in {@value #FILE} in the data directory, for every
 * operator lever (pause, resume, pin, unpin, rollback, forced publish, incident notes), every change
 * an enactor applied (endpoint, generation before and after, records before and after) and every
 * endpoint retired because it left the configuration. Each line is written and fsynced before the call returns.
 *
 * <p>An audit write that fails (disk full) is logged and does NOT fail the action: the kill switch
 * must work when the disk is full, which is exactly when it may be needed.
 *
 * <p>Two kinds of durability. An operator's act ({@link #recordAll}) is fsynced before the call
 * returns. The enactors' applied changes ({@link #recordApplied}) are written at once but fsynced at
 * most every {@link #APPLIED_FORCE_INTERVAL_NANOS}: they sit on the path from a plan to DNS, whose
 * latency budget is one record-store fsync, and the record store itself holds the truth durably. A
 * killed process loses none of them (they are in the page cache); a power loss can lose the last
 * second of them, never an operator's act.
 */
public final class AuditLog implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AuditLog.class);
    public static final String FILE = "audit.log";
    /** Longer details are cut: a line is a record of an act, not a place for payloads. */
    static final int DETAIL_CHARS_MAX = 2_000;
    private static final ObjectMapper JSON = new ObjectMapper();

    static final long APPLIED_FORCE_INTERVAL_NANOS = 1_000_000_000L;
    private final Path file;
    private final FileChannel channel;
    private final Clock clock;
    private long lastForceNanos = System.nanoTime();
    private boolean unforced;

    private AuditLog(Path file, FileChannel channel, Clock clock) {
        this.file = file;
        this.channel = channel;
        this.clock = clock;
    }

    public static AuditLog open(Path dataDir, Clock clock) throws IOException {
        Path file = dataDir.resolve(FILE);
        return new AuditLog(file, FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND), clock);
    }

    /** One line of the audit log before it is written. */
    public record Entry(String who, String action, String detail, Map<String, String> fields) {
        public Entry {
            fields = Map.copyOf(fields);
        }
    }

    /**
     * Appends one line: {@code {"at": ISO-8601, "who": who, "action": action, "detail": detail, ...fields}}.
     * Returns false (and logs why) when the line could not be made durable.
     */
    public boolean record(String who, String action, String detail, Map<String, String> fields) {
        return recordAll(java.util.List.of(new Entry(who, action, detail, fields)));
    }

    /**
     * Appends lines in one write and one fsync: the enactors record a batch of applied changes per
     * group commit, so auditing them costs one fsync per batch, not one per endpoint.
     */
    public synchronized boolean recordAll(java.util.List<Entry> entries) {
        return write(entries, true);
    }

    /**
     * Applied changes: written now; fsynced when a second has passed since the last fsync, by the next
     * operator act, or at close (see the class comment).
     */
    public synchronized boolean recordApplied(java.util.List<Entry> entries) {
        return write(entries, System.nanoTime() - lastForceNanos >= APPLIED_FORCE_INTERVAL_NANOS);
    }

    private boolean write(java.util.List<Entry> entries, boolean force) {
        if (entries.isEmpty()) return true;
        String at = clock.instant().toString();
        java.io.ByteArrayOutputStream text = new java.io.ByteArrayOutputStream(entries.size() * 256);
        // Streamed, not built as a tree per line: the enactors write one line per applied endpoint,
        // and a plan restamps every endpoint (a tree, a sorted copy of the fields and its rendering
        // were most of the audit's cost). Straight to UTF-8 bytes (no String of the batch to encode
        // again). The bytes are the same as the tree's (AuditLogTest).
        try (JsonGenerator line = JSON.getFactory().createGenerator(text, JsonEncoding.UTF8)) {
            line.setRootValueSeparator(null);
            for (Entry e : entries) {
                writeLine(line, at, e);
                line.flush();
                text.write('\n');
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot render an audit line", e); // an in-memory stream does not fail
        }
        try {
            ByteBuffer buf = ByteBuffer.wrap(text.toByteArray());
            // Bounded: each write makes progress or throws.
            while (buf.hasRemaining()) channel.write(buf);
            unforced = true;
            if (force) {
                channel.force(false);
                unforced = false;
                lastForceNanos = System.nanoTime();
            }
            return true;
        } catch (IOException e) {
            Entry first = entries.get(0);
            LOG.error("audit log {}: could not record {} line(s), first {} by {} ({}): {}", file, entries.size(), first.action(), first.who(),
                    first.detail(), e.toString());
            return false;
        }
    }

    private static final java.util.Set<String> HEADER_KEYS = java.util.Set.of("at", "who", "action", "detail");

    /**
     * {@code {"at", "who", "action", "detail", then the other fields sorted by name}}; a field named
     * like a header key gives that key its value in place (as putting it into the line's object did).
     */
    private static void writeLine(JsonGenerator line, String at, Entry e) throws IOException {
        Map<String, String> fields = e.fields();
        line.writeStartObject();
        line.writeStringField("at", fields.containsKey("at") ? cut(fields.get("at")) : at);
        line.writeStringField("who", fields.containsKey("who") ? cut(fields.get("who")) : e.who() == null || e.who().isBlank() ? "unknown" : cut(e.who()));
        line.writeStringField("action", fields.containsKey("action") ? cut(fields.get("action")) : e.action());
        line.writeStringField("detail", cut(fields.containsKey("detail") ? fields.get("detail") : e.detail() == null ? "" : e.detail()));
        String[] keys = fields.keySet().toArray(new String[0]);
        java.util.Arrays.sort(keys);
        for (String k : keys) if (!HEADER_KEYS.contains(k)) line.writeStringField(k, cut(fields.get(k)));
        line.writeEndObject();
    }

    public boolean record(String who, String action, String detail) {
        return record(who, action, detail, Map.of());
    }

    private static String cut(String s) {
        return s.length() <= DETAIL_CHARS_MAX ? s : s.substring(0, DETAIL_CHARS_MAX) + "...";
    }

    @Override
    public synchronized void close() throws IOException {
        if (unforced && channel.isOpen()) channel.force(false);
        channel.close();
    }
}
