package io.waymark.server.status;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The incidents of the status page. Automatic ones open when a {@link Signal} has lasted
 * {@link #OPEN_AFTER_MS} and close when it has been gone {@link #CLOSE_AFTER_MS} (a blip is no
 * incident, and a flapping cause is one incident, not twenty). Operators add notes; a note when none
 * is open opens an operator incident, which an operator closes.
 *
 * <p>Every change is one JSON line in {@value #FILE} in the data directory, fsynced, and replayed on
 * start, so a restart keeps the history customers have seen. A line that cannot be read is skipped with
 * a warning: this is a notice board, not a store of record. At most {@link #KEPT_MAX} incidents are kept.
 */
public final class Incidents implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Incidents.class);
    public static final String FILE = "incidents.log";
    static final long OPEN_AFTER_MS = 2_000;
    static final long CLOSE_AFTER_MS = 3_000;
    static final int KEPT_MAX = 200;
    static final int UPDATES_PER_INCIDENT_MAX = 200;
    public static final int NOTE_CHARS_MAX = 2_000;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path file;
    private final FileChannel channel;
    private final Clock clock;
    /** By id, oldest first. */
    private final LinkedHashMap<Long, Incident> incidents = new LinkedHashMap<>();
    private final Map<String, Long> firstSeenMs = new HashMap<>();
    private final Map<String, Long> lastSeenMs = new HashMap<>();
    private long nextId = 1;
    private boolean closed;

    private Incidents(Path file, FileChannel channel, Clock clock) {
        this.file = file;
        this.channel = channel;
        this.clock = clock;
    }

    public static Incidents open(Path dataDir, Clock clock) throws IOException {
        Path file = dataDir.resolve(FILE);
        Incidents i = new Incidents(file, FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND), clock);
        i.replay(Files.readAllLines(file, StandardCharsets.UTF_8));
        return i;
    }

    private void replay(List<String> lines) {
        int n = 0;
        for (String line : lines) {
            n++;
            if (line.isBlank()) continue;
            try {
                apply(JSON.readTree(line));
            } catch (IOException | RuntimeException e) {
                LOG.warn("{}:{}: skipped an unreadable line ({})", file, n, e.getMessage());
            }
        }
    }

    private void apply(JsonNode op) {
        long id = op.path("id").asLong();
        Incident.Update u = new Incident.Update(op.path("at").asText(), op.path("by").asText("Waymark"), op.path("text").asText());
        switch (op.path("op").asText()) {
            case "open" -> {
                incidents.put(id, new Incident(id, op.path("key").asText(), op.path("title").asText(), op.path("automatic").asBoolean(), u.at(),
                        Optional.empty(), List.of(u)));
                nextId = Math.max(nextId, id + 1);
                while (incidents.size() > KEPT_MAX) incidents.remove(incidents.keySet().iterator().next());
            }
            case "update" -> incidents.computeIfPresent(id, (k, i) -> i.updates().size() >= UPDATES_PER_INCIDENT_MAX ? i : i.with(u));
            case "close" -> incidents.computeIfPresent(id, (k, i) -> i.closed(u));
            default -> throw new IllegalArgumentException("unknown op " + op.path("op"));
        }
    }

    /** One line, durable before the change is visible; a failed write is logged and the change still shows. */
    private void write(ObjectNode op) {
        apply(op);
        try {
            ByteBuffer buf = ByteBuffer.wrap((op + "\n").getBytes(StandardCharsets.UTF_8));
            while (buf.hasRemaining()) channel.write(buf);
            channel.force(false);
        } catch (IOException e) {
            LOG.error("{}: could not record incident change {}: {}", file, op, e.toString());
        }
    }

    private ObjectNode op(String kind, long id, String by, String text) {
        return JSON.createObjectNode().put("op", kind).put("id", id).put("at", clock.instant().toString()).put("by", by).put("text", text);
    }

    /**
     * The signals Waymark sees now ({@code nowMs} on the wall clock): opens, updates and closes the
     * automatic incidents. Bounded by the number of signals and open incidents.
     */
    public synchronized void observe(List<Signal> signals, long nowMs) {
        if (closed) return;
        Map<String, Signal> active = new HashMap<>();
        for (Signal s : signals) active.put(s.key(), s);
        firstSeenMs.keySet().retainAll(active.keySet());
        for (Signal s : active.values()) {
            lastSeenMs.put(s.key(), nowMs);
            long first = firstSeenMs.computeIfAbsent(s.key(), k -> nowMs);
            if (openFor(s.key()).isEmpty() && nowMs - first >= OPEN_AFTER_MS) {
                write(op("open", nextId, "Waymark", s.detail()).put("key", s.key()).put("title", s.title()).put("automatic", true));
            }
        }
        for (Incident i : List.copyOf(incidents.values())) {
            if (!i.open() || !i.automatic() || active.containsKey(i.key())) continue;
            long last = lastSeenMs.getOrDefault(i.key(), 0L);
            if (nowMs - last >= CLOSE_AFTER_MS) {
                write(op("close", i.id(), "Waymark", "Resolved: Waymark no longer sees this; service is back to normal for this cause."));
                lastSeenMs.remove(i.key());
            }
        }
    }

    private Optional<Incident> openFor(String key) {
        return incidents.values().stream().filter(i -> i.open() && i.key().equals(key)).findFirst();
    }

    /**
     * An operator's note: on incident {@code id}, or else on the newest open incident, or else it opens
     * an operator incident with the note as its title. IllegalArgumentException for a bad note or id.
     */
    public synchronized Incident note(String text, Optional<Long> id, String who) {
        String t = checkedNote(text);
        Incident target;
        if (id.isPresent()) {
            target = incidents.get(id.get());
            if (target == null) throw new IllegalArgumentException("no incident " + id.get() + " (see GET /status.json)");
        } else {
            target = incidents.values().stream().filter(Incident::open).reduce((a, b) -> b).orElse(null);
        }
        if (target == null) {
            long nid = nextId;
            write(op("open", nid, who, t).put("key", "operator").put("title", t.length() <= 120 ? t : t.substring(0, 117) + "...").put("automatic", false));
            return incidents.get(nid);
        }
        if (target.updates().size() >= UPDATES_PER_INCIDENT_MAX) throw new IllegalStateException("incident " + target.id() + " has " + UPDATES_PER_INCIDENT_MAX + " updates already");
        write(op("update", target.id(), who, t));
        return incidents.get(target.id());
    }

    /** Closes an operator incident; automatic ones close by themselves when their cause is gone (IllegalStateException). */
    public synchronized Incident close(long id, String text, String who) {
        Incident i = incidents.get(id);
        if (i == null) throw new IllegalArgumentException("no incident " + id);
        if (!i.open()) throw new IllegalStateException("incident " + id + " is closed already");
        if (i.automatic()) throw new IllegalStateException("incident " + id + " was opened by Waymark and closes by itself once '" + i.key() + "' is gone; add a note instead");
        write(op("close", id, who, text == null || text.isBlank() ? "Resolved." : checkedNote(text)));
        return incidents.get(id);
    }

    private static String checkedNote(String text) {
        if (text == null || text.isBlank()) throw new IllegalArgumentException("a note needs text");
        String t = text.strip();
        if (t.length() > NOTE_CHARS_MAX) throw new IllegalArgumentException("a note has at most " + NOTE_CHARS_MAX + " characters, got " + t.length());
        return t;
    }

    /** Newest first. */
    public synchronized List<Incident> all() {
        List<Incident> out = new ArrayList<>(incidents.values());
        java.util.Collections.reverse(out);
        return out;
    }

    Instant now() {
        return clock.instant();
    }

    @Override
    public synchronized void close() throws IOException {
        closed = true;
        channel.close();
    }
}
