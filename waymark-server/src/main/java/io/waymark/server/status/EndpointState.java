package io.waymark.server.status;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * What customers are told about one endpoint, in plain words, derived from the daemon's status (the
 * JSON of {@code GET /api/status}). Worst first: when several hold, the first one is shown.
 */
public enum EndpointState {
    LAST_KNOWN_GOOD("serving last known good answers", "Answers keep the last addresses that were known to work while Waymark cannot apply new ones."),
    PAUSED("automation paused", "Operators have paused automatic changes; answers stay as they are."),
    DEGRADED("degraded capacity", "Some servers behind this name are out of service; the rest carry the traffic."),
    NORMAL("operating normally", "All is well.");

    public final String words;
    public final String explanation;

    EndpointState(String words, String explanation) {
        this.words = words;
        this.explanation = explanation;
    }

    /** The state of endpoint {@code e} (one element of status.endpoints) given the whole status {@code s}. */
    public static EndpointState of(JsonNode s, JsonNode e, double degradedBelowFraction) {
        if (failOpen(e) || !s.path("guardRefusal").isMissingNode() || storeTrouble(s) || e.has("error")) return LAST_KNOWN_GOOD;
        if (s.path("paused").asBoolean() || s.path("pinned").asBoolean()) return PAUSED;
        if (degraded(s, e, degradedBelowFraction)) return DEGRADED;
        return NORMAL;
    }

    /** Every target of the endpoint has been probed and is down: the planner keeps the last good answer (fail-open). */
    static boolean failOpen(JsonNode e) {
        JsonNode c = e.path("capacity");
        return c.path("targets").asInt() > 0 && c.path("healthyTargets").asInt() == 0 && !anyUnknown(e.path("targetHealth"));
    }

    private static boolean anyUnknown(JsonNode health) {
        for (JsonNode h : health) if (h.asText().equals("UNKNOWN")) return true;
        return false;
    }

    static boolean degraded(JsonNode s, JsonNode e, double below) {
        return e.path("capacity").path("fraction").asDouble(1.0) < below && !anyUnknown(e.path("targetHealth"));
    }

    static boolean storeTrouble(JsonNode s) {
        for (JsonNode st : s.path("stores")) if (!st.path("state").asText("UP").equals("UP")) return true;
        return false;
    }

    /** The causes of incidents Waymark sees now. */
    public static List<Signal> signals(JsonNode s, double degradedBelowFraction) {
        List<Signal> out = new ArrayList<>();
        if (!s.path("guardRefusal").isMissingNode()) {
            out.add(new Signal("guard-refusal", "DNS changes are on hold",
                    "Waymark's safety check held back a large change to DNS answers. Answers stay as they were while operators review it."));
        }
        for (JsonNode st : s.path("stores")) {
            String state = st.path("state").asText("UP");
            if (!state.equals("UP")) {
                out.add(new Signal("store:" + st.path("store").asText(), "Waymark cannot save changes",
                        "A storage problem stops Waymark from changing DNS answers (" + st.path("store").asText() + " " + state.toLowerCase(java.util.Locale.ROOT)
                                + "). Answers keep the last addresses applied."));
            }
        }
        List<String> failOpen = new ArrayList<>();
        List<String> degraded = new ArrayList<>();
        for (JsonNode e : s.path("endpoints")) {
            if (failOpen(e)) failOpen.add(e.path("name").asText());
            else if (degraded(s, e, degradedBelowFraction)) degraded.add(e.path("name").asText());
        }
        // One incident per cause, naming the endpoints it touches: a pool failing under 10,000 names is one
        // incident for customers, not 10,000 (and not 10,000 fsyncs of the incident log).
        if (!failOpen.isEmpty()) {
            out.add(new Signal("fail-open", names(failOpen) + ": every server failed its health check",
                    "Every server behind " + names(failOpen) + " fails its health check. Answers keep the last addresses known to work."));
        }
        if (!degraded.isEmpty()) {
            out.add(new Signal("capacity", names(degraded) + ": reduced capacity",
                    names(degraded) + (degraded.size() == 1 ? " runs" : " run") + " with part of the capacity out of service; the remaining servers carry the traffic."));
        }
        return out;
    }

    /** Names listed in an incident's title at most; beyond, a count. */
    static final int NAMES_LISTED_MAX = 3;

    private static String names(List<String> names) {
        if (names.size() <= NAMES_LISTED_MAX) return String.join(", ", names);
        return String.join(", ", names.subList(0, NAMES_LISTED_MAX)) + " and " + (names.size() - NAMES_LISTED_MAX) + " more";
    }
}
