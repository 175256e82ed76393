package io.waymark.server.http;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.waymark.core.model.ControlFlags;
import io.waymark.core.model.Endpoint;
import io.waymark.core.model.WeightedAddress;
import io.waymark.core.port.StampedRecords;
import io.waymark.core.port.StoreUnavailableException;
import io.waymark.server.config.WaymarkConfig;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The status of a running daemon as one JSON object ({@code GET /api/status}, the console's live
 * state, the status page's input). Each part is read on its own, so that a failed or damaged store
 * shows as what it is (under "stores", with what to do) while the rest still answers.
 */
final class StatusJson {
    /** Endpoints listed at most: the console and status are for people; the count says how many there are. */
    static final int ENDPOINTS_SHOWN_MAX = 500;
    static final int TARGETS_SHOWN_MAX = 500;
    static final int CHECKS_SHOWN_MAX = 10;

    private final Operations ops;
    /** Endpoint name → its configured target ids: the configuration does not change while the daemon runs. */
    private final Map<String, List<String>> targetsOf = new HashMap<>();

    StatusJson(Operations ops) {
        this.ops = ops;
        for (WaymarkConfig.EndpointSettings e : ops.config().endpoints()) targetsOf.put(e.name(), e.targets());
    }

    ObjectNode build() {
        ObjectNode s = ApiJson.MAPPER.createObjectNode();
        long latest = 0;
        try {
            ControlFlags flags = ops.planStore().flags();
            latest = ops.planStore().latest().map(p -> p.generation().value()).orElse(0L);
            s.put("latestGeneration", latest);
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
        List<Operations.TargetStatus> targets = ops.targets();
        Map<String, String> health = new HashMap<>();
        for (Operations.TargetStatus t : targets) {
            // Unknown until its first probe ends (unknown is not down).
            health.put(t.id(), t.healthy() ? "UP" : ops.probed(t.id()) ? "DOWN" : "UNKNOWN");
        }
        endpoints(s, targets, health, latest);
        ObjectNode unservable = s.putObject("unservable");
        ops.unservable().forEach((e, why) -> unservable.put(e.name(), why));
        ArrayNode enactors = s.putArray("enactors");
        for (Operations.EnactorStatus e : ops.enactors()) {
            enactors.addObject().put("id", e.id()).put("lastTickAt", e.lastTickAt()).put("lastResult", e.lastResult())
                    .put("condition", e.condition().kind()).put("conditionDetail", e.condition().condition()).put("since", e.condition().since())
                    .put("planGeneration", e.planGeneration()).put("lagGenerations", Math.max(0, latest - e.planGeneration()));
        }
        s.putObject("planner").put("lastResult", ops.plannerLastResult()).put("condition", ops.planner().kind())
                .put("conditionDetail", ops.planner().condition()).put("since", ops.planner().since());
        ObjectNode roles = s.putObject("roles");
        ops.otherRoles().forEach((name, v) -> roles.putObject(name).put("condition", v.kind()).put("conditionDetail", v.condition()).put("since", v.since()));
        s.put("targetCount", targets.size());
        ArrayNode ts = s.putArray("targets");
        for (Operations.TargetStatus t : targets.subList(0, Math.min(targets.size(), TARGETS_SHOWN_MAX))) {
            ObjectNode o = ts.addObject().put("id", t.id()).put("address", t.address()).put("zone", t.zone())
                    .put("capacity", t.capacity()).put("healthy", t.healthy()).put("health", health.get(t.id()));
            List<Operations.CheckResult> recent = ops.recentChecks(t.id());
            ArrayNode c = o.putArray("checks");
            for (Operations.CheckResult r : recent.subList(Math.max(0, recent.size() - CHECKS_SHOWN_MAX), recent.size())) {
                c.addObject().put("at", r.at()).put("passed", r.passed()).put("latencyMs", Math.round(r.latencyMs() * 10) / 10.0);
            }
        }
        return s;
    }

    /**
     * Each endpoint: served generation and stamp, records (all, and per address family), the latest
     * generation, and its capacity in service — the capacity of its configured targets that are healthy
     * and in the served answer, against all of its targets' capacity.
     */
    private void endpoints(ObjectNode s, List<Operations.TargetStatus> targets, Map<String, String> health, long latest) {
        Map<String, Operations.TargetStatus> byId = new HashMap<>();
        targets.forEach(t -> byId.put(t.id(), t));
        List<Endpoint> all = ops.endpoints();
        s.put("endpointCount", all.size());
        ArrayNode endpoints = s.putArray("endpoints");
        for (Endpoint e : all.subList(0, Math.min(all.size(), ENDPOINTS_SHOWN_MAX))) {
            ObjectNode o = endpoints.addObject().put("name", e.name()).put("latestGeneration", latest);
            Set<String> served = new HashSet<>();
            try {
                StampedRecords r = ops.recordStore().read(e);
                o.put("generation", r.stamp().generation().value()).put("planHash", r.stamp().planHash().hex());
                o.set("records", r.records().map(ApiJson::records).orElse(ApiJson.MAPPER.createArrayNode()));
                ObjectNode families = o.putObject("families");
                ArrayNode v4 = families.putArray("A");
                ArrayNode v6 = families.putArray("AAAA");
                r.records().ifPresent(rs -> {
                    o.put("ttl", rs.ttlSeconds());
                    for (WeightedAddress a : rs.addresses()) {
                        served.add(a.address().getHostAddress());
                        (a.isIpv4() ? v4 : v6).addObject().put("address", a.address().getHostAddress()).put("weight", a.weight());
                    }
                });
            } catch (StoreUnavailableException x) {
                o.put("error", "record store unavailable: " + x.getMessage());
            }
            long total = 0;
            long inService = 0;
            int healthy = 0;
            ArrayNode ids = o.putArray("targets");
            ArrayNode states = o.putArray("targetHealth");
            for (String id : targetsOf.getOrDefault(e.name(), List.of())) {
                Operations.TargetStatus t = byId.get(id);
                if (t == null) continue;
                ids.add(id);
                states.add(health.get(id));
                total += t.capacity();
                if (t.healthy()) healthy++;
                if (t.healthy() && served.contains(io.waymark.core.model.WeightedAddress.parseLiteral(t.address()).getHostAddress())) inService += t.capacity();
            }
            o.putObject("capacity").put("inService", inService).put("total", total).put("fraction", total == 0 ? 1.0 : (double) inService / total)
                    .put("healthyTargets", healthy).put("targets", ids.size());
        }
    }
}
