package io.waymark.core.model;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collections;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * A plan's content before the plan store gives it a generation: endpoint → record set, and whether
 * it was published as forced (forced plans skip the enactor's change threshold, never the
 * non-empty guard).
 */
public record PlanDraft(SortedMap<Endpoint, RecordSet> recordSets, boolean forced) {
    public static final int ENDPOINTS_MAX = 1_000_000;

    public PlanDraft {
        if (recordSets == null || recordSets.isEmpty()) throw new IllegalArgumentException("a plan must cover at least one endpoint");
        if (recordSets.size() > ENDPOINTS_MAX) throw new IllegalArgumentException("a plan covers at most " + ENDPOINTS_MAX + " endpoints");
        recordSets = Collections.unmodifiableSortedMap(new TreeMap<>(recordSets));
    }

    public static PlanDraft of(Map<Endpoint, RecordSet> recordSets) {
        return new PlanDraft(new TreeMap<>(recordSets), false);
    }

    public PlanDraft asForced() {
        return new PlanDraft(recordSets, true);
    }

    /**
     * SHA-256 over the canonical text: one line per endpoint in name order, then the forced flag.
     * Two drafts with the same content always hash the same, in every process.
     */
    public PlanHash hash() {
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
        for (Map.Entry<Endpoint, RecordSet> e : recordSets.entrySet()) {
            sha.update(e.getKey().name().getBytes(StandardCharsets.UTF_8));
            sha.update((byte) '\t');
            sha.update(e.getValue().canonical().getBytes(StandardCharsets.UTF_8));
            sha.update((byte) '\n');
        }
        sha.update(forced ? (byte) 'F' : (byte) 'N');
        return PlanHash.of(sha.digest());
    }

    /** Same record sets (the forced flag aside): the planner publishes nothing when this holds. */
    public boolean sameRecordSets(PlanDraft other) {
        return recordSets.equals(other.recordSets);
    }
}
