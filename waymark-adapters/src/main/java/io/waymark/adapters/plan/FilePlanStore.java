package io.waymark.adapters.plan;

import io.waymark.adapters.fs.DataDir;
import io.waymark.adapters.fs.FileDataDir;
import io.waymark.adapters.log.AppendLog;
import io.waymark.adapters.log.CompactionFailedException;
import io.waymark.adapters.log.LogCorruptException;
import io.waymark.adapters.log.LogDamagedException;
import io.waymark.core.model.ControlFlags;
import io.waymark.core.model.Generation;
import io.waymark.core.model.Plan;
import io.waymark.core.model.PlanDraft;
import io.waymark.core.model.PlanHash;
import io.waymark.core.port.PlanStore;
import io.waymark.core.port.PublishOutcome;
import io.waymark.core.port.StoreUnavailableException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded plan store: plan history, the latest pointer and the control flags in one
 * {@link AppendLog}. Every change (publish, delete, flags) is fsynced before the method returns.
 *
 * <p>Writers serialize on one lock (publishes are rare; the compare-and-set on the latest generation
 * needs them serialized anyway). Readers never lock: they read an immutable {@link State} that a
 * writer swaps in only after its entry is durable, so a reader never sees a plan a crash could take
 * back.
 *
 * <p>Heap: only the latest plan is kept decoded; every other retained plan is an offset into the log,
 * read back and decoded on demand by {@link #read} (which retries under the writer lock if it raced
 * a compaction). So the heap holds one plan, not the whole retained history.
 *
 * <p>Plan hashes are checked on load. A plan whose content does not match its hash is kept as stored
 * (with a warning), not dropped: enactors verify hashes themselves and refuse it, and the next
 * publish supersedes it, whereas silently dropping it could move the latest pointer backwards.
 *
 * <p>Generations (I6): publishes hand out generations within a block reserved durably in
 * {@code plans.floor} beside the log ({@link GenerationFloor}), so that after the log is lost,
 * moved aside, or found damaged, the next publish still lands above every generation ever handed out
 * (it may then skip generations). A damaged log makes open refuse (corruption is never truncation).
 *
 * <p>On an I/O failure the store refuses all further calls ({@link StoreUnavailableException}) until
 * reopened: after a failed fsync the durable state is unknown until the log is scanned again.
 */
public final class FilePlanStore implements PlanStore, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(FilePlanStore.class);
    public static final String LOG_FILE = "plans.log";
    static final int ENTRY_BYTES_MAX = 256 << 20;
    /** Generations reserved per floor write: one atomic floor write (two fsyncs) per this many publishes. */
    static final long RESERVATION_GENERATIONS = 1024;
    /** Compaction only pays once deleted plans take this much space, and more than live ones. */
    static final long COMPACTION_DEAD_BYTES_MIN = 4L << 20;

    /** Where a retained plan's entry lies in the log, how big it is, and the hash it must decode to. */
    private record PlanRef(long offset, int bytes, PlanHash hash) {}

    /**
     * Everything readers see, swapped atomically: the latest plan itself, and for every retained plan
     * only where it lies on disk (a 100,000-endpoint plan is tens of MiB of heap; 20 of them would
     * not fit a small daemon).
     */
    private record State(NavigableMap<Generation, PlanRef> index, Plan latestPlan, Generation latest, ControlFlags flags) {}

    private final PlanCodec codec = new PlanCodec();
    /**
     * Fair: history clean-up deletes plans one after another (up to a thousand per run, each fsynced),
     * and with barging a publish waiting behind that loop was parked for up to 86 ms (latency bench,
     * JFR). In arrival order, a publish waits for at most the write in progress.
     */
    private final ReentrantLock writeLock = new ReentrantLock(true);
    private final DataDir dir;
    private final AppendLog log;
    /** Guarded by writeLock: generations reserved so far and the least one to hand out next. */
    private GenerationFloor.Value floor;
    private volatile State state;
    private volatile Throwable failure;
    private volatile boolean closed;
    private final long compactionDeadBytesMin;
    private boolean compactionFailureReported;

    private FilePlanStore(DataDir dir, AppendLog log, State state, long compactionDeadBytesMin, GenerationFloor.Value floor) {
        this.dir = dir;
        this.floor = floor;
        this.log = log;
        this.compactionDeadBytesMin = compactionDeadBytesMin;
        this.state = state;
    }

    /** Opens (or creates) the store in {@code dir}, replaying its log and cutting a torn tail; a damaged log refuses ({@link LogDamagedException}). */
    public static FilePlanStore open(Path dir) throws IOException {
        return open(FileDataDir.open(dir));
    }

    /** As {@link #open(Path)}, over any data directory (the simulator passes its disk). */
    public static FilePlanStore open(DataDir dir) throws IOException {
        return open(dir, COMPACTION_DEAD_BYTES_MIN);
    }

    /** As {@link #open(Path)}, with a compaction threshold tests can make small. */
    static FilePlanStore open(Path dir, long compactionDeadBytesMin) throws IOException {
        return open(FileDataDir.open(dir), compactionDeadBytesMin);
    }

    /** As {@link #open(DataDir)}, with a compaction threshold tests can make small. */
    public static FilePlanStore open(DataDir dir, long compactionDeadBytesMin) throws IOException {
        GenerationFloor.Read floorRead = GenerationFloor.read(dir);
        Replayed r;
        try {
            r = replay(dir);
        } catch (LogDamagedException e) {
            // The log can no longer say which reserved generations were handed out. Whatever the
            // operator does next (move it aside, restore a backup), publishes must land above them.
            if (floorRead instanceof GenerationFloor.Read.Good g) {
                try {
                    GenerationFloor.write(dir, g.value().distrustLog());
                } catch (IOException w) {
                    e.addSuppressed(w);
                }
            }
            throw e;
        }
        try {
            GenerationFloor.Value floor = floorAfterReplay(dir, floorRead, r.state().latest());
            LOG.info("plan store {}: {} plans, latest {}, flags {}, generation floor {}", dir.describe(LOG_FILE), r.state().index().size(), r.state().latest(), r.state().flags(), floor);
            return new FilePlanStore(dir, r.log(), r.state(), compactionDeadBytesMin, floor);
        } catch (IOException | RuntimeException e) {
            r.log().close();
            throw e;
        }
    }

    /**
     * The floor to hand out generations above. A log without any plan while generations were
     * reserved was lost or moved aside: nothing reserved may be handed out again. A damaged floor
     * beside an intact log is rebuilt from the log (the log then knows every generation handed out).
     */
    private static GenerationFloor.Value floorAfterReplay(DataDir dir, GenerationFloor.Read read, Generation latest) throws IOException {
        GenerationFloor.Value floor = switch (read) {
            case GenerationFloor.Read.Absent a -> GenerationFloor.Value.NONE;
            case GenerationFloor.Read.Good g -> g.value();
            case GenerationFloor.Read.Damaged d -> {
                if (latest.equals(Generation.ZERO)) {
                    throw new LogCorruptException(d.reason() + ", and " + dir.describe(LOG_FILE) + " holds no plan: which generations were handed out is unknown."
                            + " What to do: restore " + dir.describe(LOG_FILE) + " or " + dir.describe(GenerationFloor.FILE) + " from a backup. If there is none,"
                            + " remove " + dir.describe(GenerationFloor.FILE) + ": generations then start again at 1, and an endpoint that served a higher"
                            + " generation keeps its records (its high-water refuses older plans) until a plan above that generation is published.");
                }
                LOG.warn("{}; plans.log is intact, so the floor is rebuilt from its latest generation {}", d.reason(), latest);
                yield GenerationFloor.Value.NONE;
            }
        };
        if (latest.equals(Generation.ZERO) && floor.reserved() > 0 && floor.nextMin() <= floor.reserved()) {
            floor = floor.distrustLog();
            LOG.warn("plan store {}: the log holds no plan but generations up to {} were reserved; the next publish gets generation {} or later", dir.describe(LOG_FILE), floor.reserved(), floor.nextMin());
            GenerationFloor.write(dir, floor);
        }
        return floor;
    }

    /** What replaying the log rebuilt. */
    private record Replayed(AppendLog log, State state) {}

    private static Replayed replay(DataDir dir) throws IOException {
        PlanCodec codec = new PlanCodec();
        TreeMap<Generation, PlanRef> plans = new TreeMap<>();
        Plan[] latestPlan = {null};
        Generation[] latest = {Generation.ZERO};
        ControlFlags[] flags = {ControlFlags.NONE};
        long[] index = {0};
        AppendLog log = AppendLog.open(dir, LOG_FILE, ENTRY_BYTES_MAX, (AppendLog.Replay) (offset, buffer) -> {
            index[0]++;
            byte[] bytes = toArray(buffer);
            PlanCodec.Entry entry;
            try {
                entry = codec.decode(bytes);
            } catch (IOException | RuntimeException e) {
                // The CRC matched, so these are the bytes we wrote: a decoding failure is a bug or a
                // format change, and guessing would risk serving the wrong plan. Refuse to start.
                throw new IllegalStateException("plan log entry " + index[0] + " passed its checksum but cannot be decoded", e);
            }
            switch (entry) {
                case PlanCodec.Entry.Publish p -> {
                    Plan plan = p.plan();
                    if (!plan.generation().isAfter(latest[0])) {
                        throw new IllegalStateException("plan log entry " + index[0] + " publishes " + plan.generation() + " after " + latest[0]);
                    }
                    if (!plan.verifyHash()) {
                        LOG.warn("plan {} does not match its stored hash {}; enactors will refuse it until a newer plan is published", plan.generation(), plan.hash());
                    }
                    plans.put(plan.generation(), new PlanRef(offset, bytes.length, plan.hash()));
                    latestPlan[0] = plan; // only the latest stays decoded in heap
                    latest[0] = plan.generation();
                }
                case PlanCodec.Entry.Delete d -> plans.remove(d.generation());
                case PlanCodec.Entry.Flags f -> flags[0] = f.flags();
            }
        });
        if (!latest[0].equals(Generation.ZERO) && !plans.containsKey(latest[0])) {
            log.close();
            throw new IllegalStateException("plan log deletes its latest plan " + latest[0]);
        }
        return new Replayed(log, new State(Collections.unmodifiableNavigableMap(plans), latestPlan[0], latest[0], flags[0]));
    }

    private static byte[] toArray(ByteBuffer buffer) {
        byte[] b = new byte[buffer.remaining()];
        buffer.get(b);
        return b;
    }

    @Override
    public PublishOutcome publish(Generation expectedLatest, PlanDraft draft) {
        if (expectedLatest == null || draft == null) throw new IllegalArgumentException("expectedLatest and draft must not be null");
        writeLock.lock();
        try {
            State s = usable();
            if (!s.latest().equals(expectedLatest)) return new PublishOutcome.Conflict(s.latest());
            Plan plan = Plan.publish(nextGeneration(s.latest()), draft);
            byte[] bytes = codec.publish(plan);
            if (bytes.length > ENTRY_BYTES_MAX) throw new IllegalArgumentException("plan of " + bytes.length + " bytes exceeds the plan store's limit of " + ENTRY_BYTES_MAX);
            long offset = durably(bytes);
            TreeMap<Generation, PlanRef> plans = new TreeMap<>(s.index());
            plans.put(plan.generation(), new PlanRef(offset, bytes.length, plan.hash()));
            state = new State(Collections.unmodifiableNavigableMap(plans), plan, plan.generation(), s.flags());
            if (!state.latest().isAfter(s.latest())) throw new IllegalStateException("latest generation did not advance");
            return new PublishOutcome.Published(plan);
        } finally {
            writeLock.unlock();
        }
    }

    /**
     * The generation to publish next: after the latest, at or above the floor's minimum, and within
     * a durable reservation (reserving the next block first when needed), so that no generation is
     * handed out twice even if plans.log is later lost (I6). Called under writeLock.
     */
    private Generation nextGeneration(Generation latest) {
        long g = Math.max(latest.value() + 1, floor.nextMin());
        if (g > floor.reserved()) {
            GenerationFloor.Value reserved = new GenerationFloor.Value(floor.nextMin(), g + RESERVATION_GENERATIONS - 1);
            try {
                GenerationFloor.write(dir, reserved);
            } catch (IOException e) {
                failure = e;
                LOG.error("plan store could not reserve generations in {}; refusing further work until reopened", dir.describe(GenerationFloor.FILE), e);
                throw new StoreUnavailableException("plan store could not reserve generations; nothing was published", e);
            }
            floor = reserved;
        }
        return Generation.of(g);
    }

    @Override
    public Optional<Plan> latest() {
        return Optional.ofNullable(usable().latestPlan());
    }

    /**
     * The latest plan from heap; any older retained plan is read back from the log and decoded
     * (checked against its checksums and its hash), which costs about as much as decoding it at
     * open: callers that list history should not read every plan on every request.
     */
    @Override
    public Optional<Plan> read(Generation generation) {
        if (generation == null) throw new IllegalArgumentException("generation must not be null");
        State s = usable();
        if (generation.equals(s.latest())) return Optional.ofNullable(s.latestPlan());
        PlanRef ref = s.index().get(generation);
        if (ref == null) return Optional.empty();
        Optional<Plan> lockFree = readBack(generation, ref);
        if (lockFree.isPresent()) return lockFree;
        // The read raced a compaction (offsets moved) or the entry rotted since open: look again
        // under the writer lock, where the index and the file agree.
        writeLock.lock();
        try {
            State now = usable();
            PlanRef again = now.index().get(generation);
            if (again == null) return Optional.empty();
            if (generation.equals(now.latest())) return Optional.ofNullable(now.latestPlan());
            return Optional.of(readBack(generation, again).orElseThrow(() -> new StoreUnavailableException(
                    "plan " + generation + " cannot be read back from " + dir.describe(LOG_FILE) + " at offset " + again.offset()
                    + " (damaged since the store was opened?); the latest plan and the flags are unaffected")));
        } finally {
            writeLock.unlock();
        }
    }

    /** The plan at {@code ref}, if the bytes there are its entry; empty otherwise. */
    private Optional<Plan> readBack(Generation generation, PlanRef ref) {
        try {
            if (codec.decode(log.read(ref.offset())) instanceof PlanCodec.Entry.Publish p && p.plan().generation().equals(generation) && p.plan().hash().equals(ref.hash())) {
                return Optional.of(p.plan());
            }
        } catch (IOException | RuntimeException e) {
            LOG.debug("plan {} not at offset {} of {}: {}", generation, ref.offset(), dir.describe(LOG_FILE), e.toString());
        }
        return Optional.empty();
    }

    @Override
    public List<Generation> history() {
        return List.copyOf(usable().index().keySet());
    }

    @Override
    public boolean delete(Generation generation) {
        if (generation == null) throw new IllegalArgumentException("generation must not be null");
        writeLock.lock();
        try {
            State s = usable();
            if (generation.equals(s.latest())) throw new IllegalArgumentException("refusing to delete the latest plan " + generation);
            if (!s.index().containsKey(generation)) return false;
            durably(codec.delete(generation));
            TreeMap<Generation, PlanRef> plans = new TreeMap<>(s.index());
            plans.remove(generation);
            state = new State(Collections.unmodifiableNavigableMap(plans), s.latestPlan(), s.latest(), s.flags());
            compactIfWorthwhile();
            return true;
        } finally {
            writeLock.unlock();
        }
    }

    @Override
    public ControlFlags flags() {
        return usable().flags();
    }

    @Override
    public boolean updateFlags(ControlFlags expected, ControlFlags next) {
        if (expected == null || next == null) throw new IllegalArgumentException("flags must not be null");
        writeLock.lock();
        try {
            // Compared and written under the writer lock: two operators flipping different flags at
            // once cannot lose one another's (the read-modify-write used to happen outside the store).
            State s = usable();
            if (!s.flags().equals(expected)) return false;
            if (s.flags().equals(next)) return true; // already durable as asked
            durably(codec.flags(next));
            state = new State(s.index(), s.latestPlan(), s.latest(), next);
            return true;
        } finally {
            writeLock.unlock();
        }
    }

    /** Appends one entry with its fsync and returns its offset; on failure poisons the store (durable state unknown). */
    private long durably(byte[] entry) {
        try {
            return log.append(List.of(entry)).get(0);
        } catch (IOException e) {
            failure = e;
            LOG.error("plan store write failed; refusing further work until reopened", e);
            throw new StoreUnavailableException("plan store write failed; outcome unknown, re-read after reopen", e);
        }
    }

    /**
     * Rewrites the log with only the live plans and the flags once deleted plans dominate it, so that
     * a long-running planner does not grow the file forever.
     */
    private void compactIfWorthwhile() {
        State s = state;
        long live = 0;
        for (PlanRef r : s.index().values()) live += r.bytes();
        long dead = log.sizeBytes() - live;
        if (dead < compactionDeadBytesMin || dead < live) return;
        try {
            // The retained plans' entries are copied as stored (checked against their checksums).
            List<byte[]> entries = new ArrayList<>(s.index().size() + 1);
            entries.add(codec.flags(s.flags()));
            for (PlanRef r : s.index().values()) entries.add(log.read(r.offset()));
            List<Long> offsets = log.rewrite(entries);
            TreeMap<Generation, PlanRef> moved = new TreeMap<>();
            int i = 1;
            for (Map.Entry<Generation, PlanRef> e : s.index().entrySet()) {
                moved.put(e.getKey(), new PlanRef(offsets.get(i++), e.getValue().bytes(), e.getValue().hash()));
            }
            state = new State(Collections.unmodifiableNavigableMap(moved), s.latestPlan(), s.latest(), s.flags());
            compactionFailureReported = false;
        } catch (CompactionFailedException | LogDamagedException e) {
            // The old log is intact and still in use: nothing is lost and nothing is in doubt, so the
            // store carries on. Reported once; the next delete tries again.
            // (A retained entry that rotted since open is found here too: the log is kept as it is.)
            if (!compactionFailureReported) LOG.warn("plan store compaction failed; the log is intact, it will be retried (reported once)", e);
            compactionFailureReported = true;
        } catch (IOException e) {
            // The rename is atomic: on failure the old log is still complete and current, but the
            // channel may be in doubt, so fail safe like any other write failure.
            failure = e;
            LOG.error("plan store compaction failed; refusing further work until reopened", e);
            throw new StoreUnavailableException("plan store compaction failed", e);
        }
    }

    private State usable() {
        Throwable f = failure;
        if (f != null) throw new StoreUnavailableException("plan store failed; reopen it to recover the durable state", f);
        if (closed) throw new StoreUnavailableException("plan store is closed");
        return state;
    }

    /** Bytes in the log file now (for status views and compaction tests). */
    public long logSizeBytes() {
        return log.sizeBytes();
    }

    @Override
    public void close() throws IOException {
        writeLock.lock();
        try {
            if (closed) return;
            closed = true;
            log.close();
        } finally {
            writeLock.unlock();
        }
    }
}
