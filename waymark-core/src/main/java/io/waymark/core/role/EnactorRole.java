package io.waymark.core.role;

import io.waymark.core.enactor.Enactor;
import io.waymark.core.enactor.EnactorConfig;
import io.waymark.core.enactor.TickResult;
import io.waymark.core.enactor.TickStatus;
import java.util.Optional;

/**
 * One enactor as a role: {@link #step} is one {@link Enactor#tick()}, classified into a
 * {@link RoleCondition} so that callers report a refusal or a failing store once, when it starts and
 * when it ends (issue 7, defect 15), and told whether to step again at once.
 *
 * <p>Driving it: call {@link #step} at least every enactor interval, and again at once while
 * {@link Step#moreWork()} (work per tick is bounded, so a large plan takes several steps). The daemon
 * also steps at once when a plan is published in-process; a missed wake-up costs one interval.
 */
public final class EnactorRole {
    private final Enactor enactor;
    private final ConditionTracker condition;

    /**
     * What one step did.
     *
     * @param result     the tick's result; empty when the tick threw (see {@code bug})
     * @param condition  the condition after this step
     * @param transition present when the condition changed with this step: log it, once
     * @param bug        what the tick threw, if it did (a bug: the next step tries again)
     * @param shareFull  the tick visited as many endpoints as one tick may ({@link EnactorConfig#endpointsPerTickMax}),
     *                   so the plan may hold endpoints it has not reached yet
     */
    public record Step(Optional<TickResult> result, RoleCondition condition, Optional<Transition> transition, Optional<RuntimeException> bug,
                       boolean shareFull) {
        public Step {
            if (result == null || condition == null || transition == null || bug == null) throw new IllegalArgumentException("step parts must not be null");
            if (result.isPresent() == bug.isPresent()) throw new IllegalArgumentException("a step has a result or a bug, exactly one");
        }

        /**
         * Writes were made or seen (its own or, superseded, another enactor's) and some are left: endpoints
         * this tick did not reach (its share was full), heals deferred because a newer plan appeared, or
         * failed writes. Step again now. A tick that walked the whole plan and settled every endpoint has
         * nothing left: stepping again would only read every stamp once more (each enactor, each plan).
         */
        public boolean moreWork() {
            return result.map(r -> r.status() == TickStatus.WORKED && r.applied() + r.superseded() > 0
                    && (shareFull || r.deferred() > 0 || r.failed() > 0)).orElse(false);
        }
    }

    /** With {@link ConditionTracker#SETTLE_NANOS_DEFAULT}: a recovery is reported once it held for 5 s. */
    public EnactorRole(Enactor enactor) {
        this(enactor, ConditionTracker.SETTLE_NANOS_DEFAULT);
    }

    /** @param settleNanos how long leaving trouble must hold before it is reported (see {@link ConditionTracker}) */
    public EnactorRole(Enactor enactor, long settleNanos) {
        if (enactor == null) throw new IllegalArgumentException("enactor role needs an enactor");
        this.enactor = enactor;
        this.condition = new ConditionTracker(settleNanos);
    }

    public String id() {
        return enactor.id();
    }

    /** One tick at {@code nowNanos} (a monotonic reading, used for the condition's "since"). */
    public Step step(long nowNanos) {
        TickResult r;
        try {
            r = enactor.tick();
        } catch (RuntimeException e) {
            // A bug must not stop enacting forever: reported (once per kind of failure), retried next step.
            RoleCondition c = new RoleCondition(RoleCondition.Kind.FAILED, e.getClass().getName(), "tick threw " + e);
            return new Step(Optional.empty(), c, condition.observe(c, nowNanos), Optional.of(e), false);
        }
        RoleCondition c = classify(r);
        return new Step(Optional.of(r), c, condition.observe(c, nowNanos), Optional.empty(), r.visited() >= enactor.config().endpointsPerTickMax());
    }

    /** The condition a tick result leaves an enactor in. */
    static RoleCondition classify(TickResult r) {
        return switch (r.status()) {
            case PAUSED -> new RoleCondition(RoleCondition.Kind.HELD, "paused", "paused: writing nothing until resumed");
            case NO_PLAN -> new RoleCondition(RoleCondition.Kind.NO_PLAN, "", "no plan published yet");
            case REFUSED -> {
                var f = r.refusal().orElseThrow();
                // Keyed by plan and reason: the same refusal of the same plan is one event however many ticks see it.
                yield new RoleCondition(RoleCondition.Kind.REFUSED, r.planGeneration() + " " + f.reason(),
                        "refused plan " + r.planGeneration() + ": " + f.reason() + ": " + f.detail());
            }
            case STORE_UNAVAILABLE -> new RoleCondition(RoleCondition.Kind.STORE_UNAVAILABLE, "", firstError(r));
            case WORKED -> r.errors() > 0 && r.applied() == 0
                    ? new RoleCondition(RoleCondition.Kind.STORE_UNAVAILABLE, "", firstError(r))
                    : RoleCondition.ok("serving " + r.planGeneration());
        };
    }

    private static String firstError(TickResult r) {
        return r.errorDetails().isEmpty() ? "store unavailable (" + r.errors() + " errors)" : r.errorDetails().get(0);
    }

    public RoleCondition condition() {
        return condition.current();
    }

    public long conditionSinceNanos() {
        return condition.sinceNanos();
    }
}
