package io.waymark.core.enactor;

import io.waymark.core.model.ControlFlags;
import io.waymark.core.model.Endpoint;
import io.waymark.core.model.Generation;
import io.waymark.core.model.Plan;
import io.waymark.core.model.RecordSet;
import io.waymark.core.model.Stamp;
import io.waymark.core.port.ApplyOutcome;
import io.waymark.core.port.ConditionalApply;
import io.waymark.core.port.PlanStore;
import io.waymark.core.port.RecordStore;
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
 * value, and the store writes only if that stamp is still there and older than the plan's.
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
    private List<Endpoint> order = List.of();
    private int cursor = 0;

    private Stamp verdictFor = Stamp.NONE;
    private Optional<Refusal> verdict = Optional.empty();

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
        ControlFlags flags;
        Optional<Plan> maybeLatest;
        try {
            flags = planStore.flags();
            if (flags.paused()) return finished(TickStatus.PAUSED, Generation.ZERO, Optional.empty(), 0, details);
            maybeLatest = planStore.latest();
        } catch (StoreUnavailableException e) {
            note(details, "plan store: " + e.getMessage());
            return finished(TickStatus.STORE_UNAVAILABLE, Generation.ZERO, Optional.empty(), 1, details);
        }
        if (maybeLatest.isEmpty()) return finished(TickStatus.NO_PLAN, Generation.ZERO, Optional.empty(), 0, details);
        Plan latest = maybeLatest.get();

        Optional<Refusal> refusal = structuralRefusal(latest);
        if (refusal.isEmpty() && !latest.forced()) {
            if (!verdictFor.equals(latest.stamp())) {
                try {
                    verdict = changeGuard.assess(latest, servedNow(latest)).refusal();
                    verdictFor = latest.stamp();
                } catch (StoreUnavailableException e) {
                    note(details, "record store (change guard): " + e.getMessage());
                    return finished(TickStatus.STORE_UNAVAILABLE, latest.generation(), Optional.empty(), 1, details);
                }
            }
            refusal = verdict;
        }
        if (refusal.isPresent()) return finished(TickStatus.REFUSED, latest.generation(), refusal, 0, details);

        if (!orderFor.equals(latest.stamp())) {
            order = shuffled(new ArrayList<>(latest.recordSets().keySet()));
            orderFor = latest.stamp();
            cursor = 0;
        }
        int share = Math.min(config.endpointsPerTickMax(), order.size());
        List<ConditionalApply> applies = new ArrayList<>();
        List<ConditionalApply> heals = new ArrayList<>();
        int visited = 0, skipped = 0, deferred = 0, failed = 0, errors = 0;
        for (int i = 0; i < share; i++) {
            Endpoint endpoint = order.get(cursor);
            Stamp served;
            try {
                served = recordStore.read(endpoint).stamp();
            } catch (StoreUnavailableException e) {
                // The store is likely down: stop here and resume at this endpoint next tick.
                visited++;
                failed++;
                errors++;
                note(details, "record store read " + endpoint + ": " + e.getMessage());
                break;
            }
            visited++;
            cursor = (cursor + 1) % order.size();
            ConditionalApply apply = new ConditionalApply(endpoint, served, latest.stamp(), latest.recordSets().get(endpoint));
            if (served.generation().isAtLeast(latest.generation())) {
                skipped++; // something at least as new is already served
            } else if (served.isNone()) {
                heals.add(apply);
            } else {
                applies.add(apply);
            }
        }
        if (!heals.isEmpty()) {
            // Generation 0 (missing, empty or unreadable stamp) is healed with the latest plan, the CAS
            // comparing against the exact value read. An unreadable stamp has lost the generation it
            // held, so the plan store cannot tell us whether our plan is older than it: a plan published
            // between our read of the latest plan and our read of the stamp might be what it served.
            // Re-reading the latest plan closes that window: if it is unchanged, every plan published
            // before the stamp was read is at most ours, so healing never moves an endpoint backwards
            // (I2), however long this enactor then stalls before writing (the CAS pins the stamp).
            boolean stillLatest;
            try {
                stillLatest = planStore.latest().map(p -> p.stamp().equals(latest.stamp())).orElse(false);
            } catch (StoreUnavailableException e) {
                errors++;
                note(details, "plan store (heal re-check): " + e.getMessage());
                stillLatest = false;
            }
            if (stillLatest) applies.addAll(heals);
            else deferred += heals.size();
        }
        return new TickPlan.Writes(id, latest, applies, visited, skipped, deferred, failed, errors, details);
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
        int errors = w.errors();
        if (!w.applies().isEmpty()) {
            try {
                if (planStore.flags().paused()) return finished(TickStatus.PAUSED, plan.generation(), Optional.empty(), errors, details).result();
            } catch (StoreUnavailableException e) {
                note(details, "plan store: " + e.getMessage());
                return finished(TickStatus.STORE_UNAVAILABLE, plan.generation(), Optional.empty(), errors + 1, details).result();
            }
        }
        int applied = 0, superseded = 0, conflicts = 0, deferred = w.deferred(), healed = 0, failed = w.failed();
        List<ConditionalApply> all = w.applies();
        for (int from = 0; from < all.size(); from += config.applyBatchSize()) {
            List<ConditionalApply> batch = all.subList(from, Math.min(all.size(), from + config.applyBatchSize()));
            List<ApplyOutcome> outcomes;
            try {
                outcomes = recordStore.applyAllIfNewer(batch);
            } catch (StoreUnavailableException e) {
                // Outcome unknown: the next tick re-reads these endpoints before deciding anything.
                failed += batch.size();
                errors++;
                note(details, "record store apply batch of " + batch.size() + ": " + e.getMessage());
                continue;
            }
            if (outcomes.size() != batch.size()) throw new IllegalStateException("record store answered " + outcomes.size() + " outcomes for " + batch.size() + " applies");
            for (int i = 0; i < batch.size(); i++) {
                ConditionalApply a = batch.get(i);
                switch (outcomes.get(i)) {
                    case APPLIED -> {
                        applied++;
                        if (a.expected().isNone()) healed++;
                    }
                    case SUPERSEDED -> superseded++;
                    case CONFLICT -> {
                        conflicts++;
                        Landing landing = retryAfterConflict(plan, a.endpoint(), details);
                        conflicts += landing.conflicts;
                        errors += landing.errors;
                        switch (landing.outcome) {
                            case APPLIED -> applied++;
                            case SUPERSEDED -> superseded++;
                            case DEFERRED -> deferred++;
                            case FAILED -> failed++;
                        }
                        if (landing.healed) healed++;
                    }
                }
            }
        }
        return new TickResult(id, TickStatus.WORKED, plan.generation(), Optional.empty(), w.visited(), applied, superseded,
                w.skipped(), conflicts, deferred, healed, failed, errors, details);
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

    /** What the plan's endpoints serve now (one read each, bounded by the plan's size). */
    private Map<Endpoint, Optional<RecordSet>> servedNow(Plan plan) {
        Map<Endpoint, Optional<RecordSet>> now = new HashMap<>();
        for (Endpoint endpoint : plan.recordSets().keySet()) now.put(endpoint, recordStore.read(endpoint).records());
        return now;
    }

    /** Fisher–Yates with the injected generator: each enactor walks endpoints in its own order. */
    private List<Endpoint> shuffled(List<Endpoint> list) {
        for (int i = list.size() - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            Endpoint t = list.get(i);
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
