package io.waymark.core.operator;

import io.waymark.core.model.AddressFamily;
import io.waymark.core.model.Endpoint;
import io.waymark.core.model.Generation;
import io.waymark.core.model.Plan;
import io.waymark.core.model.PlanDraft;
import io.waymark.core.model.Provenance;
import io.waymark.core.model.RecordSet;
import io.waymark.core.port.PlanStore;
import io.waymark.core.port.PublishOutcome;
import io.waymark.core.port.StoreUnavailableException;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * Rollback is roll-forward: an old plan's content is republished as a NEW generation, so stamps and
 * generations keep only moving forward (I2) and every enactor applies it like any other plan.
 *
 * <p>The republished plan is <b>forced</b>: rolling back is a deliberate operator act, typically after
 * a bad plan, and going back usually removes much of what is served now — exactly what the enactors'
 * change threshold would refuse. The non-empty guard still applies (forced never skips it).
 *
 * <p>A rollback never takes an address family away from an endpoint that serves it (I1 per family): an
 * old plan from before an endpoint's IPv6 (or IPv4) targets were up is refused; dropping a family on
 * purpose is a {@link ForcedPublish} with a reason.
 *
 * <p>A rollback republishes only endpoints that are still configured: an old plan's content is
 * restricted to the configured endpoints (without a configured set: to the endpoints of the latest plan,
 * which is what the planner last saw configured, or a rollback restricted the same way). Republishing an
 * endpoint that left the configuration served it again after it was retired, and the retire role then
 * tombstoned it again, rollback after rollback (seed 46); and clean-up cannot reason about an endpoint
 * that comes and goes like that. An endpoint configured but absent from the old plan is left out, as
 * before: enactors leave it as it is.
 *
 * <p>With {@code pin}, the plan store is pinned first, so that the planner does not publish over the
 * rollback on its next tick; operators unpin when the fleet is healthy again.
 */
public final class Rollback {
    /** Publishers racing the rollback get at most this many CAS attempts' worth of patience. */
    public static final int PUBLISH_ATTEMPTS_MAX = 5;
    private final PlanStore planStore;
    private final Optional<Set<Endpoint>> configured;

    /** Restricts the old content to the endpoints of the latest plan (see the class comment). */
    public Rollback(PlanStore planStore) {
        this(planStore, Optional.empty());
    }

    /** Restricts the old content to {@code configured}, the endpoints of the running configuration. */
    public Rollback(PlanStore planStore, Set<Endpoint> configured) {
        this(planStore, Optional.of(Set.copyOf(configured)));
    }

    private Rollback(PlanStore planStore, Optional<Set<Endpoint>> configured) {
        if (planStore == null || configured == null) throw new IllegalArgumentException("rollback needs a plan store");
        this.planStore = planStore;
        this.configured = configured;
    }

    public RollbackResult to(Generation generation, boolean pin) {
        try {
            Optional<Plan> old = planStore.read(generation);
            if (old.isEmpty()) return new RollbackResult(RollbackStatus.NOT_FOUND, Optional.empty(), "plan " + generation + " is not in history");
            if (!old.get().verifyHash()) return new RollbackResult(RollbackStatus.CORRUPT, Optional.empty(), "plan " + generation + " does not match its hash");
            Optional<Plan> latestSeen = planStore.latest();
            Optional<String> emptied = emptiedFamily(latestSeen, old.get());
            if (emptied.isPresent()) return new RollbackResult(RollbackStatus.EMPTIES_A_FAMILY, Optional.empty(), emptied.get());
            if (restricted(old.get(), latestSeen).isEmpty()) return nothingConfigured(generation);
            if (pin) new Switches(planStore).pin();
            for (int attempt = 0; attempt < PUBLISH_ATTEMPTS_MAX; attempt++) {
                Optional<Plan> latestPlan = planStore.latest();
                // Restricted against the latest plan read in this attempt: the set it restricts to may have moved.
                TreeMap<Endpoint, RecordSet> content = restricted(old.get(), latestPlan);
                if (content.isEmpty()) return nothingConfigured(generation);
                // Judged again against this attempt's latest plan: one published since the first check (the
                // operator stalled, or lost a CAS) may serve a family the old plan lacks (seed 1692, I1).
                Optional<String> emptiedNow = emptiedFamily(latestPlan, old.get());
                if (emptiedNow.isPresent()) return new RollbackResult(RollbackStatus.EMPTIES_A_FAMILY, Optional.empty(), emptiedNow.get());
                Generation latest = latestPlan.map(Plan::generation).orElse(Generation.ZERO);
                PlanDraft draft = new PlanDraft(content, true, Provenance.UNKNOWN.because("rollback to " + generation));
                PublishOutcome outcome = planStore.publish(latest, draft);
                if (outcome instanceof PublishOutcome.Published p) {
                    return new RollbackResult(RollbackStatus.PUBLISHED, Optional.of(p.plan()),
                            "republished the content of " + generation + " as " + p.plan().generation() + " (forced)" + (pin ? ", planner pinned" : ""));
                }
            }
            return new RollbackResult(RollbackStatus.CONFLICT, Optional.empty(), "other publishers won " + PUBLISH_ATTEMPTS_MAX + " times; nothing published");
        } catch (StoreUnavailableException e) {
            return new RollbackResult(RollbackStatus.STORE_UNAVAILABLE, Optional.empty(), String.valueOf(e.getMessage()));
        }
    }

    private static RollbackResult nothingConfigured(Generation generation) {
        return new RollbackResult(RollbackStatus.NOTHING_CONFIGURED, Optional.empty(), "plan " + generation + " holds no endpoint that is still configured; nothing published");
    }

    /** The old plan's record sets of the endpoints still configured (see the class comment). */
    private TreeMap<Endpoint, RecordSet> restricted(Plan old, Optional<Plan> latest) {
        Set<Endpoint> keep = configured.orElseGet(() -> latest.map(p -> p.recordSets().keySet()).orElse(old.recordSets().keySet()));
        TreeMap<Endpoint, RecordSet> out = new TreeMap<>();
        old.recordSets().forEach((e, rs) -> {
            if (keep.contains(e)) out.put(e, rs);
        });
        return out;
    }

    /** The first (endpoint, family) the latest plan serves that rolling back to {@code old} would leave empty. */
    private static Optional<String> emptiedFamily(Optional<Plan> latest, Plan old) {
        if (latest.isEmpty()) return Optional.empty();
        for (Map.Entry<Endpoint, RecordSet> e : latest.get().recordSets().entrySet()) {
            RecordSet then = old.recordSets().get(e.getKey());
            if (then == null) continue; // not in the old plan: enactors leave it as it is
            for (AddressFamily f : AddressFamily.of(e.getValue())) {
                if (f.countIn(then) == 0) {
                    return Optional.of("rolling back to " + old.generation() + " would leave " + e.getKey() + " without " + f.recordType()
                            + " records (served by " + latest.get().generation() + "); to drop a family on purpose, publish forced with a reason");
                }
            }
        }
        return Optional.empty();
    }
}
