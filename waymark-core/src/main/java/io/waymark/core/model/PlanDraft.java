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
 *
 * <p>An immutable value like a record, but a class so that it can remember its hash: planner,
 * enactors and rollback all verify the same plan object, and hashing 100k endpoints per check
 * dominated both the daemon's ticks and the simulator's schedules. The cache is sound because the
 * content never changes after construction; corruption at rest produces a different object, which
 * hashes afresh.
 */
public final class PlanDraft {
    public static final int ENDPOINTS_MAX = 1_000_000;

    private final SortedMap<Endpoint, RecordSet> recordSets;
    private final boolean forced;
    private final Provenance provenance;
    /** Lazily computed; a benign race (two threads may both compute the same immutable value). */
    private PlanHash hash;

    /** A draft without provenance (no publish time, no reason): tests, benchmarks and old logs. */
    public PlanDraft(SortedMap<Endpoint, RecordSet> recordSets, boolean forced) {
        this(recordSets, forced, Provenance.UNKNOWN);
    }

    public PlanDraft(SortedMap<Endpoint, RecordSet> recordSets, boolean forced, Provenance provenance) {
        if (recordSets == null || recordSets.isEmpty()) throw new IllegalArgumentException("a plan must cover at least one endpoint");
        if (recordSets.size() > ENDPOINTS_MAX) throw new IllegalArgumentException("a plan covers at most " + ENDPOINTS_MAX + " endpoints");
        if (provenance == null) throw new IllegalArgumentException("provenance must not be null (Provenance.UNKNOWN when there is none)");
        if (provenance.reason().isPresent() && !forced) throw new IllegalArgumentException("only a forced plan carries a reason");
        this.recordSets = Collections.unmodifiableSortedMap(new TreeMap<>(recordSets));
        this.forced = forced;
        this.provenance = provenance;
    }

    public SortedMap<Endpoint, RecordSet> recordSets() {
        return recordSets;
    }

    public boolean forced() {
        return forced;
    }

    /** When it was published and, if forced, why. */
    public Provenance provenance() {
        return provenance;
    }

    public static PlanDraft of(Map<Endpoint, RecordSet> recordSets) {
        return new PlanDraft(new TreeMap<>(recordSets), false);
    }

    public PlanDraft asForced() {
        return new PlanDraft(recordSets, true, provenance);
    }

    /** The same content, forced, with the operator's reason (kept with the plan for the audit trail). */
    public PlanDraft forcedBecause(String reason) {
        return new PlanDraft(recordSets, true, provenance.because(reason));
    }

    /** The same content and forced flag, published at {@code publishedAtMillis} (the publisher's wall clock). */
    public PlanDraft publishedAt(long publishedAtMillis) {
        return new PlanDraft(recordSets, forced, new Provenance(publishedAtMillis, provenance.reason()));
    }

    /**
     * SHA-256 over the canonical text: one line per endpoint in name order, then the forced flag, then
     * the provenance when there is one (absent from plans written before it was kept, which therefore
     * hash as they always did). Two drafts with the same content always hash the same, in every process.
     */
    public PlanHash hash() {
        PlanHash h = hash;
        if (h == null) {
            h = computeHash();
            hash = h;
        }
        return h;
    }

    private PlanHash computeHash() {
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
        sha.update(provenance.canonical().getBytes(StandardCharsets.UTF_8));
        return PlanHash.of(sha.digest());
    }

    /** Same record sets (the forced flag and provenance aside): the planner publishes nothing when this holds. */
    public boolean sameRecordSets(PlanDraft other) {
        return recordSets.equals(other.recordSets);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PlanDraft d && forced == d.forced && provenance.equals(d.provenance) && recordSets.equals(d.recordSets);
    }

    @Override
    public int hashCode() {
        return recordSets.hashCode() * 31 + Boolean.hashCode(forced);
    }

    @Override
    public String toString() {
        return "PlanDraft[" + recordSets.size() + " endpoints" + (forced ? ", forced" : "") + provenance.reason().map(r -> " (" + r + ")").orElse("") + "]";
    }
}
