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
import io.waymark.core.model.Stamp;
import io.waymark.core.port.ApplyOutcome;
import io.waymark.core.port.BatchRecordStore;
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
import java.util.concurrent.CompletableFuture;

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
public final class EtcdRecordStore implements BatchRecordStore {
    /** etcd's default --max-txn-ops is 128: two keys per endpoint. */
    public static final int BATCH_ENDPOINTS_MAX = 64;
    /** Values per batched transaction stay below etcd's default 1.5 MiB request limit. */
    static final int BATCH_VALUE_BYTES_MAX = 1 << 20;
    private static final int CAS_ATTEMPTS_MAX = 8;
    /** Batches whose transactions are in flight together (bounded: each holds up to 1 MiB of values). */
    static final int BATCHES_IN_FLIGHT_MAX = 16;
    /** Re-reads of a contended batch before its applies go one by one. */
    private static final int BATCH_ATTEMPTS_MAX = 3;
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
        return parse(endpoints, etcd.await(readTxn(endpoints).commit(), "read " + endpoints.size() + " endpoints"));
    }

    /** One transaction reading both keys of every endpoint: one revision for all of them. */
    private io.etcd.jetcd.Txn readTxn(List<Endpoint> endpoints) {
        List<Op> gets = new ArrayList<>(2 * endpoints.size());
        for (Endpoint e : endpoints) {
            gets.add(Op.get(etcd.key(RECORDS + e.name()), GetOption.DEFAULT));
            gets.add(Op.get(etcd.key(RETIRED + e.name()), GetOption.DEFAULT));
        }
        return kv.txn().Then(gets.toArray(Op[]::new));
    }

    private List<Snapshot> parse(List<Endpoint> endpoints, TxnResponse r) {
        List<GetResponse> got = r.getGetResponses();
        if (got.size() != 2 * endpoints.size()) throw new StoreUnavailableException("etcd answered " + got.size() + " of " + 2 * endpoints.size() + " reads");
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
    public List<ApplyOutcome> applyAllIfNewer(List<ConditionalApply> applies) {
        ConditionalApply.requireValid(applies);
        List<byte[]> values = new ArrayList<>(applies.size());
        Set<Endpoint> seen = new HashSet<>();
        for (ConditionalApply a : applies) {
            if (!seen.add(a.endpoint())) throw new IllegalArgumentException("endpoint " + a.endpoint() + " twice in one batch");
            values.add(StampedRecordCodec.encode(a.endpoint(), a.next(), a.records()));
        }
        List<int[]> batches = new ArrayList<>();
        int from = 0;
        while (from < applies.size()) { // each pass takes at least one apply
            int to = from;
            long bytes = 0;
            while (to < applies.size() && to - from < BATCH_ENDPOINTS_MAX && (to == from || bytes + values.get(to).length <= BATCH_VALUE_BYTES_MAX)) bytes += values.get(to++).length;
            batches.add(new int[] {from, to});
            from = to;
        }
        ApplyOutcome[] outcomes = new ApplyOutcome[applies.size()];
        for (int w = 0; w < batches.size(); w += BATCHES_IN_FLIGHT_MAX) {
            applyWave(applies, values, batches.subList(w, Math.min(batches.size(), w + BATCHES_IN_FLIGHT_MAX)), outcomes);
        }
        return List.of(outcomes);
    }

    /** What one batch decided: its compares and writes, and which of its applies they carry. */
    private record Decided(int[] range, List<Cmp> compares, List<Op> writes, List<Integer> candidates) {}

    /**
     * Up to {@link #BATCHES_IN_FLIGHT_MAX} batches at once (their endpoints are distinct, so they are
     * independent): all read transactions in flight together, then all write transactions. Why:
     * one etcd round trip costs milliseconds (a raft commit, an fsync); in sequence, 100,000 endpoints
     * would wait for thousands of them one after another. A batch whose shared compare failed is
     * read and decided again on its own (bounded), then per key.
     */
    private void applyWave(List<ConditionalApply> applies, List<byte[]> values, List<int[]> wave, ApplyOutcome[] outcomes) {
        List<CompletableFuture<TxnResponse>> reads = new ArrayList<>(wave.size());
        for (int[] b : wave) reads.add(readTxn(endpoints(applies, b)).commit());
        List<Decided> decided = new ArrayList<>(wave.size());
        for (int k = 0; k < wave.size(); k++) {
            int[] b = wave.get(k);
            List<Snapshot> snaps = parse(endpoints(applies, b), etcd.await(reads.get(k), "read " + (b[1] - b[0]) + " endpoints"));
            decided.add(decide(applies, values, b, snaps, outcomes));
        }
        List<CompletableFuture<TxnResponse>> writes = new ArrayList<>(wave.size());
        for (Decided d : decided) {
            writes.add(d.candidates().isEmpty() ? null : kv.txn().If(d.compares().toArray(Cmp[]::new)).Then(d.writes().toArray(Op[]::new)).commit());
        }
        for (int k = 0; k < decided.size(); k++) {
            if (writes.get(k) == null) continue;
            Decided d = decided.get(k);
            if (!etcd.await(writes.get(k), "apply " + d.candidates().size() + " endpoints").isSucceeded()) retryBatch(applies, values, d.range(), outcomes);
        }
    }

    private static List<Endpoint> endpoints(List<ConditionalApply> applies, int[] range) {
        List<Endpoint> out = new ArrayList<>(range[1] - range[0]);
        for (int i = range[0]; i < range[1]; i++) out.add(applies.get(i).endpoint());
        return out;
    }

    /** Decides each apply of {@code range} on {@code snaps} (outcomes written), and collects the writes of those to apply. */
    private Decided decide(List<ConditionalApply> applies, List<byte[]> values, int[] range, List<Snapshot> snaps, ApplyOutcome[] outcomes) {
        List<Cmp> compares = new ArrayList<>();
        List<Op> writes = new ArrayList<>();
        List<Integer> candidates = new ArrayList<>();
        for (int i = range[0]; i < range[1]; i++) {
            ConditionalApply a = applies.get(i);
            Snapshot s = snaps.get(i - range[0]);
            outcomes[i] = EmbeddedRecordStore.decide(s.stamp(), s.retired(), a.expected(), a.next());
            if (outcomes[i] != ApplyOutcome.APPLIED) continue;
            candidates.add(i);
            addWrite(a.endpoint(), s, values.get(i), compares, writes);
        }
        return new Decided(range, compares, writes, candidates);
    }

    /** A batch whose shared compare failed: read and decide again (someone else wrote some of its keys), then per key. */
    private void retryBatch(List<ConditionalApply> applies, List<byte[]> values, int[] range, ApplyOutcome[] outcomes) {
        for (int attempt = 0; attempt < BATCH_ATTEMPTS_MAX; attempt++) {
            Decided d = decide(applies, values, range, snapshots(endpoints(applies, range)), outcomes);
            if (d.candidates().isEmpty()) return;
            TxnResponse r = etcd.await(kv.txn().If(d.compares().toArray(Cmp[]::new)).Then(d.writes().toArray(Op[]::new)).commit(), "apply " + d.candidates().size() + " endpoints");
            if (r.isSucceeded()) return;
        }
        // Still contended: each is its own compare-and-set.
        for (int i = range[0]; i < range[1]; i++) {
            if (outcomes[i] == ApplyOutcome.APPLIED) outcomes[i] = applyOne(applies.get(i), values.get(i));
        }
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
