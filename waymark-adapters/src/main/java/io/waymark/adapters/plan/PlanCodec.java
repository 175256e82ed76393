package io.waymark.adapters.plan;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.waymark.core.model.ControlFlags;
import io.waymark.core.model.Endpoint;
import io.waymark.core.model.Generation;
import io.waymark.core.model.Plan;
import io.waymark.core.model.PlanDraft;
import io.waymark.core.model.PlanHash;
import io.waymark.core.model.Provenance;
import io.waymark.core.model.RecordSet;
import io.waymark.core.model.WeightedAddress;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * JSON form of plan store log entries. JSON because plans are published rarely and operators may
 * want to read the log with jq; the log's CRC guards the bytes, the plan hash guards the content.
 * <pre>
 * {"op":"publish","generation":7,"hash":"…","forced":false,"publishedAtMillis":1764576000000,
 *  "recordSets":{"api.example.test.":{"ttl":30,"addresses":{"192.0.2.1":10,"192.0.2.2":5}}}}
 * {"op":"publish","generation":8,"hash":"…","forced":true,"publishedAtMillis":1764576060000,"reason":"drain az1",…}
 * {"op":"delete","generation":3}
 * {"op":"flags","paused":false,"pinned":true}
 * </pre>
 * {@code publishedAtMillis} and {@code reason} are written only when the plan has them (see
 * {@link Provenance}); entries written before they existed decode with {@link Provenance#UNKNOWN}.
 */
final class PlanCodec {
    private final ObjectMapper json = new ObjectMapper();

    /**
     * Streamed rather than built as a tree: a plan of n endpoints made 3n tree nodes and maps before
     * a byte was written, on the path of every publish. Same bytes as the tree gave (PlanCodecTest).
     */
    byte[] publish(Plan plan) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(256 + plan.recordSets().size() * 64);
        try (JsonGenerator g = json.getFactory().createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("op", "publish");
            g.writeNumberField("generation", plan.generation().value());
            g.writeStringField("hash", plan.hash().hex());
            g.writeBooleanField("forced", plan.forced());
            Provenance provenance = plan.provenance();
            if (provenance.timeKnown()) g.writeNumberField("publishedAtMillis", provenance.publishedAtMillis());
            if (provenance.reason().isPresent()) g.writeStringField("reason", provenance.reason().get());
            g.writeObjectFieldStart("recordSets");
            for (Map.Entry<Endpoint, RecordSet> e : plan.recordSets().entrySet()) { // bounded by the plan's size
                g.writeObjectFieldStart(e.getKey().name());
                g.writeNumberField("ttl", e.getValue().ttlSeconds());
                g.writeObjectFieldStart("addresses");
                for (WeightedAddress a : e.getValue().addresses()) g.writeNumberField(a.address().getHostAddress(), a.weight());
                g.writeEndObject();
                g.writeEndObject();
            }
            g.writeEndObject();
            g.writeEndObject();
        } catch (IOException e) {
            throw new IllegalStateException("cannot encode plan store entry", e); // a byte array does not fail
        }
        return out.toByteArray();
    }

    byte[] delete(Generation generation) {
        return bytes(json.createObjectNode().put("op", "delete").put("generation", generation.value()));
    }

    byte[] flags(ControlFlags flags) {
        return bytes(json.createObjectNode().put("op", "flags").put("paused", flags.paused()).put("pinned", flags.pinned()));
    }

    private byte[] bytes(ObjectNode node) {
        try {
            return json.writeValueAsBytes(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode plan store entry", e);
        }
    }

    /** One decoded entry. */
    sealed interface Entry {
        record Publish(Plan plan) implements Entry {}

        record Delete(Generation generation) implements Entry {}

        record Flags(ControlFlags flags) implements Entry {}
    }

    Entry decode(byte[] bytes) throws IOException {
        JsonNode root = json.readTree(bytes);
        String op = required(root, "op").asText();
        return switch (op) {
            case "publish" -> {
                Generation g = Generation.of(required(root, "generation").asLong());
                PlanHash hash = new PlanHash(required(root, "hash").asText());
                boolean forced = required(root, "forced").asBoolean();
                TreeMap<Endpoint, RecordSet> sets = new TreeMap<>();
                for (Map.Entry<String, JsonNode> e : required(root, "recordSets").properties()) {
                    List<WeightedAddress> addresses = new ArrayList<>();
                    for (Map.Entry<String, JsonNode> a : required(e.getValue(), "addresses").properties()) {
                        addresses.add(WeightedAddress.of(a.getKey(), a.getValue().asInt()));
                    }
                    sets.put(new Endpoint(e.getKey()), new RecordSet(addresses, required(e.getValue(), "ttl").asInt()));
                }
                yield new Entry.Publish(new Plan(g, hash, new PlanDraft(sets, forced, provenance(root))));
            }
            case "delete" -> new Entry.Delete(Generation.of(required(root, "generation").asLong()));
            case "flags" -> new Entry.Flags(new ControlFlags(required(root, "paused").asBoolean(), required(root, "pinned").asBoolean()));
            default -> throw new IOException("unknown plan store entry op '" + op + "'");
        };
    }

    /** Optional fields, absent from entries written before plans kept their provenance. */
    private static Provenance provenance(JsonNode root) throws IOException {
        JsonNode at = root.get("publishedAtMillis");
        JsonNode reason = root.get("reason");
        try {
            return new Provenance(at == null || at.isNull() ? 0 : at.asLong(),
                    reason == null || reason.isNull() ? java.util.Optional.empty() : java.util.Optional.of(reason.asText()));
        } catch (IllegalArgumentException e) {
            throw new IOException("plan store entry has an invalid provenance: " + e.getMessage(), e);
        }
    }

    private static JsonNode required(JsonNode node, String field) throws IOException {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) throw new IOException("plan store entry lacks '" + field + "'");
        return v;
    }
}
