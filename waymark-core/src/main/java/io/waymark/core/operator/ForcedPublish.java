package io.waymark.core.operator;

import io.waymark.core.model.Generation;
import io.waymark.core.model.Plan;
import io.waymark.core.model.PlanDraft;
import io.waymark.core.model.Provenance;
import io.waymark.core.port.PlanStore;
import io.waymark.core.port.PublishOutcome;
import io.waymark.core.port.StoreUnavailableException;
import java.util.Optional;
import java.util.function.Function;

/**
 * An operator publishes the planner's current desired draft as <b>forced</b>, with a reason: the way past
 * a change the planner will not make on its own (removing every address of a family whose targets left
 * the configuration) or past enactors that refuse a plan against an older state they still serve. Forced
 * plans skip the enactors' change threshold, never the non-empty guard. The reason is kept with the plan
 * ({@link Provenance#reason()}, in its hash and in the log) and returned in the result for the audit log.
 *
 * <p>Publishes whether or not the planner is pinned (an operator act, like {@link Rollback}), and even
 * when the draft's record sets equal the latest plan's (republishing them forced is what unsticks
 * enactors that refuse the latest plan). The draft is computed against the latest plan read inside
 * each compare-and-set attempt, so it never overwrites a plan it did not see.
 */
public final class ForcedPublish {
    /** Publishers racing the forced publish get at most this many CAS attempts' worth of patience. */
    public static final int PUBLISH_ATTEMPTS_MAX = 5;
    private final PlanStore planStore;

    public ForcedPublish(PlanStore planStore) {
        if (planStore == null) throw new IllegalArgumentException("forced publish needs a plan store");
        this.planStore = planStore;
    }

    public enum Status {
        /** The draft was published, forced, with the reason. */
        PUBLISHED,
        /** The reason is missing or not one line of at most {@link Provenance#REASON_LENGTH_MAX} characters: nothing published. */
        INVALID_REASON,
        /** The planner has nothing to serve yet (no target known up for any endpoint): nothing published. */
        NOTHING_TO_PUBLISH,
        /** Other publishers kept winning the compare-and-set: nothing published. */
        CONFLICT,
        /** The plan store could not be reached. */
        STORE_UNAVAILABLE
    }

    /** What a forced publish did, and one line for the audit log (it carries the reason). */
    public record Result(Status status, Optional<Plan> published, String auditLine) {
        public Result {
            if (status == null || published == null || auditLine == null) throw new IllegalArgumentException("forced publish result parts must not be null");
            if (published.isPresent() != (status == Status.PUBLISHED)) throw new IllegalArgumentException("a published plan comes with status PUBLISHED and only then");
        }
    }

    /**
     * @param draftFor     the planner's desired draft against a given latest plan, e.g.
     *                     {@code latest -> planner.compute(topology, health, latest, now).desired()}
     * @param reason       why, in the operator's words (one line)
     * @param nowMillis    the wall clock, stamped into the plan as its publish time
     */
    public Result publish(Function<Optional<Plan>, Optional<PlanDraft>> draftFor, String reason, long nowMillis) {
        Optional<String> invalid = checkReason(reason);
        if (invalid.isPresent()) return new Result(Status.INVALID_REASON, Optional.empty(), "forced publish refused: " + invalid.get());
        try {
            for (int attempt = 0; attempt < PUBLISH_ATTEMPTS_MAX; attempt++) {
                Optional<Plan> latest = planStore.latest();
                Optional<PlanDraft> draft = draftFor.apply(latest);
                if (draft.isEmpty()) return new Result(Status.NOTHING_TO_PUBLISH, Optional.empty(), "forced publish (" + reason + "): no endpoint has a target known up; nothing published");
                Generation before = latest.map(Plan::generation).orElse(Generation.ZERO);
                PlanDraft forced = draft.get().publishedAt(nowMillis).forcedBecause(reason.strip());
                if (planStore.publish(before, forced) instanceof PublishOutcome.Published p) {
                    return new Result(Status.PUBLISHED, Optional.of(p.plan()), "forced publish of " + p.plan().generation() + " " + p.plan().hash()
                            + " after " + before + ", reason: " + reason.strip());
                }
            }
            return new Result(Status.CONFLICT, Optional.empty(), "forced publish (" + reason + "): other publishers won " + PUBLISH_ATTEMPTS_MAX + " times; nothing published");
        } catch (StoreUnavailableException e) {
            return new Result(Status.STORE_UNAVAILABLE, Optional.empty(), "forced publish (" + reason + "): plan store unavailable: " + e.getMessage());
        }
    }

    private static Optional<String> checkReason(String reason) {
        if (reason == null || reason.isBlank()) return Optional.of("a forced publish needs a reason (--reason TEXT)");
        try {
            Provenance.UNKNOWN.because(reason.strip());
            return Optional.empty();
        } catch (IllegalArgumentException e) {
            return Optional.of(e.getMessage());
        }
    }
}
