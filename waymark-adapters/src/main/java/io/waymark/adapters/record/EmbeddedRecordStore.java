package io.waymark.adapters.record;

import io.waymark.adapters.fs.DataDir;
import io.waymark.adapters.fs.FileDataDir;
import io.waymark.adapters.log.AppendLog;
import io.waymark.adapters.log.CompactionFailedException;
import io.waymark.adapters.log.Recovery;
import io.waymark.adapters.log.SalvageReport;
import io.waymark.core.model.Endpoint;
import io.waymark.core.model.PlanDraft;
import io.waymark.core.model.RecordSet;
import io.waymark.core.model.Stamp;
import io.waymark.core.port.ApplyOutcome;
import io.waymark.core.port.BatchRecordStore;
import io.waymark.core.port.ConditionalApply;
import io.waymark.core.port.RecordStore;
import io.waymark.core.port.StampedRecords;
import io.waymark.core.port.StoreUnavailableException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded record store: per endpoint a stamp and a record set, made durable in an
 * {@link AppendLog} and handed to a {@link ServingSink} (the DNS server) after every durable commit.
 * An apply returns only when it is durable AND served: acknowledged ⇒ durable ⇒ served.
 *
 * <p><b>Group commit.</b> A call evaluates its compare-and-sets under a short lock against the newest
 * state (including changes that are queued but not yet durable), queues its changes, and then waits
 * until they are durable. The first waiter becomes the flusher: it takes every queued change, writes
 * them as one log entry with ONE fsync, publishes them to the sink in ONE call, and wakes everyone it
 * covered. Callers that arrive while an fsync is running share the next one. The queue holds at most
 * one group per waiting caller, so it is bounded by the number of caller threads.
 *
 * <p><b>Reads</b> see only durable, served state, so a read never reports something a crash could
 * take back. Compare-and-sets evaluate against the newest state, so commits happen in exactly the
 * order they were decided; a read linearizes before any still-queued write, which has not returned yet.
 *
 * <p><b>Retirement and high-water.</b> {@link #retire} writes a tombstone (group-committed like
 * applies) and the sink stops serving the name in the same snapshot. The tombstone keeps the
 * retired stamp, also across compactions, as the endpoint's high-water generation: only an apply
 * above it lands afterwards (a stale enactor cannot bring back the plan it was retired at).
 *
 * <p><b>Damage.</b> A damaged log makes {@link #open} refuse (corruption is never truncation);
 * {@link #salvage} then serves every readable entry read-only while automation stays stopped.
 *
 * <p><b>Failure.</b> If the log cannot be written or fsynced, or the sink refuses a commit, durable
 * state and memory may disagree: the store then fails every further call with
 * {@link StoreUnavailableException} until it is reopened, which recovers exactly the durable prefix.
 * (This is PostgreSQL's lesson about retrying fsync: a failed fsync cannot be retried.)
 */
public final class EmbeddedRecordStore implements BatchRecordStore, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedRecordStore.class);
    public static final String LOG_FILE = "records.log";
    /** One request may carry a whole plan's worth of applies, and no more. */
    public static final int BATCH_APPLIES_MAX = PlanDraft.ENDPOINTS_MAX;
    static final int ENTRY_BYTES_MAX = 64 << 20;
    /** Compaction threshold: the log may grow to twice the live state plus this much before it is rewritten. */
    static final long COMPACTION_SLACK_BYTES = 32L << 20;

    private final ServingSink sink;

    // Decision state, guarded by decideLock.
    private final Object decideLock = new Object();
    private final Map<Endpoint, StampedRecords> newest = new HashMap<>();
    /** Retired endpoints and the stamp they were retired at: their high-water generation. */
    private final Map<Endpoint, Stamp> newestRetired = new HashMap<>();
    private final ArrayDeque<Group> queued = new ArrayDeque<>();
    private long decidedSeq;

    // Commit state, guarded by commitLock.
    private final ReentrantLock commitLock = new ReentrantLock();
    private final Condition committedChanged = commitLock.newCondition();
    private long durableSeq;
    private boolean flushing;
    // Volatile so that reads can check them without taking the commit lock; written under it.
    private volatile boolean closed;
    private volatile Throwable failure;

    // Touched only by the single flusher (or during open/close): the log and the durable, served state.
    private final AppendLog log;
    private final ConcurrentHashMap<Endpoint, StampedRecords> durable = new ConcurrentHashMap<>();
    private final Map<Endpoint, Stamp> durableRetired = new HashMap<>();
    private final long compactionSlackBytes;
    private long liveBytesAtCompaction;
    private boolean compactionFailureReported;

    /** Changes decided by one call, with their commit sequence number. */
    private record Group(long seq, List<EndpointChange> changes) {}

    private EmbeddedRecordStore(AppendLog log, ServingSink sink, long compactionSlackBytes) {
        this.log = log;
        this.sink = sink;
        this.compactionSlackBytes = compactionSlackBytes;
    }

    /**
     * Opens (or creates) the store in {@code dir}: replays the log (cutting a torn tail, see
     * {@link AppendLog}), publishes the full replayed state to {@code sink} once, and only then
     * returns a store that accepts writes. A damaged log refuses with
     * {@link io.waymark.adapters.log.LogDamagedException} and is left as it is; see {@link #salvage}.
     */
    public static EmbeddedRecordStore open(Path dir, ServingSink sink) throws IOException {
        return open(FileDataDir.open(dir), sink);
    }

    /** As {@link #open(Path, ServingSink)}, over any data directory (the simulator passes its disk). */
    public static EmbeddedRecordStore open(DataDir dir, ServingSink sink) throws IOException {
        return open(dir, sink, COMPACTION_SLACK_BYTES);
    }

    /** As {@link #open(Path, ServingSink)}, with a compaction threshold tests can make small. */
    static EmbeddedRecordStore open(Path dir, ServingSink sink, long compactionSlackBytes) throws IOException {
        return open(FileDataDir.open(dir), sink, compactionSlackBytes);
    }

    /** As {@link #open(DataDir, ServingSink)}, with a compaction threshold tests and the simulator can make small. */
    public static EmbeddedRecordStore open(DataDir dir, ServingSink sink, long compactionSlackBytes) throws IOException {
        if (compactionSlackBytes < 0) throw new IllegalArgumentException("compactionSlackBytes must be >= 0");
        if (sink == null) throw new IllegalArgumentException("sink must not be null (use ServingSink.NONE)");
        Map<Endpoint, StampedRecords> replayed = new HashMap<>();
        Map<Endpoint, Stamp> retired = new HashMap<>();
        long[] entry = {0};
        AppendLog log = AppendLog.open(dir, LOG_FILE, ENTRY_BYTES_MAX, bytes -> {
            entry[0]++;
            for (EndpointChange c : ChangeCodec.decode(bytes)) {
                String refusal = replayOne(replayed, retired, c);
                if (refusal != null) throw new IllegalStateException("record log entry " + entry[0] + " " + refusal);
            }
        });
        EmbeddedRecordStore store = new EmbeddedRecordStore(log, sink, compactionSlackBytes);
        try {
            store.newest.putAll(replayed);
            store.durable.putAll(replayed);
            store.newestRetired.putAll(retired);
            store.durableRetired.putAll(retired);
            Recovery r = log.recovery();
            LOG.info("record store {}: {} endpoints from {} log entries ({} bytes{})", dir.describe(LOG_FILE), replayed.size(), r.entriesKept(), r.bytesKept(),
                    r.cut() ? ", cut " + r.bytesCut() + " bytes: " + r.reason() : "");
            // The live size is unknown until the next compaction measures it; counting from the
            // current size bounds growth to 2x + slack without encoding the whole state at start.
            store.liveBytesAtCompaction = log.sizeBytes();
            sink.publishStamped(replayed, Set.of());
            return store;
        } catch (RuntimeException e) {
            log.close();
            throw e;
        }
    }

    /**
     * Read-only recovery for a {@code records.log} that {@link #open} refused as damaged
     * ({@link io.waymark.adapters.log.LogDamagedException}): reads every frame that passes its
     * checksums (entries are self-contained changes per endpoint, so a damaged one can be skipped),
     * still enforcing monotonic generations per endpoint (a change that would move an endpoint back is
     * skipped and reported), publishes the result to {@code sink} once, and returns a store that
     * answers reads and refuses every write, with a report of what was damaged. The file is not
     * changed. The daemon serves DNS from this while automation stays stopped and status shows
     * {@link SalvagedRecordStore.Report#summary()}; after the operator repairs the file, a normal
     * {@link #open} takes over.
     */
    public static SalvagedRecordStore salvage(DataDir dir, ServingSink sink) throws IOException {
        if (sink == null) throw new IllegalArgumentException("sink must not be null (use ServingSink.NONE)");
        Map<Endpoint, StampedRecords> state = new HashMap<>();
        Map<Endpoint, Stamp> retired = new HashMap<>();
        List<String> outOfOrder = new ArrayList<>();
        long[] undecodable = {0};
        SalvageReport log = AppendLog.salvage(dir, LOG_FILE, ENTRY_BYTES_MAX, bytes -> {
            List<EndpointChange> changes;
            try {
                changes = ChangeCodec.decode(bytes);
            } catch (RuntimeException e) {
                undecodable[0]++;
                return;
            }
            for (EndpointChange c : changes) {
                // A change that would break I2 is skipped, not fatal: other entries may be good.
                String refusal = replayOne(state, retired, c);
                if (refusal != null && outOfOrder.size() < SalvagedRecordStore.Report.OUT_OF_ORDER_LISTED_MAX) outOfOrder.add(refusal);
            }
        });
        SalvagedRecordStore.Report report = new SalvagedRecordStore.Report(log, undecodable[0], outOfOrder);
        sink.publishStamped(state, Set.of());
        if (report.damaged()) LOG.error("{}", report.summary());
        return new SalvagedRecordStore(state, report);
    }

    /**
     * Applies one logged change to replayed state, checking I2 at rest: an apply moves an endpoint
     * forward and never below its high-water; a retirement retires what is there (or, in a compacted
     * log, just records the high-water). Returns why the change is refused, or null.
     */
    private static String replayOne(Map<Endpoint, StampedRecords> live, Map<Endpoint, Stamp> retired, EndpointChange c) {
        StampedRecords before = live.get(c.endpoint());
        if (c.isRetirement()) {
            if (before != null && !before.stamp().equals(c.stamp())) return "retires " + c.endpoint() + " at " + c.stamp() + " but it holds " + before.stamp();
            live.remove(c.endpoint());
            retired.put(c.endpoint(), c.stamp());
            return null;
        }
        if (before != null && !c.stamp().generation().isAfter(before.stamp().generation())) {
            return "moves " + c.endpoint() + " from " + before.stamp() + " back to " + c.stamp();
        }
        Stamp high = retired.get(c.endpoint());
        if (before == null && high != null && high.generation().isAtLeast(c.stamp().generation())) {
            return "brings " + c.endpoint() + " back at " + c.stamp() + ", not above the stamp it was retired at, " + high;
        }
        live.put(c.endpoint(), new StampedRecords(c.stamp(), Optional.of(c.records())));
        retired.remove(c.endpoint());
        return null;
    }

    @Override
    public StampedRecords read(Endpoint endpoint) {
        if (endpoint == null) throw new IllegalArgumentException("endpoint must not be null");
        checkUsable();
        StampedRecords live = durable.get(endpoint);
        if (live != null) return live;
        Stamp retired = durableRetired.get(endpoint);
        return retired == null ? StampedRecords.ABSENT : StampedRecords.tombstone(retired.generation());
    }

    @Override
    public List<ApplyOutcome> applyAllIfNewer(List<ConditionalApply> applies) {
        return apply(applies, false);
    }

    /**
     * The applies as ONE compare-and-set: either every outcome is {@link ApplyOutcome#APPLIED} and all
     * were written together (one log entry, one snapshot, durable on return), or nothing was written and
     * the outcomes say what each alone would have been (its APPLIED ones were not written). An RFC 2136
     * UPDATE naming several endpoints lands this way (RFC 2136 §3.4: all or nothing).
     */
    public List<ApplyOutcome> applyAllOrNothing(List<ConditionalApply> applies) {
        return apply(applies, true);
    }

    private List<ApplyOutcome> apply(List<ConditionalApply> applies, boolean allOrNothing) {
        ConditionalApply.requireValid(applies);
        if (applies.size() > BATCH_APPLIES_MAX) throw new IllegalArgumentException("at most " + BATCH_APPLIES_MAX + " applies per call, got " + applies.size());
        List<ApplyOutcome> outcomes = new ArrayList<>(applies.size());
        long waitFor;
        synchronized (decideLock) {
            checkUsable();
            for (ConditionalApply a : applies) {
                StampedRecords current = newest.getOrDefault(a.endpoint(), StampedRecords.ABSENT);
                outcomes.add(decide(current.stamp(), newestRetired.get(a.endpoint()), a.expected(), a.next()));
            }
            boolean write = !allOrNothing || outcomes.stream().allMatch(o -> o == ApplyOutcome.APPLIED);
            List<EndpointChange> changes = new ArrayList<>();
            for (int i = 0; i < applies.size() && write; i++) {
                ConditionalApply a = applies.get(i);
                if (outcomes.get(i) != ApplyOutcome.APPLIED) continue;
                newest.put(a.endpoint(), new StampedRecords(a.next(), Optional.of(a.records())));
                newestRetired.remove(a.endpoint());
                changes.add(new EndpointChange(a.endpoint(), a.next(), a.records()));
            }
            if (!changes.isEmpty()) queued.addLast(new Group(++decidedSeq, changes));
            // Even a call that wrote nothing waits for what it observed to be durable: a SUPERSEDED
            // answer must not rest on a change a crash could still take back.
            waitFor = decidedSeq;
        }
        awaitDurable(waitFor);
        return outcomes;
    }

    /**
     * The compare-and-set rule of {@link RecordStore#applyIfNewer}, on stamps only. Stamps in this
     * store are never lost or unreadable, so the high-water generation is the stamp's — or, for a
     * retired endpoint ({@code retired} non-null), the retired stamp's, which only a newer plan passes.
     */
    public static ApplyOutcome decide(Stamp current, Stamp retired, Stamp expected, Stamp next) {
        if (current.generation().isAtLeast(next.generation())) return ApplyOutcome.SUPERSEDED;
        if (retired != null && retired.generation().isAtLeast(next.generation())) return ApplyOutcome.SUPERSEDED; // never resurrect an old plan
        if (!current.equals(expected)) return ApplyOutcome.CONFLICT;
        return ApplyOutcome.APPLIED;
    }

    /**
     * {@inheritDoc} Durable and no longer served when it returns true: the tombstone is one log
     * entry (group-committed like applies) and the sink stops serving the name in the same snapshot.
     * Refused up front (UnsupportedOperationException, nothing written) when the sink cannot remove.
     */
    @Override
    public boolean retire(Endpoint endpoint, Stamp expected) {
        if (endpoint == null || expected == null) throw new IllegalArgumentException("endpoint and expected stamp must not be null");
        if (!sink.removes()) throw new UnsupportedOperationException("the serving sink cannot stop serving " + endpoint + "; open the store with ServingSink.removing(...)");
        boolean retired;
        long waitFor;
        synchronized (decideLock) {
            checkUsable();
            StampedRecords current = newest.get(endpoint);
            Stamp now = current == null ? Stamp.NONE : current.stamp();
            retired = now.equals(expected);
            if (retired && current != null) {
                newest.remove(endpoint);
                newestRetired.put(endpoint, now);
                queued.addLast(new Group(++decidedSeq, List.of(EndpointChange.retirement(endpoint, now))));
            }
            // As for applies: an answer, even "nothing to do", rests only on durable state.
            waitFor = decidedSeq;
        }
        awaitDurable(waitFor);
        return retired;
    }

    private void awaitDurable(long seq) {
        commitLock.lock();
        try {
            // Bounded: after at most one wait for a running flush, this caller flushes itself, and
            // its own flush covers seq (its group was queued before it got here).
            while (true) {
                if (failure != null) throw new StoreUnavailableException("record store failed; reopen it to recover the durable state", failure);
                if (durableSeq >= seq) return;
                if (closed) throw new StoreUnavailableException("record store closed before the write was durable; re-read to learn its outcome");
                if (!flushing) break;
                committedChanged.awaitUninterruptibly();
            }
            flushing = true;
        } finally {
            commitLock.unlock();
        }
        long flushedSeq = -1;
        Throwable failed = null;
        try {
            flushedSeq = flushQueued();
        } catch (IOException | RuntimeException | Error e) {
            failed = e;
            LOG.error("record store commit failed; refusing further work until reopened", e);
        }
        commitLock.lock();
        try {
            flushing = false;
            if (failed != null) failure = failed;
            else durableSeq = flushedSeq;
            committedChanged.signalAll();
            if (failure != null) throw new StoreUnavailableException("record store commit failed; outcome unknown, re-read after reopen", failure);
            if (durableSeq < seq) throw new IllegalStateException("flush covered " + durableSeq + " but caller needs " + seq);
        } finally {
            commitLock.unlock();
        }
    }

    /** Runs as the only flusher: one log append, one fsync, one sink publish for all queued groups. */
    private long flushQueued() throws IOException {
        List<Group> groups;
        long upTo;
        synchronized (decideLock) {
            groups = new ArrayList<>(queued);
            queued.clear();
            upTo = decidedSeq;
        }
        if (groups.isEmpty()) return upTo;
        List<EndpointChange> all = new ArrayList<>();
        for (Group g : groups) all.addAll(g.changes());
        log.append(ChangeCodec.encode(all, ENTRY_BYTES_MAX));
        // Later changes to the same endpoint win: the map keeps the last one, in commit order.
        Map<Endpoint, EndpointChange> last = new LinkedHashMap<>(all.size() * 2);
        for (EndpointChange c : all) last.put(c.endpoint(), c);
        Map<Endpoint, StampedRecords> served = new LinkedHashMap<>(last.size() * 2);
        Set<Endpoint> removed = new java.util.HashSet<>();
        // Every plan restamps every endpoint: for a sink that does not answer stamps, an endpoint whose
        // records are the ones already durable (hence served: `durable` switches only after the sink)
        // changes no answer, and handing it over anyway cost a name lookup per endpoint per commit.
        boolean restampsServed = sink.servesStamps();
        for (EndpointChange c : last.values()) {
            if (c.isRetirement()) removed.add(c.endpoint());
            else if (restampsServed || !servesAlready(c)) served.put(c.endpoint(), new StampedRecords(c.stamp(), Optional.of(c.records())));
        }
        sink.publishStamped(served, removed);
        // Reads switch only after serving: read() never reports what DNS does not answer yet.
        for (EndpointChange c : all) {
            if (c.isRetirement()) {
                durable.remove(c.endpoint());
                durableRetired.put(c.endpoint(), c.stamp());
            } else {
                durable.put(c.endpoint(), new StampedRecords(c.stamp(), Optional.of(c.records())));
                durableRetired.remove(c.endpoint());
            }
        }
        compactIfWorthwhile();
        return upTo;
    }

    /** Whether the durable (and served) state already holds exactly {@code c}'s records. Called by the flusher. */
    private boolean servesAlready(EndpointChange c) {
        StampedRecords now = durable.get(c.endpoint());
        if (now == null) return false;
        RecordSet records = now.records().orElse(null);
        return records == c.records() || c.records().equals(records);
    }

    private void compactIfWorthwhile() throws IOException {
        if (log.sizeBytes() <= 2 * liveBytesAtCompaction + compactionSlackBytes) return;
        List<EndpointChange> live = new ArrayList<>(durable.size() + durableRetired.size());
        durable.forEach((e, s) -> live.add(new EndpointChange(e, s.stamp(), s.records().orElseThrow())));
        // Retired endpoints keep their high-water across compactions (one small tombstone each).
        durableRetired.forEach((e, s) -> live.add(EndpointChange.retirement(e, s)));
        try {
            log.rewrite(ChangeCodec.encode(live, ENTRY_BYTES_MAX));
            compactionFailureReported = false;
        } catch (CompactionFailedException e) {
            // The old log is intact and still in use, and this commit is already durable and served:
            // carry on, report once, and wait for the log to grow again before the next attempt.
            if (!compactionFailureReported) LOG.warn("record store compaction failed; the log is intact, it will be retried (reported once)", e);
            compactionFailureReported = true;
        }
        liveBytesAtCompaction = log.sizeBytes();
    }

    @Override
    public Set<Endpoint> endpoints() {
        checkUsable();
        return Set.copyOf(durable.keySet());
    }

    /** Groups decided but not yet durable (tests use it to line callers up behind a running commit). */
    int queuedGroups() {
        synchronized (decideLock) {
            return queued.size();
        }
    }

    /** Bytes in the log file now (for status views and tests of compaction). */
    public long logSizeBytes() {
        return log.sizeBytes();
    }

    private void checkUsable() {
        Throwable f = failure;
        if (f != null) throw new StoreUnavailableException("record store failed; reopen it to recover the durable state", f);
        if (closed) throw new StoreUnavailableException("record store is closed");
    }

    /** Waits for a running commit to finish, then closes the log. Later calls fail with StoreUnavailableException. */
    @Override
    public void close() throws IOException {
        commitLock.lock();
        try {
            if (closed) return;
            closed = true;
            // Bounded by one flush: a flusher always finishes (success or failure) and signals.
            while (flushing) committedChanged.awaitUninterruptibly();
            committedChanged.signalAll();
        } finally {
            commitLock.unlock();
        }
        log.close();
    }
}
