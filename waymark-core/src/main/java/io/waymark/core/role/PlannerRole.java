package io.waymark.core.role;

import io.waymark.core.model.Endpoint;
import io.waymark.core.model.HealthObservations;
import io.waymark.core.operator.ForcedPublish;
import io.waymark.core.planner.EndpointSpec;
import io.waymark.core.planner.Planner;
import io.waymark.core.planner.PlannerResult;
import io.waymark.core.planner.TickTime;
import io.waymark.core.planner.Topology;
import io.waymark.core.port.HealthSource;
import io.waymark.core.port.PlanStore;
import io.waymark.core.port.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The planner as a role: {@link #step} reads health from the injected source and runs one
 * {@link Planner#tick} at the step's time: {@code nowNanos} is the driver's monotonic clock (ages of
 * plans this planner saw appear), the injected wall clock stamps published plans (virtual clocks both,
 * in the simulator).
 *
 * <p>Plan-time refusal (issue 7, defect 1): endpoints the serving side cannot answer for
 * ({@link Servability}) are left out of the topology when the role is built and never enter a plan;
 * they are listed in {@link #unservable()}. When none is left, every step reports REFUSED and
 * publishes nothing.
 *
 * <p>Operators' forced publish ({@code waymark publish --force}, issue 7, defect 8) goes through
 * {@link #publishForced}: the planner's desired draft now, published as forced with a reason (skipping
 * the enactors' change threshold, never the non-empty guard). Call it from the same caller that steps
 * the role: a role is driven by one caller at a time.
 */
public final class PlannerRole {
    private final PlanStore planStore;
    private final HealthSource health;
    private final Optional<Topology> topology;
    private final Map<Endpoint, String> unservable;
    private final Planner planner;
    private final ConditionTracker condition = new ConditionTracker();
    private final Clock wallClock;

    /**
     * What one step did.
     *
     * @param result     the planner tick's result; empty when nothing was planned (no servable
     *                   endpoint) or the tick threw (see {@code bug})
     * @param condition  the condition after this step
     * @param transition present when the condition changed with this step: log it, once
     * @param bug        what the tick threw, if it did (a bug: the next step tries again)
     */
    public record Step(Optional<PlannerResult> result, RoleCondition condition, Optional<Transition> transition, Optional<RuntimeException> bug) {
        public Step {
            if (result == null || condition == null || transition == null || bug == null) throw new IllegalArgumentException("step parts must not be null");
        }
    }

    /**
     * @param planner      the planner, built by the caller with its safety policy and the enactors' change
     *                     guard (so that it never publishes a plan the enactors would refuse)
     * @param planStore    the store {@code planner} publishes to (forced publishes go there too)
     * @param topology     the configured endpoints and their targets
     * @param health       read once per step
     * @param servability  endpoints it refuses are left out of every plan
     * @param wallClock    stamped into published plans as their publish time; only the step's monotonic
     *                     {@code nowNanos} measures ages (see {@link TickTime})
     */
    public PlannerRole(Planner planner, PlanStore planStore, Topology topology, HealthSource health, Servability servability, Clock wallClock) {
        if (planner == null || planStore == null || topology == null || health == null || servability == null || wallClock == null) {
            throw new IllegalArgumentException("planner role needs a planner, its plan store, a topology, a health source, a servability check and a wall clock");
        }
        this.planner = planner;
        this.planStore = planStore;
        this.health = health;
        this.wallClock = wallClock;
        Map<Endpoint, String> refused = new TreeMap<>();
        List<EndpointSpec> kept = new ArrayList<>();
        for (EndpointSpec spec : topology.endpoints().values()) {
            Optional<String> why = servability.unservable(spec.endpoint());
            if (why.isPresent()) refused.put(spec.endpoint(), why.get());
            else kept.add(spec);
        }
        this.unservable = Collections.unmodifiableMap(refused);
        this.topology = kept.isEmpty() ? Optional.empty() : Optional.of(Topology.of(kept));
    }

    private TickTime time(long nowNanos) {
        return new TickTime(Math.max(0, wallClock.nowMillis()), nowNanos);
    }

    /** One planner tick at {@code nowNanos}. */
    public Step step(long nowNanos) {
        if (topology.isEmpty()) {
            RoleCondition c = new RoleCondition(RoleCondition.Kind.REFUSED, "unservable", "no configured endpoint can be served: " + unservable);
            return new Step(Optional.empty(), c, condition.observe(c, nowNanos), Optional.empty());
        }
        PlannerResult r;
        try {
            r = planner.tick(topology.get(), health.observe(), time(nowNanos));
        } catch (RuntimeException e) {
            RoleCondition c = new RoleCondition(RoleCondition.Kind.FAILED, e.getClass().getName(), "tick threw " + e);
            return new Step(Optional.empty(), c, condition.observe(c, nowNanos), Optional.of(e));
        }
        RoleCondition c = switch (r.status()) {
            case PUBLISHED -> RoleCondition.ok("published " + r.published().orElseThrow().generation());
            case UNCHANGED -> RoleCondition.ok("unchanged at " + r.latestBefore());
            case CONFLICT -> RoleCondition.ok("lost a publish race after " + r.latestBefore() + "; recomputing next tick");
            case AWAITING_HEALTH -> new RoleCondition(RoleCondition.Kind.HELD, "awaiting-health", "no target probed up yet: publishing nothing that depends on unprobed targets");
            case PINNED -> new RoleCondition(RoleCondition.Kind.HELD, "pinned", "pinned: publishing nothing until unpinned");
            case CHECK_FAILED -> new RoleCondition(RoleCondition.Kind.REFUSED, "check-failed", "always-on check refused the draft: " + r.error().orElse(""));
            case STORE_UNAVAILABLE -> new RoleCondition(RoleCondition.Kind.STORE_UNAVAILABLE, "", "plan store: " + r.error().orElse("unavailable"));
        };
        return new Step(Optional.of(r), c, condition.observe(c, nowNanos), Optional.empty());
    }

    /**
     * Publishes the planner's current desired draft (what the safety rules want, not the step the change
     * guard accepts) as forced with {@code reason}, whatever pin says: an operator's act, like rollback
     * (core's {@link ForcedPublish}, bounded compare-and-set attempts). Its audit line is in the result.
     */
    public ForcedPublish.Result publishForced(long nowNanos, String reason) {
        if (topology.isEmpty()) return new ForcedPublish.Result(ForcedPublish.Status.NOTHING_TO_PUBLISH, Optional.empty(), "no configured endpoint can be served: nothing to publish");
        TickTime now = time(nowNanos);
        HealthObservations observed = health.observe();
        return new ForcedPublish(planStore).publish(latest -> planner.compute(topology.get(), observed, latest, now).desired(), reason, now.wallMillis());
    }

    /** Configured endpoints left out of every plan because they cannot be served, with why. */
    public Map<Endpoint, String> unservable() {
        return unservable;
    }

    /** The endpoints plans cover (configured and servable). */
    public List<Endpoint> endpoints() {
        return topology.map(t -> List.copyOf(t.endpoints().keySet())).orElse(List.of());
    }

    public RoleCondition condition() {
        return condition.current();
    }

    public long conditionSinceNanos() {
        return condition.sinceNanos();
    }
}
