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
            PublishOutcome o = plans.publish(expectedLatest, draft);
            if (o instanceof PublishOutcome.Published p) acks.published(p.plan());
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
            try {
                boolean d = plans.delete(generation);
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
