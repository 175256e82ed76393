package io.waymark.sim.system;

import io.waymark.adapters.log.LogCorruptException;
import io.waymark.adapters.plan.FilePlanStore;
import io.waymark.adapters.record.EmbeddedRecordStore;
import io.waymark.adapters.record.SalvagedRecordStore;
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
import io.waymark.core.role.Reopenable;
import io.waymark.core.role.StoreSupervisor;
import io.waymark.sim.disk.DiskFaults;
import io.waymark.sim.disk.SimDisk;
import io.waymark.sim.invariant.AckLedger;
import io.waymark.sim.invariant.Sink;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.function.LongSupplier;

/**
 * DISK: the real {@link FilePlanStore} and {@link EmbeddedRecordStore} on the storage engineer's simulated
 * disk ({@link SimDisk}), under the simulated stores' latency and errors, each watched by core's
 * {@link StoreSupervisor} as the daemon watches its stores.
 *
 * <p>Faults. The storage process crashes (unsynced writes dropped or torn at any byte, unsynced creates and
 * renames lost) and both stores reopen at once. In one disk-backed schedule in two the disk also draws the
 * storage run's faults while the faults last: a write failing with EIO or ENOSPC (a prefix may land), an
 * fsync failing with EIO, and at each crash a bit flipped in a file's fsynced bytes. A store that met an
 * I/O error fails for good; its supervisor reopens it with backoff (what a reopen reads is exactly what is
 * durable). A store that refuses to open because its data is damaged stops automation, not serving: the plan
 * store stays refused (planners, enactors and operators fail against it), the record store is salvaged
 * read-only ({@link EmbeddedRecordStore#salvage}) and DNS answers what could be read.
 *
 * <p>Checks. Every acknowledged publish, delete, flags write and apply is remembered ({@link AckLedger});
 * I5 is checked at every reopen, of one store (supervisor) or both (crash). A store that refuses to open
 * when no bit was flipped (only crashes, EIO, ENOSPC) is a violation of I5. The invariant checks read the
 * stores through {@link #checks} and {@link #served}: what DNS answers keeps answering while a store is
 * failed (the daemon serves from its sink, which a failed store does not touch), and plans are read from
 * what publishes handed out while the plan store cannot be read.
 */
final class DurableStores {
    /** Small compaction thresholds, so that compactions (and crashes around them) happen within a run. */
    static final long PLAN_COMPACTION_DEAD_BYTES_MIN = 16 << 10;
    static final long RECORD_COMPACTION_SLACK_BYTES = 16 << 10;
    /** The disk's faults in a faulty schedule: per write and fsync, and per file at each crash (bit flips). */
    static final DiskFaults FAULTS = new DiskFaults(0.002, 0.002, 0.002, 0.25);
    /** As the daemon's backoff, with the first attempt a second after the failure (the supervisor is stepped every second). */
    static final StoreSupervisor.Backoff BACKOFF = new StoreSupervisor.Backoff(1_000_000_000L, 30_000_000_000L, 0.2, 5_000_000_000L);

    private final SimDisk disk;
    private final boolean faulty;
    private final AckLedger acks = new AckLedger();
    private final LongSupplier nowMillis;
    private final Sink sink;
    private final Runnable onPlansReopened;
    private FilePlanStore plans;
    private String plansDown = "";
    private boolean plansDamaged = false;
    private EmbeddedRecordStore records;
    private SalvagedRecordStore salvaged;
    private String recordsDown = "";
    private boolean recordsDamaged = false;
    private int crashes = 0;
    /** Every plan a publish handed out (until an acknowledged delete): the checks' plans while the store cannot be read. */
    private final TreeMap<Long, Plan> handedOut = new TreeMap<>();
    final StoreSupervisor planSupervisor;
    final StoreSupervisor recordSupervisor;

    /**
     * @param onPlansReopened called after every successful reopen of the plan store (I6 and I7 over what it holds)
     */
    DurableStores(SplittableRandom random, LongSupplier nowMillis, Sink sink, Runnable onPlansReopened) {
        this.nowMillis = nowMillis;
        this.sink = sink;
        this.onPlansReopened = onPlansReopened;
        this.faulty = random.nextBoolean();
        SplittableRandom supervisors = random.split();
        disk = new SimDisk(random, DiskFaults.NONE);
        try {
            plans = FilePlanStore.open(disk, PLAN_COMPACTION_DEAD_BYTES_MIN);
            records = EmbeddedRecordStore.open(disk, ServingSink.NONE, RECORD_COMPACTION_SLACK_BYTES);
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException("the stores refused to open on a fresh disk: " + e, e);
        }
        if (faulty) disk.faults(FAULTS);
        planSupervisor = new StoreSupervisor(plansPort, BACKOFF, supervisors.split());
        recordSupervisor = new StoreSupervisor(recordsPort, BACKOFF, supervisors.split());
    }

    boolean faulty() {
        return faulty;
    }

    /** The faults stop: the disk draws none from now on. */
    void faultsStop() {
        disk.faults(DiskFaults.NONE);
    }

    /** A store refused to open because its data is damaged: automation stopped on purpose, liveness is not expected. */
    boolean damaged() {
        return plansDamaged || recordsDamaged;
    }

    /** The record store serves a salvaged, read-only copy of a damaged log. */
    boolean salvaged() {
        return salvaged != null && records == null;
    }

    private FilePlanStore p() {
        FilePlanStore s = plans;
        if (s == null) throw new StoreUnavailableException("plan store is not open: " + plansDown);
        return s;
    }

    private RecordStore r() {
        if (records != null) return records;
        if (salvaged != null) return salvaged;
        throw new StoreUnavailableException("record store is not open: " + recordsDown);
    }

    // ---- the stores as the system sees them ----

    /** The plan store as the simulated store sees it: the current incarnation, with acknowledgements recorded. */
    final PlanStore planStore = new PlanStore() {
        public PublishOutcome publish(Generation expectedLatest, PlanDraft draft) {
            PublishOutcome o;
            try {
                o = p().publish(expectedLatest, draft);
            } catch (RuntimeException e) {
                reopens++; // a failed write: the checks forget what they read, to be safe
                throw e;
            }
            if (o instanceof PublishOutcome.Published pub) {
                checksCache.forget(pub.plan().generation());
                handedOut.put(pub.plan().generation().value(), pub.plan());
                acks.published(pub.plan());
            }
            return o;
        }

        public Optional<Plan> latest() {
            return p().latest();
        }

        public Optional<Plan> read(Generation generation) {
            return p().read(generation);
        }

        public List<Generation> history() {
            return p().history();
        }

        public boolean delete(Generation generation) {
            checksCache.forget(generation);
            try {
                boolean d = p().delete(generation);
                checksCache.forget(generation);
                acks.deleted(generation);
                handedOut.remove(generation.value());
                return d;
            } catch (StoreUnavailableException e) {
                acks.deleteInDoubt(generation);
                throw e;
            }
        }

        public ControlFlags flags() {
            return p().flags();
        }

        public boolean updateFlags(ControlFlags expected, ControlFlags next) {
            try {
                boolean w = p().updateFlags(expected, next);
                if (w) acks.flags(next);
                return w;
            } catch (StoreUnavailableException e) {
                acks.flagsInDoubt(next);
                throw e;
            }
        }
    };

    /** The record store likewise (a salvaged copy answers reads and refuses writes). */
    final RecordStore recordStore = new RecordStore() {
        public StampedRecords read(Endpoint endpoint) {
            return r().read(endpoint);
        }

        public ApplyOutcome applyIfNewer(Endpoint endpoint, Stamp expected, Stamp next, RecordSet rs) {
            ApplyOutcome o = r().applyIfNewer(endpoint, expected, next, rs);
            if (o == ApplyOutcome.APPLIED) acks.applied(endpoint, next);
            return o;
        }

        public List<ApplyOutcome> applyAllIfNewer(List<ConditionalApply> applies) {
            List<ApplyOutcome> out = r().applyAllIfNewer(applies);
            for (int i = 0; i < out.size(); i++) if (out.get(i) == ApplyOutcome.APPLIED) acks.applied(applies.get(i).endpoint(), applies.get(i).next());
            return out;
        }

        public Set<Endpoint> endpoints() {
            return r().endpoints();
        }

        public boolean retire(Endpoint endpoint, Stamp expected) {
            boolean done = r().retire(endpoint, expected);
            if (done) acks.retired(endpoint);
            return done;
        }
    };

    // ---- the stores as the checks see them ----

    /**
     * The plan store as the invariant checks read it: {@link #planStore} with {@code read} remembered until a
     * write of that generation (publish, delete), a failed publish or a reopen. A read of the real file store
     * decodes the plan from the disk; the checks read the plan of every endpoint's stamp after every event,
     * which made disk-backed schedules several times the cost of the others. A published plan is immutable,
     * and nothing but a write of its generation or a reopen can change what {@code read} answers for it (the
     * store's contract; a store that breaks it is caught by I6 at publish and by I5 at every reopen, both
     * uncached). While the store cannot be read (failed, or refused as damaged) the plans publishes handed out
     * stand in. The system's own components (enactors, planners, operators, cleaner) read the real store.
     */
    final PlanStore checks;
    private final CheckedPlans checksCache = new CheckedPlans();

    {
        checks = checksCache;
    }

    /** Bumped by every reopen and failed publish: {@link #checks} forgets everything then. */
    private long reopens = 0;

    private final class CheckedPlans implements PlanStore {
        private final HashMap<Long, Optional<Plan>> read = new HashMap<>();
        private long readAt = -1;

        void forget(Generation g) {
            read.remove(g.value());
        }

        public PublishOutcome publish(Generation expectedLatest, PlanDraft draft) {
            return planStore.publish(expectedLatest, draft);
        }

        public Optional<Plan> latest() {
            try {
                return p().latest();
            } catch (StoreUnavailableException e) {
                return handedOut.isEmpty() ? Optional.empty() : Optional.of(handedOut.lastEntry().getValue());
            }
        }

        public Optional<Plan> read(Generation generation) {
            if (readAt != reopens) {
                read.clear();
                readAt = reopens;
            }
            Optional<Plan> p = read.get(generation.value());
            if (p != null) return p;
            try {
                p = p().read(generation);
            } catch (StoreUnavailableException e) {
                return Optional.ofNullable(handedOut.get(generation.value()));
            }
            read.put(generation.value(), p);
            return p;
        }

        public List<Generation> history() {
            try {
                return p().history();
            } catch (StoreUnavailableException e) {
                List<Generation> h = new ArrayList<>();
                for (long g : handedOut.keySet()) h.add(Generation.of(g));
                return h;
            }
        }

        public boolean delete(Generation generation) {
            return planStore.delete(generation);
        }

        public ControlFlags flags() {
            try {
                return p().flags();
            } catch (StoreUnavailableException e) {
                return acks.acknowledgedFlags();
            }
        }

        public boolean updateFlags(ControlFlags expected, ControlFlags next) {
            return planStore.updateFlags(expected, next);
        }
    }

    /**
     * What DNS answers: the record store's reads, and while it is failed what it last answered for each
     * endpoint (the daemon's DNS server serves from its sink, which a failed store leaves as it was).
     */
    final RecordStore served = new RecordStore() {
        private final Map<Endpoint, StampedRecords> last = new HashMap<>();

        public StampedRecords read(Endpoint endpoint) {
            try {
                StampedRecords s = r().read(endpoint);
                last.put(endpoint, s);
                return s;
            } catch (StoreUnavailableException e) {
                StampedRecords s = last.get(endpoint);
                return s != null ? s : StampedRecords.ABSENT;
            }
        }

        public ApplyOutcome applyIfNewer(Endpoint endpoint, Stamp expected, Stamp next, RecordSet rs) {
            return recordStore.applyIfNewer(endpoint, expected, next, rs);
        }

        public List<ApplyOutcome> applyAllIfNewer(List<ConditionalApply> applies) {
            return recordStore.applyAllIfNewer(applies);
        }

        public Set<Endpoint> endpoints() {
            return recordStore.endpoints();
        }

        public boolean retire(Endpoint endpoint, Stamp expected) {
            return recordStore.retire(endpoint, expected);
        }
    };

    // ---- reopening: the supervisors' ports, and crashes ----

    private static String why(Throwable e) {
        return String.valueOf(e.getMessage());
    }

    private final Reopenable plansPort = new Reopenable() {
        public String name() {
            return "plans";
        }

        public Optional<String> failure() {
            if (plans == null) return Optional.of(plansDown);
            try {
                plans.flags();
                return Optional.empty();
            } catch (StoreUnavailableException e) {
                return Optional.of(why(e));
            }
        }

        public Outcome reopen() {
            close(plans);
            plans = null;
            return openPlans();
        }
    };

    private final Reopenable recordsPort = new Reopenable() {
        public String name() {
            return "records";
        }

        public Optional<String> failure() {
            if (records == null) return Optional.of(recordsDown);
            try {
                records.read(SystemFleet.ENDPOINTS.get(0));
                return Optional.empty();
            } catch (StoreUnavailableException e) {
                return Optional.of(why(e));
            }
        }

        public Outcome reopen() {
            close(records);
            records = null;
            return openRecords();
        }
    };

    private static void close(AutoCloseable c) {
        if (c == null) return;
        try {
            c.close();
        } catch (Exception e) {
            // closing a failed store: nothing to do about it
        }
    }

    /** A refusal to open is legitimate only over damage the disk drew; else it is I5 (acknowledged data made unreadable). */
    private void refusedWithoutDamage(String store, Exception e) {
        if (disk.bitFlips() == 0) acks.refused("the " + store + " store refused to open although no bit was flipped on the disk (only crashes, EIO, ENOSPC): " + e, nowMillis.getAsLong(), sink);
    }

    private Reopenable.Outcome openPlans() {
        try {
            plans = FilePlanStore.open(disk, PLAN_COMPACTION_DEAD_BYTES_MIN);
        } catch (LogCorruptException | IllegalStateException e) {
            plansDown = "damaged: " + why(e);
            plansDamaged = true;
            refusedWithoutDamage("plan", e);
            return new Reopenable.Outcome.Damaged(why(e), "restore " + FilePlanStore.LOG_FILE + " (simulated: automation stays stopped)");
        } catch (IOException | RuntimeException e) {
            plansDown = why(e);
            return new Reopenable.Outcome.StillFailing(why(e));
        }
        plansDown = "";
        plansDamaged = false;
        reopens++;
        acks.checkPlans(planStore, nowMillis.getAsLong(), sink);
        onPlansReopened.run();
        return new Reopenable.Outcome.Reopened();
    }

    private Reopenable.Outcome openRecords() {
        try {
            records = EmbeddedRecordStore.open(disk, ServingSink.NONE, RECORD_COMPACTION_SLACK_BYTES);
        } catch (LogCorruptException | IllegalStateException e) {
            recordsDown = "damaged: " + why(e);
            recordsDamaged = true;
            refusedWithoutDamage("record", e);
            if (salvaged == null) {
                try {
                    salvaged = EmbeddedRecordStore.salvage(disk, ServingSink.NONE);
                } catch (IOException | RuntimeException s) {
                    recordsDown += "; salvage failed too: " + why(s);
                }
            }
            return new Reopenable.Outcome.Damaged(why(e), "restore " + EmbeddedRecordStore.LOG_FILE + " (simulated: serving the salvaged copy read-only)");
        } catch (IOException | RuntimeException e) {
            recordsDown = why(e);
            return new Reopenable.Outcome.StillFailing(why(e));
        }
        recordsDown = "";
        recordsDamaged = false;
        salvaged = null;
        acks.checkRecords(recordStore, nowMillis.getAsLong(), sink);
        return new Reopenable.Outcome.Reopened();
    }

    /** One step of both supervisors at the simulation's time; the transitions worth a trace line, or empty. */
    String supervise(long nowNanos) {
        StoreSupervisor.Step a = planSupervisor.step(nowNanos);
        StoreSupervisor.Step b = recordSupervisor.step(nowNanos);
        if (a.transition().isEmpty() && b.transition().isEmpty()) return "";
        return (a.transition().map(t -> "plans: " + t.to().detail()).orElse("") + " " + b.transition().map(t -> "records: " + t.to().detail()).orElse("")).trim();
    }

    /** A power cut of the storage process, then both stores reopen; I5 against what was acknowledged. */
    String crashAndReopen() {
        crashes++;
        reopens++;
        disk.crash();
        plans = null;
        records = null;
        plansDown = recordsDown = "crashed";
        Reopenable.Outcome p = openPlans();
        Reopenable.Outcome r = openRecords();
        String how = p instanceof Reopenable.Outcome.Reopened && r instanceof Reopenable.Outcome.Reopened ? "both stores reopened from the simulated disk"
                : "plans " + outcome(p) + ", records " + outcome(r);
        return "storage crashed (" + crashes + "); " + how + (disk.damage().isEmpty() ? "" : "; disk: " + disk.damage());
    }

    private static String outcome(Reopenable.Outcome o) {
        return switch (o) {
            case Reopenable.Outcome.Reopened x -> "reopened";
            case Reopenable.Outcome.StillFailing f -> "failed to reopen (" + f.why() + ")";
            case Reopenable.Outcome.Damaged d -> "refused as damaged (" + d.what() + ")";
        };
    }
}
