package io.waymark.core.enactor;

import io.waymark.core.model.ControlFlags;
import io.waymark.core.model.Endpoint;
import io.waymark.core.model.Generation;
import io.waymark.core.model.Plan;
import io.waymark.core.model.PlanHash;
import io.waymark.core.model.RecordSet;
import io.waymark.core.model.Stamp;
import io.waymark.core.port.ApplyOutcome;
import io.waymark.core.port.ConditionalApply;
import io.waymark.core.port.PlanStore;
import io.waymark.core.port.RecordStore;
import io.waymark.core.port.StampedRecords;
import io.waymark.core.port.StoreUnavailableException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.random.RandomGenerator;

/**
 * One enactor: applies the latest plan to the record store, endpoint by endpoint, with a
 * compare-and-set on each endpoint's stamp (DESIGN.md, "The protocol"). Enactors share nothing but
 * the stores: no leader, no locks. Not thread-safe: one enactor is driven by one caller.
 *
 * <p>A tick is two explicit steps so that a simulator can stall an enactor between its reads and its
 * writes: {@link #prepare()} reads (flags, latest plan, guards, stamps) and decides; {@link #apply}
 * writes what was decided, conditionally. {@link #tick()} is {@code apply(prepare())}. A stale
 * {@link TickPlan} is harmless: each of its writes carries the stamp that was read as the expected
 * value, and the store writes only if that stamp is still there and older than the plan's. Heals of
 * generation-0 stamps, whose value carries no order, are additionally written only while their plan is
 * still the latest (checked at the start of apply).
 *
 * <p>No reachable state stops enactors for good (L2): a corrupt latest plan is refused until a newer one is
 * published (the planner does not trust a corrupt latest plan and publishes a fresh one; when pinned, the
 * operator rolls forward); a plan refused by the change threshold waits for a newer plan or a forced one;
 * unreadable stamps are healed; store errors are counted and retried at the next tick.
 *
 * <p>State kept between ticks (and lost in a crash, which is fine): the shuffled order of the current
 * plan's endpoints with a cursor into it (bounded work per tick, every endpoint visited within
 * ceil(n / endpointsPerTickMax) ticks), and the change guard's verdict for the current plan (so that
 * the full read of what is served happens once per plan, not once per tick).
 */
public final class Enactor {
    private final String id;
    private final PlanStore planStore;
    private final RecordStore recordStore;
    private final RandomGenerator random;
    private final EnactorConfig config;
    private final ChangeGuard changeGuard;

    private Stamp orderFor = Stamp.NONE;
    /** The plan's endpoints with their record sets, in this enactor's order (no map lookup per endpoint). */
    private List<Map.Entry<Endpoint, RecordSet>> order = List.of();
    private int cursor = 0;

    private Stamp verdictFor = Stamp.NONE;
    private Optional<Refusal> verdict = Optional.empty();

    /**
     * The last plan object whose hash and record sets were verified. Compared by identity: a store that
     * hands back the same immutable object is not re-hashed every tick (a full SHA-256 of a 100k-endpoint
     * plan), while any freshly read object — possibly corrupted at rest — is verified again.
     */
    private Plan verifiedPlan = null;

    public Enactor(String id, PlanStore planStore, RecordStore recordStore, RandomGenerator random, EnactorConfig config) {
        if (id == null || id.isBlank()) throw new IllegalArgumentException("enactor id must not be empty");
        if (planStore == null || recordStore == null || random == null || config == null) throw new IllegalArgumentException("enactor needs its stores, a random generator and a config");
        this.id = id;
        this.planStore = planStore;
        this.recordStore = recordStore;
        this.random = random;
        this.config = config;
        this.changeGuard = new ChangeGuard(config.changeThreshold(), config.changeGuardMinServed());
    }

    public String id() {
        return id;
    }

    public EnactorConfig config() {
        return config;
    }

    /** One whole tick: read and decide, then write. */
    public TickResult tick() {
        return apply(prepare());
    }

    /** Step 1 of a tick: reads and decisions only. Never writes. */
    public TickPlan prepare() {
        List<String> details = new ArrayList<>();
        Optional<Plan> maybeLatest;
        try {
            ControlFlags flags = planStore.flags();
            if (flags.paused()) return finished(TickStatus.PAUSED, Generation.ZERO, Optional.empty(), 0, details);
            maybeLatest = planStore.latest();
        } catch (StoreUnavailableException e) {
            note(details, "plan store: " + e.getMessage());
            return finished(TickStatus.STORE_UNAVAILABLE, Generation.ZERO, Optional.empty(), 1, details);
        }
        if (maybeLatest.isEmpty()) return finished(TickStatus.NO_PLAN, Generation.ZERO, Optional.empty(), 0, details);
        Plan latest = maybeLatest.get();
        // Reads made by the change guard in THIS prepare are as fresh as the walk's own: reused below.
        Map<Endpoint, StampedRecords> readNow = new HashMap<>();
        Optional<Refusal> refusal;
        try {
            refusal = guards(latest, readNow);
        } catch (StoreUnavailableException e) {
            note(details, "record store (change guard): " + e.getMessage());
            return finished(TickStatus.STORE_UNAVAILABLE, latest.generation(), Optional.empty(), 1, details);
        }
        if (refusal.isPresent()) return finished(TickStatus.REFUSED, latest.generation(), refusal, 0, details);
        if (!orderFor.equals(latest.stamp())) {
            order = shuffled(new ArrayList<>(latest.recordSets().entrySet()));
            orderFor = latest.stamp();
            cursor = 0;
        }
        Walk walk = walk(latest, readNow, details);
        recheckHeals(latest, walk, details);
        return new TickPlan.Writes(id, latest, walk.applies, walk.counts.build(), details);
    }

    /**
     * Structural guards (hash, non-empty record sets: cached per plan object) and the change threshold
     * (cached per plan stamp; its full read of what is served is left in {@code readNow}).
     */
    private Optional<Refusal> guards(Plan latest, Map<Endpoint, StampedRecords> readNow) {
        Optional<Refusal> refusal = latest == verifiedPlan ? Optional.empty() : structuralRefusal(latest);
        if (refusal.isPresent()) return refusal;
        verifiedPlan = latest;
        if (latest.forced()) return Optional.empty();
        if (!verdictFor.equals(latest.stamp())) {
            readAll(latest, readNow);
            verdict = changeGuard.assess(latest.draft(), "plan " + latest.generation(), endpoint -> {
                StampedRecords read = readNow.get(endpoint);
                return read == null ? Optional.empty() : read.records();
            }).refusal();
            verdictFor = latest.stamp();
        }
        return verdict;
    }

    /** What the walk over this tick's share of endpoints found: applies, heals held for a re-check, counts. */
    private static final class Walk {
        /** The plan's stamp, built once: every endpoint is compared with it and every apply carries it. */
        final Stamp planStamp;
        final List<ConditionalApply> applies = new ArrayList<>();
        final List<ConditionalApply> heals = new ArrayList<>();
        final TickCounts.Builder counts = TickCounts.builder();
        /** Hashes of plans read to explain stamps at or above the latest generation. */
        final Map<Generation, Optional<PlanHash>> hashes = new HashMap<>();

        Walk(Stamp planStamp) {
            this.planStamp = planStamp;
        }
    }

    /** Reads the stamps of this tick's share of endpoints (bounded) and decides for each. */
    private Walk walk(Plan latest, Map<Endpoint, StampedRecords> readNow, List<String> details) {
        Walk walk = new Walk(latest.stamp());
        int share = Math.min(config.endpointsPerTickMax(), order.size());
        for (int i = 0; i < share; i++) {
            Map.Entry<Endpoint, RecordSet> next = order.get(cursor);
            Endpoint endpoint = next.getKey();
            Stamp served;
            try {
                StampedRecords known = readNow.get(endpoint);
                served = (known != null ? known : recordStore.read(endpoint)).stamp();
            } catch (StoreUnavailableException e) {
                // The store is likely down: stop here and resume at this endpoint next tick.
                walk.counts.visited(1).failed(1).errors(1);
                note(details, "record store read " + endpoint + ": " + e.getMessage());
                break;
            }
            cursor = (cursor + 1) % order.size();
            classify(latest, endpoint, next.getValue(), served, walk, details);
        }
        return walk;
    }

    private void classify(Plan latest, Endpoint endpoint, RecordSet records, Stamp served, Walk walk, List<String> details) {
        if (served.equals(walk.planStamp)) {
            walk.counts.visited(1).skipped(1); // already serves the latest plan
        } else if (!served.generation().isAtLeast(latest.generation())) {
            ConditionalApply apply = new ConditionalApply(endpoint, served, walk.planStamp, records);
            (served.isNone() ? walk.heals : walk.applies).add(apply);
        } else if (explained(served, walk, details)) {
            walk.counts.visited(1).skipped(1); // a plan published since we read the latest one, already served
        } else {
            // Above every plan in the store, or the latest generation with another hash: no plan explains
            // it (the plan store lost plans, or the stamp is corrupt). Never taken for "newer": reported.
            // The store's CAS refuses to write over a stamp this high; the next plan above heals it.
            walk.counts.visited(1).foreign(1);
            note(details, "foreign stamp at " + endpoint + ": serves " + served + " but the latest plan is " + latest.stamp()
                    + " and no stored plan has that stamp (plan store rewound, or stamp corrupt); the next plan above " + served.generation() + " heals it");
        }
    }

    /** True when the plan store holds a plan with exactly this stamp (read once per generation per tick). */
    private boolean explained(Stamp served, Walk walk, List<String> details) {
        Optional<PlanHash> known = walk.hashes.get(served.generation());
        if (known == null) {
            try {
                known = planStore.read(served.generation()).map(Plan::hash);
            } catch (StoreUnavailableException e) {
                walk.counts.errors(1);
                note(details, "plan store read " + served.generation() + ": " + e.getMessage());
                return true; // unknown: leave it alone this tick, as a newer stamp always was
            }
            walk.hashes.put(served.generation(), known);
        }
        return known.map(h -> h.equals(served.planHash())).orElse(false);
    }

    /**
     * Generation 0 (missing, empty or unreadable stamp) is healed with the latest plan, the CAS comparing
     * against the exact value read. An unreadable stamp has lost the generation it held, so the plan
     * store cannot tell us whether our plan is older than it: a plan published between our read of the
     * latest plan and our read of the stamp might be what it served. Re-reading the latest plan closes
     * that window: if it is unchanged, every plan published before the stamp was read is at most ours.
     * apply() re-checks the same before writing, because a generation-0 value can come back after a stall
     * (ABA), see there.
     */
    private void recheckHeals(Plan latest, Walk walk, List<String> details) {
        if (walk.heals.isEmpty()) return;
        boolean stillLatest;
        try {
            stillLatest = planStore.latest().map(p -> p.stamp().equals(latest.stamp())).orElse(false);
        } catch (StoreUnavailableException e) {
            walk.counts.errors(1);
            note(details, "plan store (heal re-check): " + e.getMessage());
            stillLatest = false;
        }
        if (stillLatest) walk.applies.addAll(walk.heals);
        else walk.counts.visited(walk.heals.size()).deferred(walk.heals.size());
    }

    /**
     * Step 2 of a tick: makes the conditional writes decided in {@code tickPlan} (possibly stale).
     * Re-checks the kill switch first, so that a pause taken while this enactor stalled stops it
     * (the writes would be safe anyway; pausing means "write nothing").
     */
    public TickResult apply(TickPlan tickPlan) {
        if (tickPlan instanceof TickPlan.Finished f) return f.result();
        TickPlan.Writes w = (TickPlan.Writes) tickPlan;
        if (!w.enactorId().equals(id)) throw new IllegalArgumentException("tick plan of " + w.enactorId() + " handed to " + id);
        Plan plan = w.plan();
        List<String> details = new ArrayList<>(w.errorDetails());
        TickCounts.Builder counts = w.settled().toBuilder();
        List<ConditionalApply> all = w.applies();
        if (!all.isEmpty()) {
            boolean heals = all.stream().anyMatch(a -> a.expected().isNone());
            boolean stillLatest;
            try {
                if (planStore.flags().paused()) return finished(TickStatus.PAUSED, plan.generation(), Optional.empty(), w.settled().errors(), details).result();
                stillLatest = !heals || planStore.latest().map(p -> p.stamp().equals(plan.stamp())).orElse(false);
            } catch (StoreUnavailableException e) {
                note(details, "plan store: " + e.getMessage());
                return finished(TickStatus.STORE_UNAVAILABLE, plan.generation(), Optional.empty(), w.settled().errors() + 1, details).result();
            }
            // A heal compares against a generation-0 value, which carries no order: if the stamp was
            // healed by someone else and then lost again (deleted by hand twice, truncated twice) while
            // we stalled, our CAS would match (ABA) and write an older plan. Heals therefore only go
            // out while our plan is still the latest; otherwise the next prepare heals with the newer one.
            // Residual window: between this read and the write below (one apply call, no stall point).
            if (!stillLatest) all = withoutHeals(all, counts);
        }
        counts.visited(all.size());
        for (int from = 0; from < all.size(); from += config.applyBatchSize()) {
            applyBatch(plan, all.subList(from, Math.min(all.size(), from + config.applyBatchSize())), counts, details);
        }
        return new TickResult(id, TickStatus.WORKED, plan.generation(), Optional.empty(), counts.build(), details);
    }

    private static List<ConditionalApply> withoutHeals(List<ConditionalApply> all, TickCounts.Builder counts) {
        List<ConditionalApply> kept = new ArrayList<>();
        for (ConditionalApply a : all) {
            if (a.expected().isNone()) counts.visited(1).deferred(1);
            else kept.add(a);
        }
        return kept;
    }

    /** One group-committed batch; every apply in it lands in exactly one bucket of {@code counts}. */
    private void applyBatch(Plan plan, List<ConditionalApply> batch, TickCounts.Builder counts, List<String> details) {
        List<ApplyOutcome> outcomes;
        try {
            outcomes = recordStore.applyAllIfNewer(batch);
        } catch (StoreUnavailableException e) {
            // Outcome unknown: the next tick re-reads these endpoints before deciding anything.
            counts.failed(batch.size()).errors(1);
            note(details, "record store apply batch of " + batch.size() + ": " + e.getMessage());
            return;
        }
        if (outcomes.size() != batch.size()) throw new IllegalStateException("record store answered " + outcomes.size() + " outcomes for " + batch.size() + " applies");
        for (int i = 0; i < batch.size(); i++) {
            ConditionalApply a = batch.get(i);
            switch (outcomes.get(i)) {
                case APPLIED -> counts.applied(1).healed(a.expected().isNone() ? 1 : 0);
                case SUPERSEDED -> counts.superseded(1);
                case CONFLICT -> {
                    Landing landing = retryAfterConflict(plan, a.endpoint(), details);
                    counts.conflicts(1 + landing.conflicts).errors(landing.errors);
                    switch (landing.outcome) {
                        case APPLIED -> counts.applied(1);
                        case SUPERSEDED -> counts.superseded(1);
                        case DEFERRED -> counts.deferred(1);
                        case FAILED -> counts.failed(1);
                    }
                    if (landing.healed) counts.healed(1);
                }
            }
        }
    }

    private enum Land { APPLIED, SUPERSEDED, DEFERRED, FAILED }

    private record Landing(Land outcome, int conflicts, int errors, boolean healed) {}

    /** Bounded re-reads after a CONFLICT: someone else wrote this endpoint since we read it. */
    private Landing retryAfterConflict(Plan plan, Endpoint endpoint, List<String> details) {
        RecordSet records = plan.recordSets().get(endpoint);
        int conflicts = 0;
        for (int attempt = 0; attempt < config.conflictRetriesMax(); attempt++) {
            try {
                Stamp served = recordStore.read(endpoint).stamp();
                if (served.generation().isAtLeast(plan.generation())) return new Landing(Land.SUPERSEDED, conflicts, 0, false);
                // A stamp that became unreadable since prepare is healed by the next prepare, with the
                // then-latest plan: ours may be older than what it held (see prepare).
                if (served.isNone()) return new Landing(Land.DEFERRED, conflicts, 0, false);
                ApplyOutcome outcome = recordStore.applyIfNewer(endpoint, served, plan.stamp(), records);
                switch (outcome) {
                    case APPLIED:
                        return new Landing(Land.APPLIED, conflicts, 0, served.isNone());
                    case SUPERSEDED:
                        return new Landing(Land.SUPERSEDED, conflicts, 0, false);
                    case CONFLICT:
                        conflicts++;
                        break;
                }
            } catch (StoreUnavailableException e) {
                note(details, "record store retry " + endpoint + ": " + e.getMessage());
                return new Landing(Land.FAILED, conflicts, 1, false);
            }
        }
        return new Landing(Land.DEFERRED, conflicts, 0, false);
    }

    /** Guards that need only the plan: hash and non-empty record sets. */
    private static Optional<Refusal> structuralRefusal(Plan plan) {
        if (!plan.verifyHash()) {
            return Optional.of(new Refusal(RefusalReason.CORRUPT_PLAN, "plan " + plan.generation() + " has stored hash " + plan.hash()
                    + " but its content hashes to " + plan.draft().hash()));
        }
        for (Map.Entry<Endpoint, RecordSet> e : plan.recordSets().entrySet()) {
            RecordSet rs = e.getValue();
            if (rs == null || rs.addresses().isEmpty() || rs.weightSum() <= 0) {
                return Optional.of(new Refusal(RefusalReason.EMPTY_RECORD_SET, "plan " + plan.generation() + " has an empty record set for " + e.getKey()));
            }
        }
        return Optional.empty();
    }

    /**
     * What the plan's endpoints serve now (one read each, bounded by the plan's size), into
     * {@code readNow}: the change guard judges from it and the walk reuses it.
     */
    private void readAll(Plan plan, Map<Endpoint, StampedRecords> readNow) {
        for (Endpoint endpoint : plan.recordSets().keySet()) readNow.put(endpoint, recordStore.read(endpoint));
    }

    /** Fisher–Yates with the injected generator: each enactor walks endpoints in its own order. */
    private <T> List<T> shuffled(List<T> list) {
        for (int i = list.size() - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            T t = list.get(i);
            list.set(i, list.get(j));
            list.set(j, t);
        }
        return List.copyOf(list);
    }

    private TickPlan.Finished finished(TickStatus status, Generation plan, Optional<Refusal> refusal, int errors, List<String> details) {
        return new TickPlan.Finished(TickResult.without(id, status, plan, refusal, errors, details));
    }

    private void note(List<String> details, String message) {
        if (details.size() < config.errorDetailsMax()) details.add(message);
    }
}
