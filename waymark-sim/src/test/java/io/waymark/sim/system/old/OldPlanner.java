package io.waymark.sim.system.old;

import io.waymark.core.planner.*;

import io.waymark.core.model.HealthObservations;
import io.waymark.core.model.Endpoint;
import io.waymark.core.model.Generation;
import io.waymark.core.model.Plan;
import io.waymark.core.model.PlanDraft;
import io.waymark.core.model.RecordSet;
import io.waymark.core.port.Clock;
import io.waymark.core.port.PlanStore;
import io.waymark.core.port.PublishOutcome;
import io.waymark.core.port.StoreUnavailableException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A COPY of core's {@code Planner} at main 33942b1 (issue 7: the old code, with defects 5, 7, 8 and 12),
 * kept so that tests keep showing the whole-system run finds those defects after the fixes land. Never used
 * by production or by the explorer.
 *
 * <p> * Turns topology + health into plans (DESIGN.md, "The protocol", OldPlanner). Each tick: honour pin, read
 * the latest plan, compute a draft through {@link OldSafetyRules}, publish nothing when the record sets are
 * unchanged (the forced flag and hashes are not compared: a forced rollback with the same content is
 * "unchanged"), else publish with compare-and-set on the latest generation.
 *
 * <p>Velocity memory lives in this instance as an immutable {@link OldVelocityLedger}, advanced only when
 * a publication succeeds (a lost CAS removed nothing). Time comes from the injected clock only.
 * Not thread-safe: one planner is driven by one caller; two planners are safe against each other
 * through the plan store's CAS.
 */
public final class OldPlanner {
    private final PlanStore planStore;
    private final Clock clock;
    private final OldSafetyRules rules;
    private OldVelocityLedger ledger;
    // Hash verdict on the last plan object seen. Plans are immutable, so the same object cannot change;
    // re-hashing it twice per tick cost two SHA-256 passes over the whole plan on every planner tick.
    private Plan hashChecked;
    private boolean hashOk;

    public OldPlanner(PlanStore planStore, Clock clock, SafetyPolicy policy) {
        this(planStore, clock, policy, OldVelocityLedger.EMPTY);
    }

    public OldPlanner(PlanStore planStore, Clock clock, SafetyPolicy policy, OldVelocityLedger ledger) {
        if (planStore == null || clock == null || policy == null || ledger == null) throw new IllegalArgumentException("planner needs a plan store, a clock, a policy and a ledger");
        this.planStore = planStore;
        this.clock = clock;
        this.rules = new OldSafetyRules(policy);
        this.ledger = ledger;
    }

    public OldVelocityLedger ledger() {
        return ledger;
    }

    /** A computed draft, with what each endpoint removes and which rules fired. Pure. */
    public record Computation(PlanDraft draft, Map<Endpoint, Long> removedCapacity, List<SafetyEvent> safetyEvents) {}

    /**
     * The draft for {@code topology} under {@code health}, with the last known good record sets taken
     * from {@code latest} (ignored when its hash does not verify: corrupt content is no "good").
     */
    public Computation compute(Topology topology, HealthObservations health, Optional<Plan> latest, long nowMillis) {
        Optional<Plan> good = latest.filter(this::verified);
        TreeMap<Endpoint, RecordSet> recordSets = new TreeMap<>();
        Map<Endpoint, Long> removed = new HashMap<>();
        List<SafetyEvent> events = new ArrayList<>();
        for (EndpointSpec spec : topology.endpoints().values()) {
            Optional<RecordSet> lastGood = good.map(p -> p.recordSets().get(spec.endpoint()));
            long inWindow = ledger.removedWithin(spec.endpoint(), nowMillis, rules.policy().velocityWindowMillis());
            OldEndpointDecision d = rules.decide(spec, health, lastGood, inWindow);
            recordSets.put(spec.endpoint(), d.records());
            if (d.removedCapacity() > 0) removed.put(spec.endpoint(), d.removedCapacity());
            events.addAll(d.events());
        }
        return new Computation(new PlanDraft(recordSets, false), removed, events);
    }

    private boolean verified(Plan plan) {
        if (plan != hashChecked) {
            hashOk = plan.verifyHash();
            hashChecked = plan;
        }
        return hashOk;
    }

    public PlannerResult tick(Topology topology, HealthObservations health) {
        Generation latestBefore = Generation.ZERO;
        try {
            if (planStore.flags().pinned()) return new PlannerResult(PlannerStatus.PINNED, latestBefore, Optional.empty(), List.of(), Optional.empty());
            Optional<Plan> latest = planStore.latest();
            latestBefore = latest.map(Plan::generation).orElse(Generation.ZERO);
            long now = clock.nowMillis();
            Computation c = compute(topology, health, latest, now);
            if (latest.isPresent() && verified(latest.get()) && latest.get().draft().sameRecordSets(c.draft())) {
                return new PlannerResult(PlannerStatus.UNCHANGED, latestBefore, Optional.empty(), c.safetyEvents(), Optional.empty());
            }
            PublishOutcome outcome = planStore.publish(latestBefore, c.draft());
            if (outcome instanceof PublishOutcome.Published p) {
                if (!p.plan().generation().equals(latestBefore.next())) throw new IllegalStateException("plan store published " + p.plan().generation() + " after " + latestBefore);
                ledger = ledger.record(c.removedCapacity(), now, rules.policy().velocityWindowMillis());
                return new PlannerResult(PlannerStatus.PUBLISHED, latestBefore, Optional.of(p.plan()), c.safetyEvents(), Optional.empty());
            }
            PublishOutcome.Conflict conflict = (PublishOutcome.Conflict) outcome;
            return new PlannerResult(PlannerStatus.CONFLICT, latestBefore, Optional.empty(), c.safetyEvents(),
                    Optional.of("expected latest " + latestBefore + ", store has " + conflict.actualLatest()));
        } catch (StoreUnavailableException e) {
            return new PlannerResult(PlannerStatus.STORE_UNAVAILABLE, latestBefore, Optional.empty(), List.of(), Optional.of(String.valueOf(e.getMessage())));
        }
    }
}
