package io.waymark.server.http;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.javalin.http.sse.SseClient;
import io.waymark.core.model.Endpoint;
import io.waymark.core.model.Plan;
import io.waymark.core.port.StoreUnavailableException;
import io.waymark.server.status.EndpointState;
import io.waymark.server.status.Incident;
import io.waymark.server.status.Incidents;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Samples the daemon's status at its own pace ({@link #SAMPLE_MS}) on one thread, and from each
 * sample: pushes it to the console's server-sent-event clients (when it changed, and at least every
 * {@link #HEARTBEAT_MS}), appends what changed to the {@link Timeline}, lets {@link Incidents} open and
 * close incidents, and updates the per-endpoint gauges. Nothing here is called by the roles: a slow
 * console cannot slow an enactor.
 *
 * <p>A sample every 200 ms keeps a failing target visible in the console within the health check's
 * own detection time plus 0.2 s. Bounds: {@link #CLIENTS_MAX} event clients (more are refused), the
 * timeline's ring, the status' endpoint cap. A client's socket write blocks this thread at most until
 * Jetty's idle timeout closes a stuck client.
 */
final class ConsoleWatch implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ConsoleWatch.class);
    static final long SAMPLE_MS = 200;
    static final long HEARTBEAT_MS = 2_000;
    static final int CLIENTS_MAX = 64;
    /** Events sent to a client that (re)connects: enough for the chart's window. */
    static final int TIMELINE_REPLAY_MAX = 2_000;

    private final Operations ops;
    private final StatusJson status;
    private final Incidents incidents;
    private final double degradedBelowFraction;
    private final Clock clock;
    private final Timeline timeline = new Timeline();
    private final CopyOnWriteArrayList<SseClient> clients = new CopyOnWriteArrayList<>();
    private final Map<String, Double> served = new ConcurrentHashMap<>();
    private final Map<String, Double> enactorLag = new ConcurrentHashMap<>();
    private volatile double planAgeSeconds = Double.NaN;
    private volatile ObjectNode current;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final Thread thread;
    private String lastSent = "";
    private long lastSentMs;
    private boolean failing;

    ConsoleWatch(Operations ops, StatusJson status, Incidents incidents, Clock clock) {
        this.ops = ops;
        this.status = status;
        this.incidents = incidents;
        this.degradedBelowFraction = ops.config().http().degradedBelowFraction();
        this.clock = clock;
        registerGauges(ops.meterRegistry());
        this.current = sampleOnce();
        this.thread = Thread.ofPlatform().daemon().name("console-watch").unstarted(this::run);
    }

    ConsoleWatch start() {
        thread.start();
        return this;
    }

    private void registerGauges(MeterRegistry m) {
        List<Endpoint> eps = ops.endpoints();
        for (Endpoint e : eps.subList(0, Math.min(eps.size(), StatusJson.ENDPOINTS_SHOWN_MAX))) {
            Gauge.builder("waymark_served_generation", served, x -> x.getOrDefault(e.name(), Double.NaN)).tag("endpoint", e.name())
                    .description("Generation an endpoint serves (first " + StatusJson.ENDPOINTS_SHOWN_MAX + " endpoints; NaN while unreadable)").register(m);
        }
        for (Operations.EnactorStatus en : ops.enactors()) {
            Gauge.builder("waymark_enactor_lag_generations", enactorLag, x -> x.getOrDefault(en.id(), Double.NaN)).tag("enactor", en.id())
                    .description("Latest generation minus the generation the enactor's last tick worked on").register(m);
        }
        Gauge.builder("waymark_plan_age_seconds", this, w -> w.planAgeSeconds)
                .description("Seconds since the latest plan was published (NaN when unknown)").register(m);
    }

    private void run() {
        // Bounded by the stop flag; each pass is one sample and one sleep.
        while (running.get()) {
            try {
                Thread.sleep(SAMPLE_MS);
            } catch (InterruptedException e) {
                return;
            }
            ObjectNode before = current;
            ObjectNode now = sampleOnce();
            if (now == null) continue;
            current = now;
            List<ObjectNode> added = timeline.observe(before, now, clock.millis(), clock.instant().toString());
            broadcast(now, added);
        }
    }

    /** One sample; null (logged once per episode) when the status cannot be read at all. */
    private ObjectNode sampleOnce() {
        try {
            ObjectNode s = status.build();
            incidents.observe(EndpointState.signals(s, degradedBelowFraction), clock.millis());
            ArrayNode open = s.putArray("incidents");
            for (Incident i : incidents.all()) if (i.open()) open.addObject().put("id", i.id()).put("title", i.title()).put("startedAt", i.startedAt());
            s.put("sampledAt", clock.instant().toString());
            gauges(s);
            if (failing) LOG.info("console watch: status readable again");
            failing = false;
            return s;
        } catch (RuntimeException e) {
            if (!failing) LOG.warn("console watch: cannot read the status ({}); retrying every {} ms", e.toString(), SAMPLE_MS);
            failing = true;
            return null;
        }
    }

    private void gauges(ObjectNode s) {
        for (var e : s.path("endpoints")) served.put(e.path("name").asText(), e.has("generation") ? e.path("generation").asDouble() : Double.NaN);
        for (var e : s.path("enactors")) enactorLag.put(e.path("id").asText(), e.path("lagGenerations").asDouble());
        try {
            Optional<Plan> latest = ops.planStore().latest();
            planAgeSeconds = latest.filter(p -> p.provenance().timeKnown())
                    .map(p -> Math.max(0, clock.millis() - p.provenance().publishedAtMillis()) / 1000.0).orElse(Double.NaN);
        } catch (StoreUnavailableException e) {
            planAgeSeconds = Double.NaN;
        }
    }

    private void broadcast(ObjectNode state, List<ObjectNode> added) {
        if (clients.isEmpty()) return;
        // sampledAt changes every time: compare without it.
        ObjectNode comparable = state.deepCopy();
        comparable.remove("sampledAt");
        String key = comparable.toString();
        long now = clock.millis();
        boolean changed = !key.equals(lastSent);
        if (!added.isEmpty()) {
            ArrayNode a = ApiJson.MAPPER.createArrayNode();
            added.forEach(a::add);
            send("timeline", a.toString());
        }
        if (changed || now - lastSentMs >= HEARTBEAT_MS) {
            send("state", state.toString());
            lastSent = key;
            lastSentMs = now;
        }
    }

    private void send(String event, String data) {
        for (SseClient c : clients) {
            if (c.terminated()) {
                clients.remove(c);
                continue;
            }
            c.sendEvent(event, data);
        }
    }

    /** A console connected to {@code GET /api/events}: it gets the state and the timeline at once, then changes. */
    void add(SseClient client) {
        if (clients.size() >= CLIENTS_MAX) {
            client.sendEvent("refused", ApiJson.error("at most " + CLIENTS_MAX + " consoles at once").toString());
            client.close();
            return;
        }
        client.keepAlive();
        client.onClose(() -> clients.remove(client));
        client.sendEvent("timeline", timeline.since(0, TIMELINE_REPLAY_MAX).toString());
        ObjectNode s = current;
        if (s != null) client.sendEvent("state", s.toString());
        clients.add(client);
    }

    ObjectNode current() {
        ObjectNode s = current;
        return s != null ? s : status.build();
    }

    ArrayNode timeline(long afterSeq, int max) {
        return timeline.since(afterSeq, max);
    }

    int clients() {
        return clients.size();
    }

    @Override
    public void close() {
        running.set(false);
        thread.interrupt(); // only sleeps and socket writes here, no store I/O: interrupting is safe
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (SseClient c : clients) c.close();
        clients.clear();
    }
}
