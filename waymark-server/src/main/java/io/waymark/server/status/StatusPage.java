package io.waymark.server.status;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * The public status page for customers, as JSON ({@code /status.json}), HTML ({@code /status}) and
 * an Atom feed ({@code /status.atom}). Read-only and without a token: it says only what customers may
 * know (endpoint names, plain-language states, incidents), never addresses, plans or operators' names.
 */
public final class StatusPage {
    private static final ObjectMapper JSON = new ObjectMapper();

    private StatusPage() {}

    public static ObjectNode json(JsonNode status, List<Incident> incidents, double degradedBelowFraction, String now) {
        ObjectNode o = JSON.createObjectNode().put("updated", now);
        ArrayNode eps = o.putArray("endpoints");
        EndpointState worst = EndpointState.NORMAL;
        int worstCount = 0;
        int total = 0;
        for (JsonNode e : status.path("endpoints")) {
            EndpointState st = EndpointState.of(status, e, degradedBelowFraction);
            total++;
            if (st.ordinal() < worst.ordinal()) {
                worst = st;
                worstCount = 0;
            }
            if (st == worst) worstCount++;
            eps.addObject().put("name", e.path("name").asText()).put("state", st.name()).put("status", st.words).put("explanation", st.explanation);
        }
        String words = Character.toUpperCase(worst.words.charAt(0)) + worst.words.substring(1);
        o.put("overall", worst.name()).put("overallStatus", worst == EndpointState.NORMAL ? "All systems operating normally"
                : worstCount == total ? words : words + " for " + worstCount + " of " + total + " names");
        ArrayNode is = o.putArray("incidents");
        for (Incident i : incidents) {
            ObjectNode n = is.addObject().put("id", i.id()).put("title", i.title()).put("open", i.open()).put("automatic", i.automatic())
                    .put("startedAt", i.startedAt());
            i.endedAt().ifPresent(t -> n.put("endedAt", t));
            ArrayNode us = n.putArray("updates");
            // Customers see who spoke only as "Waymark" or "operators".
            for (Incident.Update u : i.updates()) us.addObject().put("at", u.at()).put("by", u.by().equals("Waymark") ? "Waymark" : "operators").put("text", u.text());
        }
        return o;
    }

    public static String html(ObjectNode page) {
        StringBuilder b = new StringBuilder(4096);
        b.append("<!doctype html><html lang=en><head><meta charset=utf-8><meta name=viewport content='width=device-width,initial-scale=1'>")
                .append("<meta http-equiv=refresh content=10><title>Service status</title><link rel=icon href='data:,'>")
                .append("<link rel=alternate type='application/atom+xml' href='/status.atom' title='Incidents'><style>")
                .append("body{font:16px/1.5 system-ui,sans-serif;max-width:52rem;margin:2rem auto;padding:0 1rem;color:#1d2433;background:#f6f7f9}")
                .append(".banner{padding:1rem 1.25rem;border-radius:10px;color:#fff;font-weight:600;font-size:1.2rem}")
                .append(".NORMAL{background:#1f9d55}.DEGRADED{background:#d97706}.PAUSED{background:#2563eb}.LAST_KNOWN_GOOD{background:#c2410c}")
                .append("table{width:100%;border-collapse:collapse;margin:1.5rem 0;background:#fff;border-radius:10px;overflow:hidden}")
                .append("td{padding:.7rem 1rem;border-bottom:1px solid #e5e7eb}.dot{display:inline-block;width:.7rem;height:.7rem;border-radius:50%;margin-right:.5rem}")
                .append(".incident{background:#fff;border-radius:10px;padding:1rem 1.25rem;margin:1rem 0;border-left:6px solid #c2410c}.incident.closed{border-color:#9ca3af}")
                .append(".upd{margin:.4rem 0 .4rem 1rem;border-left:2px solid #e5e7eb;padding-left:.8rem}.t{color:#6b7280;font-size:.85rem}")
                .append("</style></head><body><h1>Service status</h1>");
        b.append("<div id=overall class='banner ").append(esc(page.path("overall").asText())).append("'>").append(esc(page.path("overallStatus").asText())).append("</div>");
        b.append("<table id=endpoints>");
        for (JsonNode e : page.path("endpoints")) {
            b.append("<tr data-endpoint='").append(esc(e.path("name").asText())).append("' data-state='").append(esc(e.path("state").asText())).append("'><td><span class='dot ")
                    .append(esc(e.path("state").asText())).append("'></span>").append(esc(e.path("name").asText())).append("</td><td><b>")
                    .append(esc(e.path("status").asText())).append("</b><div class=t>").append(esc(e.path("explanation").asText())).append("</div></td></tr>");
        }
        b.append("</table><h2>Incidents</h2>");
        if (page.path("incidents").isEmpty()) b.append("<p>No incidents reported.</p>");
        for (JsonNode i : page.path("incidents")) {
            boolean open = i.path("open").asBoolean();
            b.append("<div class='incident").append(open ? "" : " closed").append("'><b>").append(esc(i.path("title").asText())).append("</b> <span class=t>")
                    .append(open ? "ongoing since " : "resolved, from ").append(esc(human(i.path("startedAt").asText())))
                    .append(open ? "" : " to " + esc(human(i.path("endedAt").asText()))).append("</span>");
            for (JsonNode u : i.path("updates")) {
                b.append("<div class=upd><div class=t>").append(esc(human(u.path("at").asText()))).append(" — ").append(esc(u.path("by").asText())).append("</div>")
                        .append(esc(u.path("text").asText())).append("</div>");
            }
            b.append("</div>");
        }
        b.append("<p class=t>Updated ").append(esc(human(page.path("updated").asText()))).append(". Also as <a href='/status.json'>JSON</a> and an <a href='/status.atom'>Atom feed</a>.</p></body></html>");
        return b.toString();
    }

    /** One entry per incident, updated at its last update; newest first. */
    public static String atom(ObjectNode page, String selfUrl) {
        StringBuilder b = new StringBuilder(4096);
        b.append("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\"><title>Service status: incidents</title>")
                .append("<id>").append(esc(selfUrl)).append("</id><link rel=\"self\" href=\"").append(esc(selfUrl)).append("\"/>")
                .append("<updated>").append(esc(page.path("updated").asText())).append("</updated><author><name>Waymark</name></author>");
        for (JsonNode i : page.path("incidents")) {
            JsonNode ups = i.path("updates");
            String updated = ups.isEmpty() ? i.path("startedAt").asText() : ups.get(ups.size() - 1).path("at").asText();
            b.append("<entry><id>").append(esc(selfUrl)).append("#incident-").append(i.path("id").asLong()).append("</id><title>")
                    .append(i.path("open").asBoolean() ? "" : "[resolved] ").append(esc(i.path("title").asText())).append("</title><updated>")
                    .append(esc(updated)).append("</updated><published>").append(esc(i.path("startedAt").asText())).append("</published><content type=\"text\">");
            for (JsonNode u : ups) b.append(esc(u.path("at").asText() + " " + u.path("by").asText() + ": " + u.path("text").asText())).append('\n');
            b.append("</content></entry>");
        }
        return b.append("</feed>\n").toString();
    }

    private static final java.time.format.DateTimeFormatter HUMAN =
            java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'").withZone(java.time.ZoneOffset.UTC);

    /** An ISO-8601 instant as people read it; the JSON and the feed keep ISO-8601. */
    static String human(String iso) {
        try {
            return HUMAN.format(java.time.Instant.parse(iso));
        } catch (java.time.format.DateTimeParseException e) {
            return iso;
        }
    }

    static String esc(String s) {
        StringBuilder b = new StringBuilder(s.length() + 16);
        for (char c : s.toCharArray()) {
            switch (c) {
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '&' -> b.append("&amp;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> b.append(c);
            }
        }
        return b.toString();
    }
}
