package io.waymark.server.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.waymark.core.model.Endpoint;
import io.waymark.core.model.Plan;
import io.waymark.core.model.RecordSet;
import io.waymark.core.model.WeightedAddress;
import java.net.InetAddress;
import java.util.Map;
import java.util.TreeMap;

/** The JSON shapes of the HTTP API, in one place (the CLI's StatusText reads the same shapes). */
public final class ApiJson {
    public static final ObjectMapper MAPPER = new ObjectMapper();

    private ApiJson() {}

    public static ArrayNode records(RecordSet rs) {
        ArrayNode out = MAPPER.createArrayNode();
        for (WeightedAddress a : rs.addresses()) out.addObject().put("address", a.address().getHostAddress()).put("weight", a.weight());
        return out;
    }

    public static ObjectNode plan(Plan p) {
        ObjectNode o = MAPPER.createObjectNode()
                .put("generation", p.generation().value())
                .put("hash", p.hash().hex())
                .put("forced", p.forced());
        ObjectNode sets = o.putObject("recordSets");
        p.recordSets().forEach((e, rs) -> {
            ObjectNode s = sets.putObject(e.name());
            s.put("ttl", rs.ttlSeconds());
            s.set("records", records(rs));
        });
        return o;
    }

    /** Endpoint by endpoint: addresses added, removed or re-weighted, and TTL changes, from plan a to b. */
    public static ObjectNode diff(Plan a, Plan b) {
        ObjectNode o = MAPPER.createObjectNode().put("from", a.generation().value()).put("to", b.generation().value());
        ArrayNode changes = o.putArray("changes");
        TreeMap<Endpoint, Boolean> all = new TreeMap<>();
        a.recordSets().keySet().forEach(e -> all.put(e, true));
        b.recordSets().keySet().forEach(e -> all.put(e, true));
        for (Endpoint e : all.keySet()) {
            Map<InetAddress, Integer> before = weights(a.recordSets().get(e));
            Map<InetAddress, Integer> after = weights(b.recordSets().get(e));
            ObjectNode c = MAPPER.createObjectNode().put("endpoint", e.name());
            ArrayNode added = c.putArray("added");
            ArrayNode removed = c.putArray("removed");
            ArrayNode reweighted = c.putArray("reweighted");
            after.forEach((addr, w) -> {
                Integer old = before.get(addr);
                if (old == null) added.addObject().put("address", addr.getHostAddress()).put("weight", w);
                else if (!old.equals(w)) reweighted.addObject().put("address", addr.getHostAddress()).put("from", old).put("to", w);
            });
            before.forEach((addr, w) -> {
                if (!after.containsKey(addr)) removed.addObject().put("address", addr.getHostAddress()).put("weight", w);
            });
            RecordSet ra = a.recordSets().get(e);
            RecordSet rb = b.recordSets().get(e);
            if (ra != null && rb != null && ra.ttlSeconds() != rb.ttlSeconds()) c.put("ttlFrom", ra.ttlSeconds()).put("ttlTo", rb.ttlSeconds());
            if (!added.isEmpty() || !removed.isEmpty() || !reweighted.isEmpty() || c.has("ttlFrom")) changes.add(c);
        }
        return o;
    }

    private static Map<InetAddress, Integer> weights(RecordSet rs) {
        Map<InetAddress, Integer> m = new TreeMap<>((x, y) -> java.util.Arrays.compareUnsigned(x.getAddress(), y.getAddress()));
        if (rs != null) rs.addresses().forEach(a -> m.put(a.address(), a.weight()));
        return m;
    }

    public static ObjectNode message(String text) {
        return MAPPER.createObjectNode().put("message", text);
    }

    public static ObjectNode error(String text) {
        return MAPPER.createObjectNode().put("error", text);
    }
}
