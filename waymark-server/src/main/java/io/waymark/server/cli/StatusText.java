package io.waymark.server.cli;

import com.fasterxml.jackson.databind.JsonNode;

/** Renders the API's JSON (shapes in io.waymark.server.http.ApiJson) as text for a terminal. */
final class StatusText {
    private StatusText() {}

    static String render(JsonNode s) {
        StringBuilder sb = new StringBuilder();
        attention(s, sb);
        sb.append("latest plan: g").append(s.path("latestGeneration").asLong())
                .append(s.path("paused").asBoolean() ? "   PAUSED (enactors write nothing)" : "")
                .append(s.path("pinned").asBoolean() ? "   PINNED (planner publishes nothing)" : "")
                .append('\n');
        sb.append("\nendpoints:\n");
        for (JsonNode e : s.path("endpoints")) {
            JsonNode c = e.path("capacity");
            String capacity = c.isMissingNode() ? "" : String.format("   capacity in service %d/%d", c.path("inService").asLong(), c.path("total").asLong());
            sb.append(String.format("  %-28s g%-6d %s%s%n", e.path("name").asText(), e.path("generation").asLong(), records(e.path("records")), capacity));
        }
        sb.append("\nenactors:\n");
        for (JsonNode e : s.path("enactors")) {
            sb.append(String.format("  %-12s %-17s last tick %-24s %s%n", e.path("id").asText(), e.path("condition").asText(""),
                    e.path("lastTickAt").asText("never"), e.path("lastResult").asText("")));
        }
        if (s.has("planner")) {
            sb.append("\nplanner: ").append(s.path("planner").path("lastResult").asText("")).append('\n');
        }
        s.path("roles").fields().forEachRemaining(r -> sb.append(String.format("%s: %s %s%n", r.getKey(),
                r.getValue().path("condition").asText(""), r.getValue().path("conditionDetail").asText(""))));
        if (s.path("targets").size() > 0) {
            sb.append("\ntargets:\n");
            for (JsonNode t : s.path("targets")) {
                sb.append(String.format("  %-14s %-16s %-5s capacity %-6d %s%n", t.path("id").asText(), t.path("address").asText(),
                        t.path("zone").asText(), t.path("capacity").asLong(), t.path("healthy").asBoolean() ? "healthy" : "UNHEALTHY"));
            }
        }
        return sb.toString().stripTrailing();
    }

    /** What needs a person, first and once: a guard refusal, a failed or damaged store, unservable endpoints. */
    private static void attention(JsonNode s, StringBuilder sb) {
        JsonNode g = s.path("guardRefusal");
        if (!g.isMissingNode()) {
            sb.append("!! ENACTORS REFUSE THE LATEST PLAN (since ").append(g.path("since").asText()).append("): ").append(g.path("detail").asText()).append('\n')
              .append("   what to do: ").append(g.path("whatToDo").asText()).append("\n\n");
        }
        for (JsonNode st : s.path("stores")) {
            if (st.path("state").asText("UP").equals("UP")) continue;
            sb.append("!! ").append(st.path("store").asText()).append(" store ").append(st.path("state").asText()).append(" since ").append(st.path("since").asText())
              .append(" (").append(st.path("failedAttempts").asInt()).append(" reopen attempts): ").append(st.path("reason").asText()).append('\n')
              .append("   what to do: ").append(st.path("whatToDo").asText()).append("\n\n");
        }
        if (s.has("planStoreError")) sb.append("!! plan store: ").append(s.path("planStoreError").asText()).append("\n\n");
        for (JsonNode i : s.path("incidents")) {
            sb.append("!! customers are told (status page, incident ").append(i.path("id").asLong()).append(" since ").append(i.path("startedAt").asText())
              .append("): ").append(i.path("title").asText()).append("\n   add an update: ./waymark incident note TEXT\n\n");
        }
        if (s.path("unservable").size() > 0) {
            sb.append("!! not served (the DNS server cannot answer for them):\n");
            s.path("unservable").fields().forEachRemaining(e -> sb.append("   ").append(e.getKey()).append(": ").append(e.getValue().asText()).append('\n'));
            sb.append('\n');
        }
    }

    static String plan(JsonNode p) {
        StringBuilder sb = new StringBuilder();
        sb.append("plan g").append(p.path("generation").asLong()).append("  hash ").append(p.path("hash").asText())
                .append(p.path("forced").asBoolean() ? "  (forced)" : "").append('\n');
        p.path("recordSets").fields().forEachRemaining(e -> sb.append(String.format("  %-28s ttl %-5d %s%n",
                e.getKey(), e.getValue().path("ttl").asInt(), records(e.getValue().path("records")))));
        return sb.toString().stripTrailing();
    }

    static String history(JsonNode h) {
        StringBuilder sb = new StringBuilder("generation  hash          endpoints\n");
        for (JsonNode g : h.path("generations")) {
            sb.append(String.format("g%-10d %-13s %d%s%n", g.path("generation").asLong(), g.path("hash").asText().substring(0, Math.min(12, g.path("hash").asText().length())),
                    g.path("endpoints").asInt(), g.path("generation").asLong() == h.path("latest").asLong() ? "   <- latest" : ""));
        }
        return sb.toString().stripTrailing();
    }

    static String diff(JsonNode d) {
        StringBuilder sb = new StringBuilder("g" + d.path("from").asLong() + " -> g" + d.path("to").asLong() + "\n");
        if (d.path("changes").isEmpty()) return sb.append("  no differences").toString();
        for (JsonNode c : d.path("changes")) {
            sb.append("  ").append(c.path("endpoint").asText()).append('\n');
            for (JsonNode a : c.path("added")) sb.append("    + ").append(a.path("address").asText()).append(" weight ").append(a.path("weight").asInt()).append('\n');
            for (JsonNode a : c.path("removed")) sb.append("    - ").append(a.path("address").asText()).append(" weight ").append(a.path("weight").asInt()).append('\n');
            for (JsonNode a : c.path("reweighted")) sb.append("    ~ ").append(a.path("address").asText()).append(" weight ")
                    .append(a.path("from").asInt()).append(" -> ").append(a.path("to").asInt()).append('\n');
            if (c.has("ttlFrom")) sb.append("    ~ ttl ").append(c.path("ttlFrom").asInt()).append(" -> ").append(c.path("ttlTo").asInt()).append('\n');
        }
        return sb.toString().stripTrailing();
    }

    private static String records(JsonNode records) {
        StringBuilder sb = new StringBuilder();
        for (JsonNode r : records) {
            if (sb.length() > 0) sb.append(", ");
            sb.append(r.path("address").asText()).append('*').append(r.path("weight").asInt());
        }
        return sb.length() == 0 ? "(no records)" : sb.toString();
    }
}
