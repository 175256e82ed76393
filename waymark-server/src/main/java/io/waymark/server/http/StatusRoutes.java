package io.waymark.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.waymark.server.status.Incident;
import io.waymark.server.status.Incidents;
import io.waymark.server.status.StatusPage;
import java.time.Clock;
import java.util.Optional;

/**
 * The customers' status page ({@code /status}, {@code /status.json}, {@code /status.atom}: open, built
 * from the console's last sample so a public page never costs a status read per request) and the
 * operators' incident API ({@code /api/incidents}, notes, close: behind the token like all of /api).
 */
final class StatusRoutes {
    /** The status page is text and styles only: no script, no frames, nothing from elsewhere. */
    static final String PAGE_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'none'";
    private final Operations ops;
    private final Incidents incidents;
    private final ConsoleWatch watch;

    StatusRoutes(Operations ops, Incidents incidents, ConsoleWatch watch) {
        this.ops = ops;
        this.incidents = incidents;
        this.watch = watch;
    }

    void register(Javalin app) {
        app.get("/status", ctx -> ctx.header("Content-Security-Policy", PAGE_CSP).contentType("text/html; charset=utf-8").result(StatusPage.html(statusPage())));
        app.get("/status.json", ctx -> Requests.json(ctx, statusPage()));
        app.get("/status.atom", ctx -> ctx.contentType("application/atom+xml; charset=utf-8").result(StatusPage.atom(statusPage(), ctx.url())));
        app.get("/api/incidents", ctx -> Requests.json(ctx, incidentsJson()));
        app.post("/api/incidents/notes", this::note);
        app.post("/api/incidents/{id}/close", this::closeIncident);
    }

    private ObjectNode statusPage() {
        return StatusPage.json(watch.current(), incidents.all(), ops.config().http().degradedBelowFraction(), Clock.systemUTC().instant().toString());
    }

    private ObjectNode incidentsJson() {
        ObjectNode o = ApiJson.MAPPER.createObjectNode();
        ArrayNode a = o.putArray("incidents");
        for (Incident i : incidents.all()) {
            ObjectNode n = a.addObject().put("id", i.id()).put("key", i.key()).put("title", i.title()).put("automatic", i.automatic())
                    .put("open", i.open()).put("startedAt", i.startedAt());
            i.endedAt().ifPresent(t -> n.put("endedAt", t));
            ArrayNode us = n.putArray("updates");
            i.updates().forEach(u -> us.addObject().put("at", u.at()).put("by", u.by()).put("text", u.text()));
        }
        return o;
    }

    /** {@code POST /api/incidents/notes} with {@code {"text": "...", "incident": ID}} (incident optional). */
    private void note(Context ctx) {
        JsonNode body = Requests.body(ctx);
        JsonNode text = body.path("text");
        if (!text.isTextual()) throw new IllegalArgumentException("body needs \"text\": the note, as a string");
        JsonNode id = body.path("incident");
        if (!id.isMissingNode() && !id.canConvertToLong()) throw new IllegalArgumentException("\"incident\" must be an incident id (a number)");
        String who = Requests.who(ctx);
        Incident i = incidents.note(text.asText(), id.isMissingNode() ? Optional.empty() : Optional.of(id.asLong()), who);
        ops.audit(who, "incident-note", text.asText(), java.util.Map.of("incident", String.valueOf(i.id())));
        Requests.json(ctx, ApiJson.message("note added to incident " + i.id() + " (" + i.title() + "); it shows on /status at once").put("incident", i.id()));
    }

    private void closeIncident(Context ctx) {
        long id = Requests.number("incident id", ctx.pathParam("id"));
        String text = ctx.body().isBlank() ? "" : Requests.body(ctx).path("text").asText("");
        String who = Requests.who(ctx);
        Incident i = incidents.close(id, text, who);
        ops.audit(who, "incident-close", text, java.util.Map.of("incident", String.valueOf(i.id())));
        Requests.json(ctx, ApiJson.message("incident " + id + " closed"));
    }

}
