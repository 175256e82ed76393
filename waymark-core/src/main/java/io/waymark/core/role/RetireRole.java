package io.waymark.core.role;

import io.waymark.core.model.Endpoint;
import io.waymark.core.model.Plan;
import io.waymark.core.model.Stamp;
import io.waymark.core.port.PlanStore;
import io.waymark.core.port.RecordStore;
import io.waymark.core.port.StoreUnavailableException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Endpoints retire explicitly (DESIGN.md, "Around the protocol"; issue 7, defect 9): an endpoint the
 * record store holds that is no longer configured was served forever, and history clean-up stopped
 * forever (it reasons over every endpoint the store holds). Each {@link #step} retires at most
 * {@code retiresPerStepMax} of them, in name order, through a conditional tombstone: the stamp is read,
 * and the tombstone is written only if the stamp is still that one (a racing enactor wins, and the
 * endpoint is looked at again next step). Every retirement is returned, for the audit log.
 *
 * <p>Only endpoints absent from {@code configured} are touched, and of those only the ones the latest
 * plan does not hold, or holds at a generation they are already stamped with (or above). A tombstone
 * remembers the generation it was retired at, and the store brings the endpoint back only above it:
 * retired below the latest plan, an enactor would bring it back with the latest, to be retired again,
 * and so on; so such an endpoint waits for the enactors to land the latest plan on it, or for the
 * planner's next plan, which no longer holds it (while pinned, until unpin: the condition says so). It
 * must not wait for that plan alone: when no configured endpoint has anything to serve, the planner
 * publishes nothing (a plan covers at least one endpoint) and the endpoint was served forever (seeds
 * 1621, 10086; L1). Configured again, the planner republishes it (Planner, RETIRED_RETURNS).
 * {@code configured} is fixed for the role's life: a configuration change is a restart, which builds a
 * new role.
 *
 * <p>Cost: a scan reads the store's endpoint set. Once nothing is left to retire, scans run at most
 * every {@code scanIntervalNanos} (the first step always scans).
 */
public final class RetireRole {
    /** The conditional tombstone: {@code RecordStore.retire(endpoint, expected)} (see the store's contract). */
    @FunctionalInterface
    public interface Tombstones {
        /** Removes the endpoint's records and stamp iff its stamp still equals {@code expected}; false when it changed. */
        boolean retire(Endpoint endpoint, Stamp expected);
    }

    /** One endpoint retired: its name and the stamp it held, for the audit log. */
    public record Retired(Endpoint endpoint, Stamp stamp) {}

    /**
     * @param retired    endpoints retired by this step
     * @param left       endpoints still to retire after this step (0 when done, -1 when unknown)
     * @param transition present when the condition changed: log it once
     */
    public record Step(List<Retired> retired, int left, RoleCondition condition, Optional<Transition> transition) {
        public Step {
            retired = List.copyOf(retired);
        }
    }

    static final int NAMED_MAX = 10;

    private final RecordStore records;
    private final Tombstones tombstones;
    private final PlanStore plans;
    private final Set<Endpoint> configured;
    private final int retiresPerStepMax;
    private final long scanIntervalNanos;
    private final ConditionTracker condition = new ConditionTracker(0);
    private boolean scanned;
    private boolean workLeft;
    private long lastScanNanos;

    /**
     * @param plans              read for the latest plan (see the class comment)
     * @param retiresPerStepMax  tombstones written per step at most (each is a durable write)
     * @param scanIntervalNanos  time between scans once nothing is left to retire
     */
    public RetireRole(RecordStore records, Tombstones tombstones, PlanStore plans, Set<Endpoint> configured, int retiresPerStepMax, long scanIntervalNanos) {
        if (records == null || tombstones == null || plans == null || configured == null) {
            throw new IllegalArgumentException("retire role needs a record store, tombstones, the plan store and the configured endpoints");
        }
        if (retiresPerStepMax < 1) throw new IllegalArgumentException("retiresPerStepMax must be >= 1, got " + retiresPerStepMax);
        if (scanIntervalNanos < 0) throw new IllegalArgumentException("scanIntervalNanos must be >= 0, got " + scanIntervalNanos);
        this.records = records;
        this.tombstones = tombstones;
        this.plans = plans;
        this.configured = Set.copyOf(configured);
        this.retiresPerStepMax = retiresPerStepMax;
        this.scanIntervalNanos = scanIntervalNanos;
    }

    public Step step(long nowNanos) {
        List<Retired> retired = new ArrayList<>();
        // Overflow-safe comparison of monotonic readings.
        if (scanned && !workLeft && nowNanos - lastScanNanos < scanIntervalNanos) return new Step(retired, 0, condition.current(), Optional.empty());
        scanned = true;
        lastScanNanos = nowNanos;
        TreeSet<Endpoint> gone = new TreeSet<>();
        try {
            gone.addAll(records.endpoints());
            gone.removeAll(configured);
            workLeft = !gone.isEmpty();
            if (gone.isEmpty()) return done(retired, 0, RoleCondition.ok("no endpoint left the configuration"), nowNanos);
            Optional<Plan> latest = plans.latest();
            Set<Endpoint> inLatest = latest.map(p -> p.recordSets().keySet()).orElse(Set.of());
            TreeSet<Endpoint> waiting = new TreeSet<>(gone);
            waiting.retainAll(inLatest);
            gone.removeAll(inLatest);
            // Already stamped with the latest plan (or newer): no enactor can bring it back with the latest
            // (see the class comment), so it need not wait for a plan without it, which may never come.
            int read = 0;
            for (Endpoint e : List.copyOf(waiting)) {
                if (read++ >= retiresPerStepMax) break;
                if (records.read(e).stamp().generation().isAtLeast(latest.orElseThrow().generation())) {
                    waiting.remove(e);
                    gone.add(e);
                }
            }
            if (gone.isEmpty()) {
                workLeft = false; // nothing to do until enactors or the planner move: look again at the scan interval
                return done(retired, waiting.size(), new RoleCondition(RoleCondition.Kind.HELD, "waiting",
                        waiting.size() + " endpoints left the configuration; retired once they serve the latest plan, which still holds them, or a plan without them is published: "
                                + named(waiting)), nowNanos);
            }
            int attempts = 0;
            for (Endpoint e : List.copyOf(gone)) {
                if (attempts++ >= retiresPerStepMax) break;
                Stamp s = records.read(e).stamp();
                if (tombstones.retire(e, s)) {
                    retired.add(new Retired(e, s));
                    gone.remove(e);
                }
            }
        } catch (StoreUnavailableException e) {
            workLeft = true;
            return done(retired, -1, new RoleCondition(RoleCondition.Kind.STORE_UNAVAILABLE, "", "retiring endpoints: " + e.getMessage()), nowNanos);
        } catch (UnsupportedOperationException e) {
            workLeft = false; // retried at the scan interval: the store will not learn to retire meanwhile
            return done(retired, -1, new RoleCondition(RoleCondition.Kind.REFUSED, "unsupported",
                    gone.size() + " endpoints left the configuration but the record store cannot retire them (" + e.getMessage()
                            + "); they are still served: " + named(gone)), nowNanos);
        }
        workLeft = !gone.isEmpty();
        RoleCondition c = gone.isEmpty() ? RoleCondition.ok("every endpoint that left the configuration is retired")
                : RoleCondition.ok("retiring endpoints that left the configuration: " + gone.size() + " left");
        return done(retired, gone.size(), c, nowNanos);
    }

    /** At most a handful of names: a line in a log or a status view, not a dump. */
    private static String named(TreeSet<Endpoint> endpoints) {
        List<Endpoint> first = endpoints.stream().limit(NAMED_MAX).toList();
        return first + (endpoints.size() > NAMED_MAX ? " and " + (endpoints.size() - NAMED_MAX) + " more" : "");
    }

    private Step done(List<Retired> retired, int left, RoleCondition c, long nowNanos) {
        return new Step(retired, left, c, condition.observe(c, nowNanos));
    }

    public RoleCondition condition() {
        return condition.current();
    }

    public long conditionSinceNanos() {
        return condition.sinceNanos();
    }
}
