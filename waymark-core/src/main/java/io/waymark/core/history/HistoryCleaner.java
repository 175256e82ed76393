package io.waymark.core.history;

import io.waymark.core.model.Endpoint;
import io.waymark.core.model.Generation;
import io.waymark.core.model.Plan;
import io.waymark.core.port.PlanStore;
import io.waymark.core.port.RecordStore;
import io.waymark.core.port.StampedRecords;
import io.waymark.core.port.StoreUnavailableException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Deletes old plans from history; never touches records (DESIGN.md, "History clean-up").
 *
 * <p>A plan P is deleted only if all of these hold:
 * <ol>
 * <li>P is not among the newest {@code retainNewest} stored plans (so never the latest);</li>
 * <li>P.generation is below every generation named by the stamp of a <b>live</b> endpoint in a scan of
 *     the record store (so no live stamp names P: I4);</li>
 * <li>every live endpoint in P's content serves a generation above P's, read right before the delete (so
 *     no enactor, however stale, can still land P on a live endpoint: a write of P to E succeeds only
 *     while E's stamp is older than P).</li>
 * </ol>
 * <b>Live</b> = every endpoint the record store holds ({@link RecordStore#endpoints}: written and not
 * retired), plus every endpoint of the latest plan (which enactors may be about to write). "The latest
 * plan's endpoints" alone was wrong: after a rollback to a plan that lacks an endpoint, or before an
 * endpoint re-added to the configuration is planned again, that endpoint still serves a stamp, and
 * clean-up deleted the plan it names (seed 46, I4).
 * <b>Why not retired endpoints.</b> An endpoint dropped from the configuration is retired explicitly, by a
 * conditional tombstone ({@code RecordStore.retire}); a retired endpoint holds no stamp, so no stamp of
 * it names any plan, and counting it would stop clean-up forever (history grew without bound, issue 7
 * defect 9). Until it is retired it is live and holds clean-up back like any other: the retire role
 * retires it once the latest plan no longer holds it (and rollbacks never bring it back: {@code Rollback}).
 * <b>Why a scan that is stale by the time of the delete is still safe.</b> Stamps only move forward:
 * applyIfNewer writes only when the stored generation is below the new one. So every generation read in
 * the scan (and in the re-check) is a lower bound on what that endpoint serves at any later time.
 * (2) then holds at delete time for every endpoint stamped in the scan; an endpoint written after the
 * scan can only be stamped with a plan whose content holds it, and for P that is excluded by (3), which
 * holds forever once true. An endpoint whose stamp is missing or unreadable (generation 0) could be
 * healed with any plan an enactor holds, which is why (3) keeps P while one of its endpoints is
 * unserved. Plans of the same generation cannot differ: generations are assigned once by the store.
 * Hence the run is safe with any number of cleaners and enactors interleaved, and idempotent (deleting
 * a deleted plan is a no-op).
 */
public final class HistoryCleaner {
    private final PlanStore planStore;
    private final RecordStore recordStore;
    private final int retainNewest;
    private final int deletesPerRunMax;

    public HistoryCleaner(PlanStore planStore, RecordStore recordStore, int retainNewest, int deletesPerRunMax) {
        if (planStore == null || recordStore == null) throw new IllegalArgumentException("cleaner needs both stores");
        if (retainNewest < 1) throw new IllegalArgumentException("retainNewest must be >= 1 (the latest plan is always kept), got " + retainNewest);
        if (deletesPerRunMax < 1) throw new IllegalArgumentException("deletesPerRunMax must be >= 1, got " + deletesPerRunMax);
        this.planStore = planStore;
        this.recordStore = recordStore;
        this.retainNewest = retainNewest;
        this.deletesPerRunMax = deletesPerRunMax;
    }

    /** One whole run: {@code finish(scan())}. */
    public CleanupResult clean() {
        return finish(scan());
    }

    /**
     * Step 1 of a run: the scan, reads only. The simulator may hold the result for as long as it likes
     * (a stalled cleaner) before {@link #finish}: the scan only ever under-estimates what is served later.
     */
    public CleanupScan scan() {
        long oldestServed = Long.MAX_VALUE;
        try {
            List<Generation> history = planStore.history();
            if (history.size() <= retainNewest) return new CleanupScan(Generation.ZERO, List.of(), Optional.empty());
            Optional<Plan> latest = planStore.latest();
            if (latest.isEmpty()) return new CleanupScan(Generation.ZERO, List.of(), Optional.empty());
            // The lowest generation any LIVE endpoint's stamp names right now (a lower bound from now on).
            for (Endpoint e : live(latest.get())) {
                long g = recordStore.read(e).stamp().generation().value();
                if (g > 0) oldestServed = Math.min(oldestServed, g);
            }
            List<Generation> candidates = new ArrayList<>();
            for (Generation g : history.subList(0, history.size() - retainNewest)) {
                if (g.value() >= oldestServed) break; // history ascends: none further is deletable
                candidates.add(g);
            }
            return new CleanupScan(oldest(oldestServed), candidates, Optional.empty());
        } catch (StoreUnavailableException e) {
            return new CleanupScan(oldest(oldestServed), List.of(), Optional.of(String.valueOf(e.getMessage())));
        }
    }

    /** Step 2 of a run: re-checks each candidate with fresh reads (condition 3), then deletes it. */
    public CleanupResult finish(CleanupScan scan) {
        if (scan.error().isPresent()) return new CleanupResult(scan.oldestServed(), List.of(), 0, 1, scan.error());
        List<Generation> deleted = new ArrayList<>();
        int keptUnserved = 0;
        try {
            // Highest generation read per endpoint during this run; a lower bound from then on.
            Map<Endpoint, Long> seenAtLeast = new HashMap<>();
            Optional<Plan> latest = planStore.latest();
            Set<Endpoint> live = latest.isPresent() ? live(latest.get()) : recordStore.endpoints();
            // Every live endpoint was read in this run serving above this generation (0 until each was read).
            long everyLiveAbove = 0;
            for (Generation g : scan.candidates()) {
                if (deleted.size() >= deletesPerRunMax) break;
                if (g.value() < everyLiveAbove) {
                    // (3) holds whatever P holds: its live endpoints are among those read above g. Spares
                    // reading P back (from disk, decoded) only to list its endpoints; a plan store that
                    // accumulated a thousand plans between two runs read a thousand of them.
                    if (planStore.delete(g)) deleted.add(g); // false: deleted meanwhile by another cleaner
                    continue;
                }
                Optional<Plan> plan = planStore.read(g);
                if (plan.isEmpty()) continue; // deleted meanwhile by another cleaner: idempotent
                boolean served = everyLiveEndpointServesNewer(plan.get(), live, seenAtLeast);
                everyLiveAbove = lowestRead(live, seenAtLeast);
                if (!served) {
                    keptUnserved++;
                    continue;
                }
                if (planStore.delete(g)) deleted.add(g);
            }
        } catch (StoreUnavailableException e) {
            return new CleanupResult(scan.oldestServed(), deleted, keptUnserved, 1, Optional.of(String.valueOf(e.getMessage())));
        }
        return new CleanupResult(scan.oldestServed(), deleted, keptUnserved, 0, Optional.empty());
    }

    /** Condition (3), read fresh (or known from an earlier fresh read in this run: stamps only grow). */
    private boolean everyLiveEndpointServesNewer(Plan plan, Set<Endpoint> live, Map<Endpoint, Long> seenAtLeast) {
        long g = plan.generation().value();
        for (Endpoint e : plan.recordSets().keySet()) {
            if (!live.contains(e)) continue; // left the configuration: retired by tombstone, never waited for
            Long known = seenAtLeast.get(e);
            if (known != null && known > g) continue;
            StampedRecords read = recordStore.read(e);
            // A tombstone takes back no plan at or below the generation it was retired at (the store's
            // rule): as good as serving a newer plan. Counted as serving nothing, a retired endpoint the
            // latest plan still holds stopped clean-up for good (seed 4428, L2).
            long now = read.retired() ? read.retiredAt().value() + 1 : read.stamp().generation().value();
            // A fresh read naming exactly g is possible (an endpoint unserved in the scan, healed since by
            // a stale enactor holding this plan): it is exactly what this re-check exists to catch.
            seenAtLeast.merge(e, now, Math::max);
            if (now <= g) return false;
        }
        return true;
    }

    /**
     * The lowest generation read in this run over every live endpoint, or 0 while one of them has not
     * been read yet (bounded by the live endpoints; called once per plan read back, which costs as much).
     */
    private static long lowestRead(Set<Endpoint> live, Map<Endpoint, Long> seenAtLeast) {
        long lowest = Long.MAX_VALUE;
        for (Endpoint e : live) {
            Long read = seenAtLeast.get(e);
            if (read == null) return 0;
            lowest = Math.min(lowest, read);
        }
        return lowest == Long.MAX_VALUE ? 0 : lowest;
    }

    /** See the class comment: what the record store holds (not retired) and what the latest plan holds. */
    private Set<Endpoint> live(Plan latest) {
        Set<Endpoint> held = recordStore.endpoints();
        java.util.HashSet<Endpoint> live = new java.util.HashSet<>(held.size() + latest.recordSets().size());
        live.addAll(held);
        live.addAll(latest.recordSets().keySet());
        return live;
    }

    private static Generation oldest(long oldestServed) {
        return oldestServed == Long.MAX_VALUE ? Generation.ZERO : Generation.of(oldestServed);
    }
}
