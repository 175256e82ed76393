package io.waymark.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What changed, when, as the console's timeline chart shows it: plans published, generations served
 * per endpoint, targets' health, levers, guard refusals and store states. Derived by comparing two
 * consecutive status samples, so it needs no hook in the roles; a change shorter than one sample can
 * be missed (the audit log has every applied change). Bounded: the newest {@link #EVENTS_MAX} events.
 */
final class Timeline {
    static final int EVENTS_MAX = 5_000;

    private final ArrayDeque<ObjectNode> events = new ArrayDeque<>();
    private long nextSeq = 1;

    /** Appends the differences from {@code before} (null at start: the initial state) to {@code after}; returns them. */
    synchronized List<ObjectNode> observe(JsonNode before, JsonNode after, long nowMs, String nowIso) {
        List<ObjectNode> added = new java.util.ArrayList<>();
        java.util.function.Function<String, ObjectNode> event = kind -> {
            ObjectNode e = ApiJson.MAPPER.createObjectNode().put("seq", nextSeq++).put("t", nowMs).put("at", nowIso).put("kind", kind);
            added.add(e);
            return e;
        };
        long latestBefore = before == null ? -1 : before.path("latestGeneration").asLong(-1);
        long latest = after.path("latestGeneration").asLong(-1);
        if (latest != latestBefore && latest > 0) event.apply("published").put("generation", latest).put("text", "plan g" + latest + " published");
        Map<String, Long> servedBefore = new HashMap<>();
        if (before != null) for (JsonNode e : before.path("endpoints")) servedBefore.put(e.path("name").asText(), e.path("generation").asLong(-1));
        for (JsonNode e : after.path("endpoints")) {
            String name = e.path("name").asText();
            long g = e.path("generation").asLong(-1);
            if (g >= 0 && !Long.valueOf(g).equals(servedBefore.get(name))) {
                event.apply("served").put("endpoint", name).put("generation", g).put("text", name + " serves g" + g);
            }
        }
        Map<String, String> healthBefore = new HashMap<>();
        if (before != null) for (JsonNode t : before.path("targets")) healthBefore.put(t.path("id").asText(), t.path("health").asText());
        for (JsonNode t : after.path("targets")) {
            String id = t.path("id").asText();
            String h = t.path("health").asText();
            String was = healthBefore.get(id);
            if (!h.equals(was) && !(was == null && h.equals("UNKNOWN"))) {
                event.apply("health").put("target", id).put("health", h).put("text", "target " + id + " is " + h);
            }
        }
        for (String lever : new String[] {"paused", "pinned"}) {
            boolean now = after.path(lever).asBoolean();
            if (before != null && now != before.path(lever).asBoolean()) event.apply("lever").put("lever", lever).put("on", now).put("text", (now ? "" : "no longer ") + lever);
        }
        boolean refusedBefore = before != null && !before.path("guardRefusal").isMissingNode();
        boolean refused = !after.path("guardRefusal").isMissingNode();
        if (refused != refusedBefore) {
            event.apply("refusal").put("on", refused).put("text", refused ? "enactors refuse the latest plan: " + after.path("guardRefusal").path("detail").asText()
                    : "guard refusal over");
        }
        Map<String, String> storesBefore = new HashMap<>();
        if (before != null) for (JsonNode st : before.path("stores")) storesBefore.put(st.path("store").asText(), st.path("state").asText());
        for (JsonNode st : after.path("stores")) {
            String name = st.path("store").asText();
            String state = st.path("state").asText();
            if (!state.equals(storesBefore.getOrDefault(name, "UP"))) event.apply("store").put("store", name).put("state", state).put("text", name + " store " + state);
        }
        for (ObjectNode e : added) {
            if (events.size() == EVENTS_MAX) events.removeFirst();
            events.addLast(e);
        }
        return added;
    }

    /** Events with seq greater than {@code afterSeq}, oldest first, at most {@code max} (the newest ones). */
    synchronized ArrayNode since(long afterSeq, int max) {
        ArrayNode out = ApiJson.MAPPER.createArrayNode();
        List<ObjectNode> picked = events.stream().filter(e -> e.path("seq").asLong() > afterSeq).toList();
        picked.subList(Math.max(0, picked.size() - max), picked.size()).forEach(out::add);
        return out;
    }
}
