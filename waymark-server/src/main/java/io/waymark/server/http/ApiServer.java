package io.waymark.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import io.javalin.http.staticfiles.Location;
import io.waymark.core.model.ControlFlags;
import io.waymark.core.model.Generation;
import io.waymark.core.model.Plan;
import io.waymark.core.port.StoreUnavailableException;
import io.waymark.server.config.ConfigException;
import io.waymark.server.status.Incident;
import io.waymark.server.status.Incidents;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The daemon's HTTP surface, routed by Javalin: the JSON API under {@code /api} (documented in
 * {@code /api/openapi.yaml}), the operators' web console at {@code /} with its event stream
 * {@code /api/events}, the customers' status page at {@code /status}, and {@code /metrics}.
 *
 * <p>Access ({@link ApiAccess}): every write needs the bearer token; reads of {@code /api} need it
 * too unless {@code http.openReads}; the console's files, the status page, the OpenAPI file and the
 * metrics are open. Errors come back as {@code {"error": "..."}} with a 4xx/5xx status, never as a
 * stack trace; a refused request changes nothing.
 */
public final class ApiServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ApiServer.class);
    /** The CLI sends the operator's user and host name in this header (audit log "who"). */
    public static final String OPERATOR_HEADER = "X-Waymark-Operator";
    static final int REASON_CHARS_MAX = 1_000;
    /** Inline style attributes are the console's only inline content (bar widths); scripts come from the jar only. */
    static final String CONSOLE_CSP = "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'";
    /** Request bodies (incident notes) are small; anything larger is refused before it is read. */
    static final long REQUEST_BYTES_MAX = 64 * 1024;
    private final Operations ops;
    private final ApiToken token;
    private final Incidents incidents;
    private final ConsoleWatch watch;
    private final StatusJson status;
    private final Javalin app;
    private final String openApi;

    public ApiServer(Operations ops) throws IOException {
        this.ops = ops;
        try {
            this.token = ApiToken.loadOrCreate(ops.config().http().tokenFileIn(ops.config().dataDir()));
        } catch (IllegalArgumentException e) {
            throw new ConfigException(e.getMessage());
        }
        this.openApi = resource("/openapi.yaml");
        this.incidents = Incidents.open(ops.config().dataDir(), Clock.systemUTC());
        this.status = new StatusJson(ops);
        this.watch = new ConsoleWatch(ops, status, incidents, Clock.systemUTC());
        ApiAccess access = new ApiAccess(token, ops.config().http().openReads());
        this.app = Javalin.create(c -> {
            c.showJavalinBanner = false;
            c.http.prefer405over404 = true;
            c.http.maxRequestSize = REQUEST_BYTES_MAX;
            c.staticFiles.add(sf -> {
                sf.hostedPath = "/";
                sf.directory = "/console";
                sf.location = Location.CLASSPATH;
                // Only its own files; no frames (a lever cannot be clicked through another site's page).
                sf.headers = java.util.Map.of("Content-Security-Policy", CONSOLE_CSP, "X-Content-Type-Options", "nosniff");
            });
        });
        app.before("/api/*", access::check);
        routes();
        errors();
    }

    private void routes() {
        app.get("/api/openapi.yaml", ctx -> ctx.contentType("application/yaml").result(openApi));
        app.get("/openapi.yaml", ctx -> ctx.contentType("application/yaml").result(openApi));
        app.get("/api/status", ctx -> Requests.json(ctx, withIncidents(status.build())));
        app.get("/api/endpoints", ctx -> Requests.json(ctx, slice(status.build(), "endpoints", "endpointCount")));
        app.get("/api/endpoints/{name}", this::endpoint);
        app.get("/api/enactors", ctx -> Requests.json(ctx, slice(status.build(), "enactors", "latestGeneration")));
        app.get("/api/targets", ctx -> Requests.json(ctx, slice(status.build(), "targets", "targetCount")));
        app.get("/api/timeline", ctx -> Requests.json(ctx, ApiJson.MAPPER.createObjectNode()
                .set("events", watch.timeline(ctx.queryParam("after") == null ? 0 : Requests.number("after", ctx.queryParam("after")), Timeline.EVENTS_MAX))));
        app.sse("/api/events", watch::add);
        app.get("/api/plans", this::history);
        app.get("/api/plans/latest", ctx -> Requests.json(ctx, ApiJson.plan(ops.planStore().latest().orElseThrow(() -> new NotFound("no plan has been published yet")))));
        app.get("/api/plans/diff", this::diff);
        app.get("/api/plans/{generation}", ctx -> Requests.json(ctx, ApiJson.plan(plan(generation(ctx.pathParam("generation"))))));
        app.post("/api/pause", ctx -> flags(ctx, "pause", f -> f.withPaused(true), "paused: enactors write nothing until 'waymark resume'; DNS keeps answering the last applied records"));
        app.post("/api/resume", ctx -> flags(ctx, "resume", f -> f.withPaused(false), "resumed: enactors apply the latest plan again"));
        app.post("/api/pin", ctx -> flags(ctx, "pin", f -> f.withPinned(true), "pinned: the planner publishes nothing until 'waymark unpin'"));
        app.post("/api/unpin", ctx -> flags(ctx, "unpin", f -> f.withPinned(false), "unpinned: the planner publishes again"));
        app.post("/api/rollback/{generation}", this::rollback);
        app.post("/api/publish", this::publish);
        app.post("/api/targets/{id}/fail", ctx -> target(ctx, true));
        app.post("/api/targets/{id}/recover", ctx -> target(ctx, false));
        app.get("/metrics", ctx -> ctx.contentType("text/plain; version=0.0.4").result(ops.scrapeMetrics()));
        new StatusRoutes(ops, incidents, watch).register(app);
    }

    private void errors() {
        app.exception(NotFound.class, (e, ctx) -> ctx.status(HttpStatus.NOT_FOUND).json(ApiJson.error(e.getMessage())));
        app.exception(IllegalArgumentException.class, (e, ctx) -> ctx.status(HttpStatus.BAD_REQUEST).json(ApiJson.error(e.getMessage())));
        app.exception(IllegalStateException.class, (e, ctx) -> ctx.status(HttpStatus.CONFLICT).json(ApiJson.error(e.getMessage())));
        app.exception(ApiAccess.Refused.class, (e, ctx) -> {
            ctx.header("WWW-Authenticate", "Bearer realm=\"waymark\"");
            ctx.status(HttpStatus.UNAUTHORIZED).json(ApiJson.error(e.getMessage()));
        });
        app.exception(StoreUnavailableException.class, (e, ctx) -> ctx.status(HttpStatus.SERVICE_UNAVAILABLE).json(ApiJson.error("store unavailable: " + e.getMessage())));
        app.exception(Exception.class, (e, ctx) -> {
            LOG.warn("HTTP {} {} failed", ctx.method(), ctx.path(), e);
            ctx.status(HttpStatus.INTERNAL_SERVER_ERROR).json(ApiJson.error("internal error: " + e));
        });
        // Javalin's own refusals (no such route, wrong method, body too large) as JSON errors too.
        app.error(HttpStatus.NOT_FOUND, ctx -> {
            if (ctx.result() == null || ctx.result().isEmpty() || !ctx.result().startsWith("{")) {
                ctx.json(ApiJson.error("no such resource: " + ctx.method() + " " + ctx.path() + " (the API is described at /api/openapi.yaml)"));
            }
        });
        app.error(HttpStatus.METHOD_NOT_ALLOWED, ctx -> ctx.json(ApiJson.error(ctx.method() + " is not allowed on " + ctx.path())));
        app.error(HttpStatus.CONTENT_TOO_LARGE, ctx -> ctx.json(ApiJson.error("request body larger than " + REQUEST_BYTES_MAX + " bytes")));
    }

    public ApiServer start(String host, int port) {
        app.start(host, port);
        watch.start();
        return this;
    }

    public int port() {
        return app.port();
    }

    public ApiToken token() {
        return token;
    }

    private ObjectNode withIncidents(ObjectNode s) {
        ArrayNode open = s.putArray("incidents");
        for (Incident i : incidents.all()) if (i.open()) open.addObject().put("id", i.id()).put("title", i.title()).put("startedAt", i.startedAt());
        return s;
    }

    private static ObjectNode slice(ObjectNode s, String... fields) {
        ObjectNode o = ApiJson.MAPPER.createObjectNode();
        for (String f : fields) if (s.has(f)) o.set(f, s.get(f));
        return o;
    }

    /** One endpoint as the status shows it, with the generations it has served (from the timeline) and the plans that changed it. */
    private void endpoint(Context ctx) {
        String name = new io.waymark.core.model.Endpoint(ctx.pathParam("name")).name();
        ObjectNode s = status.build();
        ObjectNode found = null;
        for (JsonNode e : s.path("endpoints")) if (e.path("name").asText().equals(name)) found = (ObjectNode) e;
        if (found == null) throw new NotFound("no managed endpoint " + name);
        ArrayNode served = found.putArray("history");
        for (JsonNode e : watch.timeline(0, Timeline.EVENTS_MAX)) {
            if (e.path("kind").asText().equals("served") && e.path("endpoint").asText().equals(name)) {
                served.addObject().put("generation", e.path("generation").asLong()).put("at", e.path("at").asText());
            }
        }
        Requests.json(ctx, found);
    }

    private void history(Context ctx) {
        ObjectNode h = ApiJson.MAPPER.createObjectNode();
        h.put("latest", ops.planStore().latest().map(p -> p.generation().value()).orElse(0L));
        ArrayNode gens = h.putArray("generations");
        for (Generation g : ops.planStore().history()) {
            // A plan can be cleaned up between history() and read(): skip it rather than fail the listing.
            ops.planStore().read(g).ifPresent(p -> gens.addObject().put("generation", g.value()).put("hash", p.hash().hex())
                    .put("endpoints", p.recordSets().size()).put("forced", p.forced()).put("publishedAtMillis", p.provenance().publishedAtMillis())
                    .put("reason", p.provenance().reason().orElse("")));
        }
        Requests.json(ctx, h);
    }

    private void diff(Context ctx) {
        String from = ctx.queryParam("from");
        String to = ctx.queryParam("to");
        if (from == null || to == null) throw new IllegalArgumentException("diff needs ?from=GENERATION&to=GENERATION");
        Requests.json(ctx, ApiJson.diff(plan(generation(from)), plan(generation(to))));
    }

    private void rollback(Context ctx) {
        Generation g = generation(ctx.pathParam("generation"));
        Plan p = ops.rollback(g, Requests.who(ctx));
        Requests.json(ctx, ApiJson.message("rolled forward: the content of " + g + " is now published as " + p.generation()
                + " (forced); enactors apply it on their next tick").put("generation", p.generation().value()));
    }

    private void flags(Context ctx, String action, UnaryOperator<ControlFlags> change, String message) {
        ops.updateFlags(action, change, Requests.who(ctx));
        Requests.json(ctx, ApiJson.message(message));
    }

    /** {@code POST /api/publish?force=true&reason=TEXT}: the planner's current draft, published as forced (audited). */
    private void publish(Context ctx) {
        if (!"true".equals(ctx.queryParam("force"))) {
            throw new IllegalArgumentException("publish needs ?force=true: the planner publishes by itself; a forced publish skips the enactors' change guard");
        }
        String reason = ctx.queryParam("reason");
        if (reason == null || reason.isBlank()) throw new IllegalArgumentException("publish --force needs &reason=TEXT: it goes to the audit log");
        if (reason.length() > REASON_CHARS_MAX) throw new IllegalArgumentException("reason is " + reason.length() + " characters; at most " + REASON_CHARS_MAX);
        Plan p = ops.publishForced(reason, Requests.who(ctx));
        Requests.json(ctx, ApiJson.message("published the planner's current plan as " + p.generation() + " (forced: the change guard is skipped,"
                + " never the non-empty guard); reason recorded in the audit log").put("generation", p.generation().value()));
    }

    private void target(Context ctx, boolean failing) {
        String id = ctx.pathParam("id");
        ops.setTargetFailing(id, failing);
        Requests.json(ctx, ApiJson.message("target " + id + (failing ? " now fails its health check" : " passes its health check again")
                + "; the answer follows within a few check intervals"));
    }

    private Plan plan(Generation g) {
        return ops.planStore().read(g).orElseThrow(() -> new NotFound("plan " + g + " is not in the plan store (never published, or cleaned up)"));
    }

    private static Generation generation(String text) {
        try {
            long v = Long.parseLong(text.startsWith("g") ? text.substring(1) : text);
            if (v < 1) throw new NumberFormatException();
            return Generation.of(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a generation: '" + text + "' (expected a positive integer)");
        }
    }

    private static String resource(String name) throws IOException {
        try (InputStream in = ApiServer.class.getResourceAsStream(name)) {
            if (in == null) throw new IOException("resource " + name + " missing from the build");
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Override
    public void close() {
        watch.close();
        app.stop();
        try {
            incidents.close();
        } catch (IOException e) {
            LOG.warn("closing {}: {}", Incidents.FILE, e.toString());
        }
    }

    /** A plan or target that does not exist: 404 with the reason. */
    static final class NotFound extends RuntimeException {
        NotFound(String message) {
            super(message);
        }
    }
}
