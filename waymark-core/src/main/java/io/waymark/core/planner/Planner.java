package io.waymark.core.planner;

import io.waymark.core.enactor.ChangeGuard;
import io.waymark.core.enactor.EnactorConfig;
import io.waymark.core.model.AddressFamily;
import io.waymark.core.model.Endpoint;
import io.waymark.core.model.Generation;
import io.waymark.core.model.HealthObservations;
import io.waymark.core.model.Plan;
import io.waymark.core.model.PlanDraft;
import io.waymark.core.model.RecordSet;
import io.waymark.core.model.Stamp;
import io.waymark.core.model.Target;
import io.waymark.core.model.WeightedAddress;
import io.waymark.core.port.Clock;
import io.waymark.core.port.PlanStore;
import io.waymark.core.port.PublishOutcome;
import io.waymark.core.port.StampedRecords;
import io.waymark.core.port.StoreUnavailableException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Turns topology + health into plans (DESIGN.md, "The protocol", Planner). Each tick: honour pin, read
 * the latest plan, compute the desired draft through {@link SafetyRules}, step it so that the enactors'
 * {@link ChangeGuard} accepts it against the latest plan ({@link ChangeSteps}), publish nothing when the
 * record sets are unchanged (the forced flag, provenance and hashes are not compared: a forced rollback
 * with the same content is "unchanged"), else publish with compare-and-set on the latest generation,
 * stamped with the wall-clock publish time.
 *
 * <p>Velocity memory is plan history ({@link RemovalHistory}): it survives restarts and is shared by every
 * planner publishing to the same store. Time comes from the tick's {@link TickTime} only. With a
 * {@link ServedView}, a draft that removes anything waits until every endpoint serves the latest plan
 * (additions go out at once), so that a lagging enactor never sees two steps at once.
 * Not thread-safe: one planner is driven by one caller; two planners are safe against each other
 * through the plan store's CAS.
 */
public final class Planner {
    /** Plans of history scanned for velocity per tick at most (and cached). */
    public static final int VELOCITY_PLANS_SCANNED_MAX = 256;

    private final PlanStore planStore;
    private final Clock clock;
    private final SafetyRules rules;
    private final ChangeGuard guard;
    private final RemovalHistory removals;
    private final Optional<ConvergenceWatch> convergence;
    private final Optional<ServedView> servedView;
    // Hash verdict on the last plan object seen. Plans are immutable, so the same object cannot change;
    // re-hashing it twice per tick cost two SHA-256 passes over the whole plan on every planner tick.
    private Plan hashChecked;
    private boolean hashOk;

    /** With the enactors' default change threshold ({@link EnactorConfig#DEFAULTS}). */
    public Planner(PlanStore planStore, Clock clock, SafetyPolicy policy) {
        this(planStore, clock, policy, EnactorConfig.DEFAULTS.changeGuard());
    }

    /**
     * @param clock the wall clock, for {@link #tick(Topology, HealthObservations)}, which also uses it as
     *              the monotonic clock (right for virtual clocks; the daemon passes a {@link TickTime})
     * @param guard the enactors' change guard: every plan published passes it against the latest plan
     */
    public Planner(PlanStore planStore, Clock clock, SafetyPolicy policy, ChangeGuard guard) {
        this(planStore, clock, policy, guard, Optional.empty());
    }

    /**
     * @param served what endpoints serve now ({@code recordStore::read}): removals then wait until every
     *               endpoint serves the latest plan, so that no enactor still serving an older plan can
     *               refuse the next step. Without it the planner assumes enactors keep up between its ticks.
     */
    public Planner(PlanStore planStore, Clock clock, SafetyPolicy policy, ChangeGuard guard, ServedView served) {
        this(planStore, clock, policy, guard, Optional.of(served));
    }

    private Planner(PlanStore planStore, Clock clock, SafetyPolicy policy, ChangeGuard guard, Optional<ServedView> served) {
        if (planStore == null || clock == null || policy == null || guard == null || served == null) throw new IllegalArgumentException("planner needs a plan store, a clock, a policy and a change guard");
        this.planStore = planStore;
        this.clock = clock;
        this.rules = new SafetyRules(policy);
        this.guard = guard;
        this.removals = new RemovalHistory(VELOCITY_PLANS_SCANNED_MAX, policy.velocityWindowMillis());
        this.convergence = served.map(ConvergenceWatch::new);
        this.servedView = served;
    }

    /**
     * A computed draft: {@code desired} is what the safety rules want (what a forced publish publishes),
     * {@code draft} the step of it the change guard accepts against the latest plan (what a tick
     * publishes). Both empty when no endpoint has anything to serve yet.
     */
    public record Computation(Optional<PlanDraft> desired, Optional<PlanDraft> draft, List<SafetyEvent> safetyEvents) {
        public Computation {
            if (desired == null || draft == null || safetyEvents == null) throw new IllegalArgumentException("computation parts must not be null");
            if (desired.isPresent() != draft.isPresent()) throw new IllegalArgumentException("a desired draft comes with its step and only then");
            safetyEvents = List.copyOf(safetyEvents);
        }
    }

    /**
     * The draft for {@code topology} under {@code health}, with the last known good record sets taken
     * from {@code latest} (ignored when its hash does not verify: corrupt content is no "good") and the
     * capacity removed in the velocity window read from plan history.
     */
    public Computation compute(Topology topology, HealthObservations health, Optional<Plan> latest, TickTime now) {
        Optional<Plan> good = latest.filter(this::verified);
        Computation c = compute(topology, health, good, baseline(topology, good), now);
        if (servedView.isEmpty() || c.desired().isEmpty() || good.isEmpty()) return c;
        List<SafetyEvent> events = new ArrayList<>(c.safetyEvents());
        PlanDraft desired = keepLandableFamilies(c.desired().get(), topology, good.get(), events);
        return new Computation(Optional.of(desired), c.draft(), events);
    }

    /**
     * The desired draft is what an operator publishes forced, and a forced plan skips the enactors' change
     * guard: it must not empty an address family that an endpoint may be serving by the time it lands. That
     * is what it serves now, or any plan between its stamp and the latest, which a stale enactor may still
     * land (seed 115665, I1: drafted while api served an IPv4-only plan, the forced plan emptied the AAAA
     * answer of a dual-stack plan that landed a moment later). A family that still has configured targets
     * and that one of those would serve keeps that one's addresses (the newest such); one whose targets
     * left the configuration may still be dropped on purpose. Reads one record per endpoint of the draft
     * missing a family, the history once, and each plan above such a stamp once (bounded by retention).
     */
    private PlanDraft keepLandableFamilies(PlanDraft desired, Topology topology, Plan latest, List<SafetyEvent> events) {
        TreeMap<Endpoint, RecordSet> out = null;
        Map<Generation, Optional<Plan>> plans = new HashMap<>();
        List<Generation> history = null; // read once, when first needed
        for (Map.Entry<Endpoint, RecordSet> e : desired.recordSets().entrySet()) {
            EndpointSpec spec = topology.endpoints().get(e.getKey());
            if (spec == null) continue;
            java.util.EnumSet<AddressFamily> missing = java.util.EnumSet.noneOf(AddressFamily.class);
            for (Target t : spec.targets()) missing.add(AddressFamily.of(t.address()));
            missing.removeAll(AddressFamily.of(e.getValue()));
            if (missing.isEmpty()) continue;
            // Unreadable stores throw (StoreUnavailableException): the forced publish then publishes nothing,
            // rather than a draft that might empty a family nobody could look at.
            List<RecordSet> landable = new ArrayList<>();
            StampedRecords now = servedView.get().read(e.getKey());
            if (history == null) history = planStore.history();
            // Above what it serves, or above the generation it was retired at: no plan at or below those lands.
            Generation floor = now.retired() ? now.retiredAt() : now.stamp().generation();
            for (Generation g : history) {
                if (!g.isAfter(floor) || g.isAfter(latest.generation())) continue;
                Optional<RecordSet> rs = plans.computeIfAbsent(g, planStore::read).map(p -> p.recordSets().get(e.getKey()));
                rs.ifPresent(r -> landable.add(0, r)); // newest first
            }
            now.records().ifPresent(landable::add);
            List<WeightedAddress> kept = new ArrayList<>(e.getValue().addresses());
            for (AddressFamily f : missing) {
                for (RecordSet r : landable) {
                    List<WeightedAddress> of = r.addresses().stream().filter(a -> AddressFamily.of(a.address()) == f).toList();
                    if (of.isEmpty()) continue;
                    kept.addAll(of);
                    events.add(new SafetyEvent(e.getKey(), SafetyRule.FAIL_OPEN, f.recordType() + ": the endpoint may serve " + of
                            + " when a forced plan lands (served now or by a plan still landing) and its targets are configured; kept"));
                    break;
                }
            }
            if (kept.size() == e.getValue().addresses().size()) continue;
            if (out == null) out = new TreeMap<>(desired.recordSets());
            out.put(e.getKey(), new RecordSet(kept, e.getValue().ttlSeconds()));
        }
        return out == null ? desired : new PlanDraft(out, desired.forced()).publishedAt(desired.provenance().publishedAtMillis());
    }

    private Computation compute(Topology topology, HealthObservations health, Optional<Plan> good, SortedMap<Endpoint, RecordSet> baseline, TickTime now) {
        Map<Endpoint, Map<AddressFamily, Long>> inWindow = removals.removedInWindow(planStore, topology, now);
        TreeMap<Endpoint, RecordSet> recordSets = new TreeMap<>();
        List<SafetyEvent> events = new ArrayList<>();
        for (EndpointSpec spec : topology.endpoints().values()) {
            if (unknownServed.contains(spec.endpoint())) continue; // see baseline(): what it serves could not be read
            Optional<RecordSet> lastGood = Optional.ofNullable(baseline.get(spec.endpoint()));
            EndpointDecision d = rules.decide(spec, health, lastGood, inWindow.getOrDefault(spec.endpoint(), Map.of()));
            d.records().ifPresent(rs -> recordSets.put(spec.endpoint(), rs));
            events.addAll(d.events());
        }
        if (recordSets.isEmpty()) return new Computation(Optional.empty(), Optional.empty(), events);
        ChangeSteps.Step step = ChangeSteps.step(baseline, recordSets, guard);
        events.addAll(step.events());
        SortedMap<Endpoint, RecordSet> next = good.isPresent() ? awaitConvergence(good.get(), baseline, step.recordSets(), events) : step.recordSets();
        PlanDraft desired = new PlanDraft(recordSets, false).publishedAt(now.wallMillis());
        PlanDraft draft = new PlanDraft(next, false).publishedAt(now.wallMillis());
        return new Computation(Optional.of(desired), Optional.of(draft), events);
    }

    /** Configured endpoints whose served records could not be read in the last {@link #baseline}. */
    private final java.util.Set<Endpoint> unknownServed = new java.util.HashSet<>();
    /** The latest plan {@link #retiredInLatest} last found nothing for (null: look), and the endpoints it looked at. */
    private Stamp tombstonesCheckedFor;
    private Set<Endpoint> tombstonesCheckedIn;

    /**
     * What each configured endpoint is taken to serve: its record set in the latest plan, or, for one the
     * latest plan lacks (a rollback to a plan from before it was added, or from after it left), what the
     * record store serves for it. Judging such an endpoint as "serves nothing" built it from scratch
     * against its UP targets only: a family whose targets were down disappeared from the draft, every
     * enactor refused it (change guard: empties a served family), and nothing newer ever came (seed 37,
     * L2); a forced publish of that draft emptied the family outright (seed 663, I1). An endpoint whose
     * served records cannot be read is left out of this draft (enactors then leave it as it is): never
     * guessed to be empty.
     */
    private SortedMap<Endpoint, RecordSet> baseline(Topology topology, Optional<Plan> good) {
        SortedMap<Endpoint, RecordSet> inPlan = good.map(Plan::recordSets).orElse(new TreeMap<>());
        unknownServed.clear();
        if (servedView.isEmpty()) return inPlan;
        TreeMap<Endpoint, RecordSet> out = null;
        for (Endpoint e : topology.endpoints().keySet()) {
            if (inPlan.containsKey(e)) continue;
            try {
                Optional<RecordSet> now = servedView.get().read(e).records();
                if (now.isEmpty()) continue;
                if (out == null) out = new TreeMap<>(inPlan);
                out.put(e, now.get());
            } catch (StoreUnavailableException unreadable) {
                unknownServed.add(e);
            }
        }
        return out == null ? inPlan : out;
    }

    /**
     * With a served view: while some endpoint is stamped older than the latest plan, a draft that removes
     * anything waits (additions and weights go out at once: against a mix of a guarded step and the plan
     * before it they remove nothing more). After a forced plan nothing changes until it has landed
     * everywhere: an enactor still serving what came before judges any later plan against that, and the
     * forced plan's own removals were never limited (found by DualStackPropertiesTest with rollbacks).
     */
    private SortedMap<Endpoint, RecordSet> awaitConvergence(Plan latest, SortedMap<Endpoint, RecordSet> served, SortedMap<Endpoint, RecordSet> next,
                                                            List<SafetyEvent> events) {
        if (convergence.isEmpty() || latest.draft().sameRecordSets(new PlanDraft(next, false))) return next;
        boolean removes = ChangeSteps.removesAny(served, next);
        if (!removes && !latest.forced()) return next;
        if (convergence.get().converged(latest)) return next;
        List<Endpoint> behind = convergence.get().behind();
        events.add(new SafetyEvent(behind.get(0), SafetyRule.CHANGE_THRESHOLD, behind.size() + " endpoint(s) still serve a plan older than "
                + latest.generation() + (latest.forced() ? " (forced); changes wait for them" : "; removals wait for them")
                + " (enactors would judge the next plan against the older one)"));
        if (!latest.forced()) return ChangeSteps.withoutRemovals(served, next);
        java.util.TreeMap<Endpoint, RecordSet> held = new java.util.TreeMap<>(next);
        served.forEach((e, rs) -> {
            if (held.containsKey(e)) held.put(e, rs); // endpoints new to the plan serve nothing yet: the guard does not count them
        });
        return held;
    }

    private boolean verified(Plan plan) {
        if (plan != hashChecked) {
            hashOk = plan.verifyHash();
            hashChecked = plan;
        }
        return hashOk;
    }

    /** One tick at the injected clock's time, used as both wall and monotonic clock. */
    public PlannerResult tick(Topology topology, HealthObservations health) {
        return tick(topology, health, TickTime.ofMonotonicMillis(clock.nowMillis()));
    }

    public PlannerResult tick(Topology topology, HealthObservations health, TickTime now) {
        Generation latestBefore = Generation.ZERO;
        // Any change of the configured endpoints, also one seen only while pinned, is a reason to look
        // for tombstones again (retiredInLatest): removed, retired and added back between two looks.
        if (!topology.endpoints().keySet().equals(tombstonesCheckedIn)) tombstonesCheckedFor = null;
        try {
            if (planStore.flags().pinned()) {
                // Plans appearing while pinned (rollbacks, forced publishes, another planner) are seen
                // appear now, so that their removals count in the window from now on (RemovalHistory).
                removals.observe(planStore.history(), now);
                return result(PlannerStatus.PINNED, latestBefore, List.of(), Optional.empty());
            }
            Optional<Plan> latest = planStore.latest();
            latestBefore = latest.map(Plan::generation).orElse(Generation.ZERO);
            Optional<Plan> good = latest.filter(this::verified);
            SortedMap<Endpoint, RecordSet> baseline = baseline(topology, good);
            Computation c = compute(topology, health, good, baseline, now);
            if (c.draft().isEmpty()) return result(PlannerStatus.AWAITING_HEALTH, latestBefore, c.safetyEvents(), Optional.empty());
            PlanDraft draft = c.draft().get();
            List<SafetyEvent> events = c.safetyEvents();
            Optional<Map<Endpoint, Optional<RecordSet>>> actual = Optional.empty();
            boolean same = good.isPresent() && good.get().draft().sameRecordSets(draft);
            if (servedView.isPresent() && (!same || (good.isPresent() && !convergence.get().converged(good.get())))) {
                // What the enactors' guard will judge the plan against is what is served, which lags the latest
                // plan (paused enactors, an endpoint that left the plan and shrank the count the threshold is a
                // fraction of, a rollback): a plan stepped against the latest plan alone was refused by every
                // enactor, forever (seeds 37, 46). So judge it against what is served; if the guard would refuse
                // it, hold back every removal against what is served: that plan the guard always accepts, and
                // once it has landed the removals go in steps again. The same when the latest plan itself is
                // refused (nothing changed here, but enactors wait for a newer plan that would never come).
                try {
                    actual = Optional.of(servedNow(draft));
                } catch (StoreUnavailableException unreadable) {
                    // What is served is unknown: planning goes on, removals wait (additions never blank anything).
                    draft = new PlanDraft(ChangeSteps.withoutRemovals(baseline, draft.recordSets()), false).publishedAt(now.wallMillis());
                    same = good.isPresent() && good.get().draft().sameRecordSets(draft);
                }
                if (actual.isPresent() && guard.assess(draft, "the draft", actual.get()).refusal().isPresent()) {
                    draft = new PlanDraft(ChangeSteps.withoutRemovals(present(actual.get()), draft.recordSets()), false).publishedAt(now.wallMillis());
                    events = new ArrayList<>(events);
                    events.add(new SafetyEvent(draft.recordSets().firstKey(), SafetyRule.CHANGE_THRESHOLD,
                            "the enactors' change guard would refuse the next plan against what is served now; removals wait until it has caught up"));
                    same = good.isPresent() && good.get().draft().sameRecordSets(draft);
                }
            }
            if (same && servedView.isPresent()) {
                Optional<Endpoint> retired = retiredInLatest(good.get(), topology);
                if (retired.isPresent()) {
                    same = false;
                    events = new ArrayList<>(events);
                    events.add(new SafetyEvent(retired.get(), SafetyRule.RETIRED_RETURNS, retired.get() + " was retired at " + good.get().generation()
                            + " and is configured again; the store brings it back only with a newer plan: republishing the same content"));
                }
            }
            if (same) return result(PlannerStatus.UNCHANGED, latestBefore, events, Optional.empty());
            Optional<String> broken = lastCheck(good, baseline, draft, topology);
            if (broken.isEmpty() && actual.isPresent()) {
                broken = guard.assess(draft, "the draft", actual.get()).refusal().map(r -> "change guard against what is served: " + r.detail());
            }
            // Always on (the launcher runs without -ea): the steps above cannot produce these, and if a bug
            // ever does, publishing would blank a family clients resolve, or wedge the enactors.
            if (broken.isPresent()) return result(PlannerStatus.CHECK_FAILED, latestBefore, events, broken);
            return publish(latestBefore, draft, events, now);
        } catch (StoreUnavailableException e) {
            return result(PlannerStatus.STORE_UNAVAILABLE, latestBefore, List.of(), Optional.of(String.valueOf(e.getMessage())));
        }
    }

    /**
     * A configured endpoint of the latest plan that reads as a tombstone at or above it, if any. The
     * retire role tombstones an endpoint that left the configuration once it serves the latest plan, and
     * the store brings it back only with a NEWER plan; configured again (also while pinned, and then the
     * same set of endpoints as before it left), its draft equals the latest plan, and without a new
     * generation it was never served again (seeds 160, 580; L1). Looked at once per latest plan and set of
     * configured endpoints (any tick that sees that set change asks for a new look, see tick), and again
     * after any look that found one or failed: a tombstone appears only on an endpoint that is not
     * configured, so one found absent stays absent until either changes.
     * Costs one read per configured endpoint of the plan, per plan and per configuration.
     */
    private Optional<Endpoint> retiredInLatest(Plan latest, Topology topology) {
        Set<Endpoint> configured = topology.endpoints().keySet();
        if (latest.stamp().equals(tombstonesCheckedFor)) return Optional.empty();
        tombstonesCheckedIn = Set.copyOf(configured);
        for (Endpoint e : configured) {
            if (!latest.recordSets().containsKey(e)) continue;
            StampedRecords now;
            try {
                now = servedView.get().read(e);
            } catch (StoreUnavailableException unreadable) {
                return Optional.empty(); // planning goes on; looked at again next tick
            }
            if (now.retired() && now.retiredAt().isAtLeast(latest.generation())) return Optional.of(e);
        }
        tombstonesCheckedFor = latest.stamp();
        return Optional.empty();
    }

    /** What each endpoint of {@code draft} serves now, read through the served view (may throw StoreUnavailableException). */
    private Map<Endpoint, Optional<RecordSet>> servedNow(PlanDraft draft) {
        Map<Endpoint, Optional<RecordSet>> out = new HashMap<>();
        for (Endpoint e : draft.recordSets().keySet()) out.put(e, servedView.get().read(e).records());
        return out;
    }

    private static SortedMap<Endpoint, RecordSet> present(Map<Endpoint, Optional<RecordSet>> served) {
        TreeMap<Endpoint, RecordSet> out = new TreeMap<>();
        served.forEach((e, rs) -> rs.ifPresent(r -> out.put(e, r)));
        return out;
    }

    /**
     * I1 per family, and the change guard, on the draft about to be published, judged against the same
     * baseline the draft was stepped against (the latest plan, and what is served for endpoints it lacks):
     * judging against the latest plan alone let through a draft that the enactors refuse against what
     * they serve (seed 37).
     */
    private Optional<String> lastCheck(Optional<Plan> good, SortedMap<Endpoint, RecordSet> baseline, PlanDraft draft, Topology topology) {
        String label = good.map(p -> "the draft after " + p.generation()).orElse("the first draft");
        Optional<String> emptied = ServedFamilies.firstEmptied(baseline, label, draft, topology);
        if (emptied.isPresent() || baseline.isEmpty()) return emptied;
        Map<Endpoint, Optional<RecordSet>> served = new HashMap<>();
        baseline.forEach((e, rs) -> served.put(e, Optional.of(rs)));
        return guard.assess(draft, label, served).refusal().map(r -> "change guard: " + r.detail());
    }

    private PlannerResult publish(Generation latestBefore, PlanDraft draft, List<SafetyEvent> events, TickTime now) {
        PublishOutcome outcome = planStore.publish(latestBefore, draft);
        if (outcome instanceof PublishOutcome.Published p) {
            // After, not necessarily next: a store with a persisted generation floor may skip numbers.
            if (!p.plan().generation().isAfter(latestBefore)) throw new IllegalStateException("plan store published " + p.plan().generation() + " after " + latestBefore);
            removals.published(p.plan().generation(), now);
            return new PlannerResult(PlannerStatus.PUBLISHED, latestBefore, Optional.of(p.plan()), events, Optional.empty());
        }
        PublishOutcome.Conflict conflict = (PublishOutcome.Conflict) outcome;
        return result(PlannerStatus.CONFLICT, latestBefore, events, Optional.of("expected latest " + latestBefore + ", store has " + conflict.actualLatest()));
    }

    private static PlannerResult result(PlannerStatus status, Generation latestBefore, List<SafetyEvent> events, Optional<String> error) {
        return new PlannerResult(status, latestBefore, Optional.empty(), events, error);
    }
}
