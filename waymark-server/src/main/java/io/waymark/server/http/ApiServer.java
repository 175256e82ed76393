package io.waymark.server.http;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import io.waymark.core.model.ControlFlags;
import io.waymark.core.model.Endpoint;
import io.waymark.core.model.Generation;
import io.waymark.core.model.Plan;
import io.waymark.core.port.StampedRecords;
import io.waymark.core.port.StoreUnavailableException;
import java.util.function.UnaryOperator;

/**
 * The daemon's HTTP API (JSON), routed by Javalin. Every operator verb of the CLI is one call here.
 * Errors come back as {@code {"error": "..."}} with a 4xx/5xx status, never as a stack trace.
 */
public final class ApiServer implements AutoCloseable {
    /** The CLI sends the operator's user and host name in this header (audit log "who"). */
    public static final String OPERATOR_HEADER = "X-Waymark-Operator";
    static final int REASON_CHARS_MAX = 1_000;
    private final Operations ops;
    private final Javalin app;

    public ApiServer(Operations ops) {
        this.ops = ops;
        this.app = Javalin.create(c -> c.showJavalinBanner = false);
        app.get("/api/status", this::status);
        app.get("/api/plans", this::history);
        app.get("/api/plans/latest", ctx -> json(ctx, ApiJson.plan(ops.planStore().latest().orElseThrow(() -> new NotFound("no plan has been published yet")))));
        app.get("/api/plans/diff", this::diff);
        app.get("/api/plans/{generation}", ctx -> json(ctx, ApiJson.plan(plan(generation(ctx.pathParam("generation"))))));
        app.post("/api/pause", ctx -> flags(ctx, "pause", f -> f.withPaused(true), "paused: enactors write nothing until 'waymark resume'"));
        app.post("/api/resume", ctx -> flags(ctx, "resume", f -> f.withPaused(false), "resumed: enactors apply the latest plan again"));
        app.post("/api/pin", ctx -> flags(ctx, "pin", f -> f.withPinned(true), "pinned: the planner publishes nothing until 'waymark unpin'"));
        app.post("/api/unpin", ctx -> flags(ctx, "unpin", f -> f.withPinned(false), "unpinned: the planner publishes again"));
        app.post("/api/rollback/{generation}", this::rollback);
        app.post("/api/publish", this::publish);
        app.post("/api/targets/{id}/fail", ctx -> target(ctx, true));
        app.post("/api/targets/{id}/recover", ctx -> target(ctx, false));
        app.get("/metrics", ctx -> ctx.contentType("text/plain; version=0.0.4").result(ops.scrapeMetrics()));
        app.exception(NotFound.class, (e, ctx) -> ctx.status(HttpStatus.NOT_FOUND).json(ApiJson.error(e.getMessage())));
        app.exception(IllegalArgumentException.class, (e, ctx) -> ctx.status(HttpStatus.BAD_REQUEST).json(ApiJson.error(e.getMessage())));
        app.exception(IllegalStateException.class, (e, ctx) -> ctx.status(HttpStatus.CONFLICT).json(ApiJson.error(e.getMessage())));
        app.exception(StoreUnavailableException.class, (e, ctx) -> ctx.status(HttpStatus.SERVICE_UNAVAILABLE).json(ApiJson.error("store unavailable: " + e.getMessage())));
    }

    public ApiServer start(String host, int port) {
        app.start(host, port);
        return this;
    }

    public int port() {
        return app.port();
    }

    /**
     * Everything at a glance. Each part is read on its own, so that a failed or damaged store shows as
     * what it is (under "stores", with what to do) while the rest of the status still answers.
     */
    private void status(Context ctx) {
        ObjectNode s = ApiJson.MAPPER.createObjectNode();
        try {
            ControlFlags flags = ops.planStore().flags();
            s.put("latestGeneration", ops.planStore().latest().map(p -> p.generation().value()).orElse(0L));
            s.put("paused", flags.paused()).put("pinned", flags.pinned());
        } catch (StoreUnavailableException e) {
            s.put("planStoreError", String.valueOf(e.getMessage()));
        }
        ops.guardRefusal().ifPresent(r -> {
            ObjectNode g = s.putObject("guardRefusal").put("detail", r.detail()).put("since", r.since()).put("whatToDo", r.whatToDo());
            r.enactors().forEach(g.putArray("enactors")::add);
        });
        ArrayNode stores = s.putArray("stores");
        ops.stores().forEach(st -> stores.addObject().put("store", st.store()).put("state", st.state()).put("reason", st.reason())
                .put("whatToDo", st.whatToDo()).put("since", st.since()).put("failedAttempts", st.failedAttempts()));
        ArrayNode endpoints = s.putArray("endpoints");
        for (Endpoint e : ops.endpoints()) {
            ObjectNode o = endpoints.addObject().put("name", e.name());
            try {
                StampedRecords r = ops.recordStore().read(e);
                o.put("generation", r.stamp().generation().value()).put("planHash", r.stamp().planHash().hex());
                o.set("records", r.records().map(ApiJson::records).orElse(ApiJson.MAPPER.createArrayNode()));
            } catch (StoreUnavailableException x) {
                o.put("error", "record store unavailable: " + x.getMessage());
            }
        }
        ObjectNode unservable = s.putObject("unservable");
        ops.unservable().forEach((e, why) -> unservable.put(e.name(), why));
        ArrayNode enactors = s.putArray("enactors");
        ops.enactors().forEach(e -> enactors.addObject().put("id", e.id()).put("lastTickAt", e.lastTickAt()).put("lastResult", e.lastResult())
                .put("condition", e.condition().kind()).put("conditionDetail", e.condition().condition()).put("since", e.condition().since()));
        s.putObject("planner").put("lastResult", ops.plannerLastResult()).put("condition", ops.planner().kind())
                .put("conditionDetail", ops.planner().condition()).put("since", ops.planner().since());
        ObjectNode roles = s.putObject("roles");
        ops.otherRoles().forEach((name, v) -> roles.putObject(name).put("condition", v.kind()).put("conditionDetail", v.condition()).put("since", v.since()));
        ArrayNode targets = s.putArray("targets");
        ops.targets().forEach(t -> targets.addObject().put("id", t.id()).put("address", t.address()).put("zone", t.zone())
                .put("capacity", t.capacity()).put("healthy", t.healthy()));
        json(ctx, s);
    }

    private void history(Context ctx) {
        ObjectNode h = ApiJson.MAPPER.createObjectNode();
        h.put("latest", ops.planStore().latest().map(p -> p.generation().value()).orElse(0L));
        ArrayNode gens = h.putArray("generations");
        for (Generation g : ops.planStore().history()) {
            // A plan can be cleaned up between history() and read(): skip it rather than fail the listing.
            ops.planStore().read(g).ifPresent(p -> gens.addObject().put("generation", g.value()).put("hash", p.hash().hex())
                    .put("endpoints", p.recordSets().size()).put("forced", p.forced()));
        }
        json(ctx, h);
    }

    private void diff(Context ctx) {
        String from = ctx.queryParam("from");
        String to = ctx.queryParam("to");
        if (from == null || to == null) throw new IllegalArgumentException("diff needs ?from=GENERATION&to=GENERATION");
        json(ctx, ApiJson.diff(plan(generation(from)), plan(generation(to))));
    }

    private void rollback(Context ctx) {
        Generation g = generation(ctx.pathParam("generation"));
        Plan p = ops.rollback(g, who(ctx));
        json(ctx, ApiJson.message("rolled forward: the content of " + g + " is now published as " + p.generation()
                + " (forced); enactors apply it on their next tick").put("generation", p.generation().value()));
    }

    private void flags(Context ctx, String action, UnaryOperator<ControlFlags> change, String message) {
        ops.updateFlags(action, change, who(ctx));
        json(ctx, ApiJson.message(message));
    }

    /** {@code POST /api/publish?force=true&reason=TEXT}: the planner's current draft, published as forced (audited). */
    private void publish(Context ctx) {
        if (!"true".equals(ctx.queryParam("force"))) {
            throw new IllegalArgumentException("publish needs ?force=true: the planner publishes by itself; a forced publish skips the enactors' change guard");
        }
        String reason = ctx.queryParam("reason");
        if (reason == null || reason.isBlank()) throw new IllegalArgumentException("publish --force needs &reason=TEXT: it goes to the audit log");
        if (reason.length() > REASON_CHARS_MAX) throw new IllegalArgumentException("reason is " + reason.length() + " characters; at most " + REASON_CHARS_MAX);
        Plan p = ops.publishForced(reason, who(ctx));
        json(ctx, ApiJson.message("published the planner's current plan as " + p.generation() + " (forced: the change guard is skipped,"
                + " never the non-empty guard); reason recorded in the audit log").put("generation", p.generation().value()));
    }

    /** Who asked, for the audit log: the operator the CLI names (X-Waymark-Operator), and where from. */
    private static String who(Context ctx) {
        String operator = ctx.header(OPERATOR_HEADER);
        String from = "http " + ctx.ip();
        return operator == null || operator.isBlank() ? from : operator.strip() + " via " + from;
    }

    private void target(Context ctx, boolean failing) {
        String id = ctx.pathParam("id");
        ops.setTargetFailing(id, failing);
        json(ctx, ApiJson.message("target " + id + (failing ? " now fails its health check" : " passes its health check again")
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

    private static void json(Context ctx, ObjectNode body) {
        ctx.contentType("application/json").result(body.toString());
    }

    @Override
    public void close() {
        app.stop();
    }

    /** A plan or target that does not exist: 404 with the reason. */
    static final class NotFound extends RuntimeException {
        NotFound(String message) {
            super(message);
        }
    }
}
