package io.waymark.sim.system;

import io.waymark.adapters.plan.FilePlanStore;
import io.waymark.adapters.record.EmbeddedRecordStore;
import io.waymark.adapters.record.ServingSink;
import io.waymark.core.model.ControlFlags;
import io.waymark.core.model.Endpoint;
import io.waymark.core.model.Generation;
import io.waymark.core.model.Plan;
import io.waymark.core.model.PlanDraft;
import io.waymark.core.model.RecordSet;
import io.waymark.core.model.Stamp;
import io.waymark.core.port.ApplyOutcome;
import io.waymark.core.port.ConditionalApply;
import io.waymark.core.port.PlanStore;
import io.waymark.core.port.PublishOutcome;
import io.waymark.core.port.RecordStore;
import io.waymark.core.port.StampedRecords;
import io.waymark.core.port.StoreUnavailableException;
import io.waymark.sim.disk.DiskFaults;
import io.waymark.sim.disk.SimDisk;
import io.waymark.sim.invariant.AckLedger;
import io.waymark.sim.invariant.Sink;
import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.random.RandomGenerator;

/**
 * DISK: the real {@link FilePlanStore} and {@link EmbeddedRecordStore} on the storage engineer's simulated
 * disk ({@link SimDisk}), under the simulated stores' latency and errors. The storage process crashes
 * (unsynced writes dropped or torn at any byte, unsynced creates and renames lost) and both stores reopen at
 * once; every acknowledged publish, delete, flags write and apply is remembered ({@link AckLedger}) and I5
 * is checked against the reopened stores. The disk itself draws no damage here (bit flips, ENOSPC and EIO
 * are the storage run's): a store that refuses to open after a mere crash is a violation too.
 */
final class DurableStores {
    /** Small compaction thresholds, so that compactions (and crashes around them) happen within a run. */
    static final long PLAN_COMPACTION_DEAD_BYTES_MIN = 16 << 10;
    static final long RECORD_COMPACTION_SLACK_BYTES = 16 << 10;

    private final SimDisk disk;
    private final AckLedger acks = new AckLedger();
    private FilePlanStore plans;
    private EmbeddedRecordStore records;
    private int crashes = 0;

    DurableStores(RandomGenerator random) {
        disk = new SimDisk(random, DiskFaults.NONE);
        open();
    }

    private void open() {
        try {
            plans = FilePlanStore.open(disk, PLAN_COMPACTION_DEAD_BYTES_MIN);
            records = EmbeddedRecordStore.open(disk, ServingSink.NONE, RECORD_COMPACTION_SLACK_BYTES);
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException("the stores refused to open on a disk that only crashed: " + e, e);
        }
    }

    /** The plan store as the simulated store sees it: the current incarnation, with acknowledgements recorded. */
    final PlanStore planStore = new PlanStore() {
        public PublishOutcome publish(Generation expectedLatest, PlanDraft draft) {
            PublishOutcome o;
            try {
                o = plans.publish(expectedLatest, draft);
            } catch (RuntimeException e) {
                reopens++; // a failed write: the checks forget everything, to be safe
                throw e;
            }
            if (o instanceof PublishOutcome.Published p) {
                forget(p.plan().generation());
                acks.published(p.plan());
            }
            return o;
        }

        public Optional<Plan> latest() {
            return plans.latest();
        }

        public Optional<Plan> read(Generation generation) {
            return plans.read(generation);
        }

        public List<Generation> history() {
            return plans.history();
        }

        public boolean delete(Generation generation) {
            forget(generation);
            try {
                boolean d = plans.delete(generation);
                forget(generation);
                acks.deleted(generation);
                return d;
            } catch (StoreUnavailableException e) {
                acks.deleteInDoubt(generation);
                throw e;
            }
        }

        public ControlFlags flags() {
            return plans.flags();
        }

        public boolean updateFlags(ControlFlags expected, ControlFlags next) {
            try {
                boolean w = plans.updateFlags(expected, next);
                if (w) acks.flags(next);
                return w;
            } catch (StoreUnavailableException e) {
                acks.flagsInDoubt(next);
                throw e;
            }
        }
    };

    /**
     * The plan store as the invariant checks read it: {@link #planStore} with {@code read} remembered until a
     * write of that generation (publish, delete) or a reopen. A read of the real file store decodes the plan
     * from the disk; the checks read the plan of every endpoint's stamp after every event, which made
     * disk-backed schedules several times the cost of the others. A published plan is immutable, and nothing
     * but a write of its generation or a reopen can change what {@code read} answers for it (the store's
     * contract; a store that breaks it is caught by I6 at publish and by I5 at every reopen, both uncached).
     * The system's own components (enactors, planners, operators, cleaner) keep reading the real store.
     */
    final PlanStore checks;
    private final CheckedPlans checksCache = new CheckedPlans();

    {
        checks = checksCache;
    }

    private final class CheckedPlans implements PlanStore {
        private final java.util.HashMap<Long, Optional<Plan>> read = new java.util.HashMap<>();
        private long readAt = -1;

        void forget(Generation g) {
            read.remove(g.value());
        }

        public PublishOutcome publish(Generation expectedLatest, PlanDraft draft) {
            return planStore.publish(expectedLatest, draft);
        }

        public Optional<Plan> latest() {
            return plans.latest();
        }

        public Optional<Plan> read(Generation generation) {
            if (readAt != reopens) {
                read.clear();
                readAt = reopens;
            }
            Optional<Plan> p = read.get(generation.value());
            if (p == null) {
                p = plans.read(generation);
                read.put(generation.value(), p);
            }
            return p;
        }

        public List<Generation> history() {
            return plans.history();
        }

        public boolean delete(Generation generation) {
            return planStore.delete(generation);
        }

        public ControlFlags flags() {
            return plans.flags();
        }

        public boolean updateFlags(ControlFlags expected, ControlFlags next) {
            return planStore.updateFlags(expected, next);
        }
    }

    /** Bumped by every reopen: {@link #checks} forgets everything then. */
    private long reopens = 0;

    private void forget(Generation g) {
        checksCache.forget(g);
    }

    /** The record store likewise. */
    final RecordStore recordStore = new RecordStore() {
        public StampedRecords read(Endpoint endpoint) {
            return records.read(endpoint);
        }

        public ApplyOutcome applyIfNewer(Endpoint endpoint, Stamp expected, Stamp next, RecordSet rs) {
            ApplyOutcome o = records.applyIfNewer(endpoint, expected, next, rs);
            if (o == ApplyOutcome.APPLIED) acks.applied(endpoint, next);
            return o;
        }

        public List<ApplyOutcome> applyAllIfNewer(List<ConditionalApply> applies) {
            List<ApplyOutcome> out = records.applyAllIfNewer(applies);
            for (int i = 0; i < out.size(); i++) if (out.get(i) == ApplyOutcome.APPLIED) acks.applied(applies.get(i).endpoint(), applies.get(i).next());
            return out;
        }

        public Set<Endpoint> endpoints() {
            return records.endpoints();
        }

        public boolean retire(Endpoint endpoint, Stamp expected) {
            boolean r = records.retire(endpoint, expected);
            if (r) acks.retired(endpoint);
            return r;
        }
    };

    /** A power cut of the storage process, then both stores reopen; I5 against what was acknowledged. */
    String crashAndReopen(long nowMillis, Sink sink) {
        crashes++;
        reopens++;
        disk.crash();
        try {
            plans = FilePlanStore.open(disk, PLAN_COMPACTION_DEAD_BYTES_MIN);
            records = EmbeddedRecordStore.open(disk, ServingSink.NONE, RECORD_COMPACTION_SLACK_BYTES);
        } catch (IOException | RuntimeException e) {
            acks.refused("a store refused to open after a crash, with no damage drawn on the disk: " + e, nowMillis, sink);
            throw new IllegalStateException("stores refused to reopen: " + e, e);
        }
        acks.check(planStore, recordStore, nowMillis, sink);
        return "storage crashed (" + crashes + "); both stores reopened from the simulated disk" + (disk.damage().isEmpty() ? "" : ", torn: " + disk.damage());
    }
}
