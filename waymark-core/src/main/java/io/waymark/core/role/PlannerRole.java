package io.waymark.core.role;

import io.waymark.core.model.Endpoint;
import io.waymark.core.model.Generation;
import io.waymark.core.model.Plan;
import io.waymark.core.model.PlanDraft;
import io.waymark.core.planner.EndpointSpec;
import io.waymark.core.planner.Planner;
import io.waymark.core.planner.PlannerResult;
import io.waymark.core.planner.SafetyPolicy;
import io.waymark.core.planner.TickTime;
import io.waymark.core.planner.Topology;
import io.waymark.core.port.HealthSource;
import io.waymark.core.port.PlanStore;
import io.waymark.core.port.PublishOutcome;
import io.waymark.core.port.StoreUnavailableException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * The planner as a role: {@link #step} reads health from the injected source and runs one
 * {@link Planner#tick} on the role's clock (the {@code nowNanos} of the step, so velocity windows run
 * on the driver's monotonic clock, virtual in the simulator).
 *
 * <p>Plan-time refusal (issue 7, defect 1): endpoints the serving side cannot answer for
 * ({@link Servability}) are left out of the topology when the role is built and never enter a plan;
 * they are listed in {@link #unservable()}. When none is left, every step reports REFUSED and
 * publishes nothing.
 *
 * <p>Operators' forced publish ({@code waymark publish --force}, issue 7, defect 8) goes through
 * {@link #publishForced}: the draft the planner would publish now, published as forced (skipping the
 * enactors' change threshold, never the non-empty guard). Call it from the same caller that steps the
 * role: a role is driven by one caller at a time.
 */
public final class PlannerRole {
    /** Publishers racing a forced publish get at most this many compare-and-set attempts. */
    public static final int FORCED_PUBLISH_ATTEMPTS_MAX = 5;

    private final PlanStore planStore;
    private final HealthSource health;
    private final Optional<Topology> topology;
    private final Map<Endpoint, String> unservable;
    private final Planner planner;
    private final ConditionTracker condition = new ConditionTracker();
    private long nowMillis;
    private Optional<PlannerResult> last = Optional.empty();

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

    /** What a forced publish did: the plan published, or why nothing was. */
    public record Forced(Optional<Plan> published, String detail) {
        public Forced {
            if (published == null || detail == null) throw new IllegalArgumentException("forced publish result parts must not be null");
        }
    }

    public PlannerRole(PlanStore planStore, SafetyPolicy policy, Topology topology, HealthSource health, Servability servability) {
        if (planStore == null || policy == null || topology == null || health == null || servability == null) {
            throw new IllegalArgumentException("planner role needs a plan store, a policy, a topology, a health source and a servability check");
        }
        this.planStore = planStore;
        this.health = health;
        Map<Endpoint, String> refused = new TreeMap<>();
        List<EndpointSpec> kept = new ArrayList<>();
        for (EndpointSpec spec : topology.endpoints().values()) {
            Optional<String> why = servability.unservable(spec.endpoint());
            if (why.isPresent()) refused.put(spec.endpoint(), why.get());
            else kept.add(spec);
        }
        this.unservable = Collections.unmodifiableMap(refused);
        this.topology = kept.isEmpty() ? Optional.empty() : Optional.of(Topology.of(kept));
        // The planner's clock is the role's: the time of the step being run.
        this.planner = new Planner(planStore, () -> nowMillis, policy);
    }

    /** One planner tick at {@code nowNanos}. */
    public Step step(long nowNanos) {
        nowMillis = TimeUnit.NANOSECONDS.toMillis(nowNanos);
        if (topology.isEmpty()) {
            RoleCondition c = new RoleCondition(RoleCondition.Kind.REFUSED, "unservable", "no configured endpoint can be served: " + unservable);
            return new Step(Optional.empty(), c, condition.observe(c, nowNanos), Optional.empty());
        }
        PlannerResult r;
        try {
            r = planner.tick(topology.get(), health.observe());
        } catch (RuntimeException e) {
            RoleCondition c = new RoleCondition(RoleCondition.Kind.FAILED, e.getClass().getName(), "tick threw " + e);
            return new Step(Optional.empty(), c, condition.observe(c, nowNanos), Optional.of(e));
        }
        last = Optional.of(r);
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
     * Publishes the draft the planner would publish now, as forced, whatever pin says (an operator's
     * act, like rollback). Bounded: at most {@link #FORCED_PUBLISH_ATTEMPTS_MAX} compare-and-sets.
     */
    public Forced publishForced(long nowNanos) {
        nowMillis = TimeUnit.NANOSECONDS.toMillis(nowNanos);
        if (topology.isEmpty()) return new Forced(Optional.empty(), "no configured endpoint can be served: nothing to publish");
        try {
            for (int attempt = 0; attempt < FORCED_PUBLISH_ATTEMPTS_MAX; attempt++) {
                Optional<Plan> latest = planStore.latest();
                Generation expected = latest.map(Plan::generation).orElse(Generation.ZERO);
                Optional<PlanDraft> desired = planner.compute(topology.get(), health.observe(), latest, TickTime.ofMonotonicMillis(nowMillis)).desired();
                if (desired.isEmpty()) return new Forced(Optional.empty(), "no endpoint has a target known up: nothing to publish");
                PlanDraft draft = desired.get().asForced();
                if (planStore.publish(expected, draft) instanceof PublishOutcome.Published p) {
                    return new Forced(Optional.of(p.plan()), "published the planner's current draft as " + p.plan().generation() + " (forced)");
                }
            }
            return new Forced(Optional.empty(), "other publishers won " + FORCED_PUBLISH_ATTEMPTS_MAX + " times; nothing published");
        } catch (StoreUnavailableException e) {
            return new Forced(Optional.empty(), "plan store unavailable: " + e.getMessage());
        }
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

    public Optional<PlannerResult> lastResult() {
        return last;
    }
}
