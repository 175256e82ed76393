package io.waymark.adapters.etcd;

import io.etcd.jetcd.KV;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.DeleteOption;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import io.waymark.adapters.record.EmbeddedRecordStore;
import io.waymark.adapters.record.StampedRecordCodec;
import io.waymark.core.model.Endpoint;
import io.waymark.core.model.Generation;
import io.waymark.core.model.PlanHash;
import io.waymark.core.model.RecordSet;
import io.waymark.core.model.Stamp;
import io.waymark.core.port.ApplyOutcome;
import io.waymark.core.port.ConditionalApply;
import io.waymark.core.port.RecordStore;
import io.waymark.core.port.StampedRecords;
import io.waymark.core.port.StoreUnavailableException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The record store on etcd, with {@link EmbeddedRecordStore}'s semantics. Per endpoint, under the
 * installation's prefix:
 * <pre>
 * records/api.example.test.   stamp and records in one value (the record log's binary form)
 * retired/api.example.test.   "GENERATION HASH": the stamp it was retired at, its high-water
 * </pre>
 * {@link #applyIfNewer} reads both keys in one transaction (one revision), decides with the embedded
 * store's rule ({@link EmbeddedRecordStore#decide}), and, to apply, commits one transaction that
 * compares both keys' mod revisions with what it read: a linearizable compare-and-set — it writes only
 * if neither key changed since the decision. When that compare fails, someone else wrote: it judges
 * again on what they wrote (bounded), which answers SUPERSEDED or CONFLICT.
 *
 * <p>A value that cannot be decoded reads as {@link Stamp#unreadable} carrying its mod revision, so
 * the heal's compare-and-set still compares against exactly that stored value. Its high-water is
 * then unknown (0): etcd checks every value it stores, so a garbled one comes from outside Waymark.
 *
 * <p>{@link #applyAllIfNewer} shares round trips: the keys of up to {@link #BATCH_ENDPOINTS_MAX}
 * endpoints are read in one transaction, and their applies are committed in one transaction whose
 * compares cover every key; if any compare fails (someone else wrote one of them), each is retried on
 * its own, so the outcomes are exactly those of one compare-and-set each.
 */
public final class EtcdRecordStore implements RecordStore {
    /** etcd's default --max-txn-ops is 128: two keys per endpoint. */
    public static final int BATCH_ENDPOINTS_MAX = 64;
    /** Values per batched transaction stay below etcd's default 1.5 MiB request limit. */
    static final int BATCH_VALUE_BYTES_MAX = 1 << 20;
    private static final int CAS_ATTEMPTS_MAX = 8;
    static final String RECORDS = "records/";
    static final String RETIRED = "retired/";

    private final Etcd etcd;
    private final KV kv;
    private final Optional<EtcdRecordFeed> reads;

    public EtcdRecordStore(Etcd etcd) {
        this(etcd, Optional.empty());
    }

    private EtcdRecordStore(Etcd etcd, Optional<EtcdRecordFeed> reads) {
        this.etcd = etcd;
        this.kv = etcd.client().getKVClient();
        this.reads = reads;
    }

    /**
     * The same store whose {@link #read} answers from {@code feed}'s watched copy while the feed is
     * loaded and reaches etcd, and from etcd otherwise. Why: an enactor reads its share of stamps every
     * tick, and one request per endpoint per tick would make the steady-state load on etcd grow with
     * the number of endpoints; from the watch it is zero. Why it is safe: a watched copy only lags,
     * and generations only grow, so a lagging read shows an older stamp, never a newer one; the
     * enactor then asks for an apply that {@link #applyIfNewer} decides on etcd's own current values
     * (SUPERSEDED) — a wasted request, never a wrong write. Writes and {@link #endpoints} always go to etcd.
     */
    public EtcdRecordStore readingFrom(EtcdRecordFeed feed) {
        return new EtcdRecordStore(etcd, Optional.of(feed));
    }

    /** Both keys of one endpoint as read at one revision. Revisions 0: absent. */
    private record Snapshot(StampedRecords current, long recordsRevision, Stamp retired, long retiredRevision) {
        Stamp stamp() {
            return current.stamp();
        }
    }

    @Override
    public StampedRecords read(Endpoint endpoint) {
        if (endpoint == null) throw new IllegalArgumentException("endpoint must not be null");
        if (reads.isPresent()) {
            Optional<StampedRecords> watched = reads.get().stored(endpoint);
            if (watched.isPresent()) return watched.get();
        }
        // Both keys at one revision: a retired endpoint reads as its tombstone (RecordStore.retire).
        Snapshot s = snapshots(List.of(endpoint)).get(0);
        if (s.recordsRevision() == 0 && s.retired() != null) return StampedRecords.tombstone(s.retired().generation());
        return s.current();
    }

    /** What {@link #read} answers for a stored value (shared with the feed's watched copy, so both answer alike). */
    static StampedRecords decode(Endpoint endpoint, KeyValue v) {
        try {
            StampedRecordCodec.Decoded d = StampedRecordCodec.decode(v.getValue().getBytes());
            if (!d.endpoint().equals(endpoint)) return new StampedRecords(unreadable(v), Optional.empty());
            return StampedRecordCodec.stampedRecords(d);
        } catch (IllegalArgumentException e) {
            return new StampedRecords(unreadable(v), Optional.empty());
        }
    }

    private static Stamp unreadable(KeyValue v) {
        return Stamp.unreadable("etcd value at revision " + v.getModRevision());
    }

    private List<Snapshot> snapshots(List<Endpoint> endpoints) {
        List<Op> gets = new ArrayList<>(2 * endpoints.size());
        for (Endpoint e : endpoints) {
            gets.add(Op.get(etcd.key(RECORDS + e.name()), GetOption.DEFAULT));
            gets.add(Op.get(etcd.key(RETIRED + e.name()), GetOption.DEFAULT));
        }
        TxnResponse r = etcd.await(kv.txn().Then(gets.toArray(Op[]::new)).commit(), "read " + endpoints.size() + " endpoints");
        List<GetResponse> got = r.getGetResponses();
        if (got.size() != gets.size()) throw new StoreUnavailableException("etcd answered " + got.size() + " of " + gets.size() + " reads");
        List<Snapshot> out = new ArrayList<>(endpoints.size());
        for (int i = 0; i < endpoints.size(); i++) {
            GetResponse rec = got.get(2 * i);
            GetResponse ret = got.get(2 * i + 1);
            StampedRecords current = rec.getKvs().isEmpty() ? StampedRecords.ABSENT : decode(endpoints.get(i), rec.getKvs().get(0));
            long recRev = rec.getKvs().isEmpty() ? 0 : rec.getKvs().get(0).getModRevision();
            Stamp retired = ret.getKvs().isEmpty() ? null : parseStamp(ret.getKvs().get(0));
            long retRev = ret.getKvs().isEmpty() ? 0 : ret.getKvs().get(0).getModRevision();
            out.add(new Snapshot(current, recRev, retired, retRev));
        }
        return out;
    }

    private Stamp parseStamp(KeyValue v) {
        String text = v.getValue().toString(StandardCharsets.UTF_8);
        String[] parts = text.split(" ", 2);
        try {
            return new Stamp(Generation.of(Long.parseLong(parts[0])), new PlanHash(parts.length > 1 ? parts[1] : ""));
        } catch (IllegalArgumentException e) {
            throw new StoreUnavailableException("etcd key " + v.getKey().toString(StandardCharsets.UTF_8) + " holds '" + text + "', not a stamp: remove it only if that endpoint should accept any plan again");
        }
    }

    private static String stampText(Stamp s) {
        return s.generation().value() + " " + s.planHash().hex();
    }

    @Override
    public ApplyOutcome applyIfNewer(Endpoint endpoint, Stamp expected, Stamp next, RecordSet records) {
        if (records == null) throw new IllegalArgumentException("refusing to apply an empty record set to " + endpoint);
        return applyAllIfNewer(List.of(new ConditionalApply(endpoint, expected, next, records))).get(0);
    }

    @Override
    public List<ApplyOutcome> applyAllIfNewer(List<ConditionalApply> applies) {
        if (applies == null) throw new IllegalArgumentException("applies must not be null");
        List<byte[]> values = new ArrayList<>(applies.size());
        Set<Endpoint> seen = new HashSet<>();
        for (ConditionalApply a : applies) {
            // Validate the whole request before deciding anything: a refused request writes nothing.
            if (a == null) throw new IllegalArgumentException("null apply in batch");
            if (a.records().addresses().isEmpty()) throw new IllegalArgumentException("refusing to apply an empty record set to " + a.endpoint());
            if (!seen.add(a.endpoint())) throw new IllegalArgumentException("endpoint " + a.endpoint() + " twice in one batch");
            values.add(StampedRecordCodec.encode(a.endpoint(), a.next(), a.records()));
        }
        List<ApplyOutcome> outcomes = new ArrayList<>(applies.size());
        int from = 0;
        while (from < applies.size()) { // each pass takes at least one apply
            int to = from;
            long bytes = 0;
            while (to < applies.size() && to - from < BATCH_ENDPOINTS_MAX && (to == from || bytes + values.get(to).length <= BATCH_VALUE_BYTES_MAX)) bytes += values.get(to++).length;
            outcomes.addAll(applyBatch(applies.subList(from, to), values.subList(from, to)));
            from = to;
        }
        return outcomes;
    }

    /** One batch: one read transaction, one write transaction; per-key retries only when the shared compare fails. */
    private List<ApplyOutcome> applyBatch(List<ConditionalApply> batch, List<byte[]> values) {
        List<Snapshot> snaps = snapshots(batch.stream().map(ConditionalApply::endpoint).toList());
        ApplyOutcome[] outcomes = new ApplyOutcome[batch.size()];
        List<Cmp> compares = new ArrayList<>();
        List<Op> writes = new ArrayList<>();
        List<Integer> candidates = new ArrayList<>();
        for (int i = 0; i < batch.size(); i++) {
            ConditionalApply a = batch.get(i);
            Snapshot s = snaps.get(i);
            outcomes[i] = EmbeddedRecordStore.decide(s.stamp(), s.retired(), a.expected(), a.next());
            if (outcomes[i] != ApplyOutcome.APPLIED) continue;
            candidates.add(i);
            addWrite(a.endpoint(), s, values.get(i), compares, writes);
        }
        if (candidates.isEmpty()) return List.of(outcomes);
        TxnResponse r = etcd.await(kv.txn().If(compares.toArray(Cmp[]::new)).Then(writes.toArray(Op[]::new)).commit(), "apply " + candidates.size() + " endpoints");
        if (!r.isSucceeded()) {
            // Someone wrote one of these keys since we read them: each is its own compare-and-set again.
            for (int i : candidates) outcomes[i] = applyOne(batch.get(i), values.get(i));
        }
        return List.of(outcomes);
    }

    private void addWrite(Endpoint endpoint, Snapshot s, byte[] value, List<Cmp> compares, List<Op> writes) {
        compares.add(new Cmp(etcd.key(RECORDS + endpoint.name()), Cmp.Op.EQUAL, CmpTarget.modRevision(s.recordsRevision())));
        compares.add(new Cmp(etcd.key(RETIRED + endpoint.name()), Cmp.Op.EQUAL, CmpTarget.modRevision(s.retiredRevision())));
        writes.add(Op.put(etcd.key(RECORDS + endpoint.name()), io.etcd.jetcd.ByteSequence.from(value), PutOption.DEFAULT));
        // Back in service: the retired marker goes in the same transaction (the new stamp is above it).
        if (s.retiredRevision() != 0) writes.add(Op.delete(etcd.key(RETIRED + endpoint.name()), DeleteOption.DEFAULT));
    }

    private ApplyOutcome applyOne(ConditionalApply a, byte[] value) {
        for (int attempt = 0; attempt < CAS_ATTEMPTS_MAX; attempt++) {
            Snapshot s = snapshots(List.of(a.endpoint())).get(0);
            ApplyOutcome outcome = EmbeddedRecordStore.decide(s.stamp(), s.retired(), a.expected(), a.next());
            if (outcome != ApplyOutcome.APPLIED) return outcome;
            List<Cmp> compares = new ArrayList<>(2);
            List<Op> writes = new ArrayList<>(2);
            addWrite(a.endpoint(), s, value, compares, writes);
            TxnResponse r = etcd.await(kv.txn().If(compares.toArray(Cmp[]::new)).Then(writes.toArray(Op[]::new)).commit(), "apply " + a.endpoint());
            if (r.isSucceeded()) return ApplyOutcome.APPLIED;
        }
        throw new StoreUnavailableException("apply to " + a.endpoint() + " lost " + CAS_ATTEMPTS_MAX + " compare-and-sets in a row");
    }

    @Override
    public Set<Endpoint> endpoints() {
        GetResponse r = etcd.await(kv.get(etcd.key(RECORDS), GetOption.builder().isPrefix(true).withKeysOnly(true).build()), "list endpoints");
        Set<Endpoint> out = new HashSet<>(r.getKvs().size() * 2);
        for (KeyValue v : r.getKvs()) out.add(new Endpoint(etcd.suffix(v.getKey()).substring(RECORDS.length())));
        return Set.copyOf(out);
    }

    @Override
    public boolean retire(Endpoint endpoint, Stamp expected) {
        if (endpoint == null || expected == null) throw new IllegalArgumentException("endpoint and expected stamp must not be null");
        for (int attempt = 0; attempt < CAS_ATTEMPTS_MAX; attempt++) {
            Snapshot s = snapshots(List.of(endpoint)).get(0);
            if (!s.stamp().equals(expected)) return false;
            if (s.recordsRevision() == 0) return true; // holds nothing: idempotent
            // The high-water is the retired stamp (or an older retirement's, if that was higher).
            Stamp high = s.retired() != null && s.retired().generation().isAfter(s.stamp().generation()) ? s.retired() : s.stamp();
            TxnResponse r = etcd.await(kv.txn()
                    .If(new Cmp(etcd.key(RECORDS + endpoint.name()), Cmp.Op.EQUAL, CmpTarget.modRevision(s.recordsRevision())),
                            new Cmp(etcd.key(RETIRED + endpoint.name()), Cmp.Op.EQUAL, CmpTarget.modRevision(s.retiredRevision())))
                    .Then(Op.delete(etcd.key(RECORDS + endpoint.name()), DeleteOption.DEFAULT),
                            Op.put(etcd.key(RETIRED + endpoint.name()), Etcd.bytes(stampText(high)), PutOption.DEFAULT))
                    .commit(), "retire " + endpoint);
            if (r.isSucceeded()) return true;
        }
        throw new StoreUnavailableException("retire of " + endpoint + " lost " + CAS_ATTEMPTS_MAX + " compare-and-sets in a row");
    }
}
