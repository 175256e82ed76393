package io.waymark.core.planner;

import io.waymark.core.model.Endpoint;
import io.waymark.core.model.Plan;
import io.waymark.core.model.Stamp;
import io.waymark.core.port.StampedRecords;
import io.waymark.core.port.StoreUnavailableException;
import java.util.ArrayList;
import java.util.List;

/**
 * Whether every endpoint of the latest plan is stamped with it (or a newer one). An endpoint that serves
 * nothing yet is behind too: the planner steps against the latest plan's whole content, while the change
 * guard counts only what is served, so a partly applied plan makes a step look larger than it was
 * (found by DualStackPropertiesTest). Judged by the stamp, not by equal records: a stale enactor may still
 * land an older plan on an endpoint stamped older than the latest, even when its records already equal
 * the latest's, while no write of an older plan lands on one stamped with the latest (the store's CAS).
 * Stamps only move forward, so an endpoint caught up is not read again for that plan: each plan costs one
 * read per endpoint, plus re-reads of the endpoints still behind. Not thread-safe.
 */
final class ConvergenceWatch {
    private final ServedView view;
    private Stamp pendingFor = Stamp.NONE;
    private List<Endpoint> pending = List.of();

    ConvergenceWatch(ServedView view) {
        this.view = view;
    }

    /**
     * True when no endpoint of {@code latest} lags behind it; reads only the endpoints not yet seen caught
     * up. A store that cannot be read counts as "not yet": removals wait, planning goes on.
     */
    boolean converged(Plan latest) {
        if (!pendingFor.equals(latest.stamp())) {
            pending = new ArrayList<>(latest.recordSets().keySet());
            pendingFor = latest.stamp();
        }
        List<Endpoint> behind = new ArrayList<>();
        for (int i = 0; i < pending.size(); i++) {
            Endpoint e = pending.get(i);
            try {
                if (!caughtUp(latest, view.read(e))) behind.add(e);
            } catch (StoreUnavailableException unreadable) {
                behind.addAll(pending.subList(i, pending.size()));
                break;
            }
        }
        pending = behind;
        return pending.isEmpty();
    }

    /** Endpoints still behind the plan last asked about (for the event that says why removals wait). */
    List<Endpoint> behind() {
        return List.copyOf(pending);
    }

    /** Stamped with it or newer; or retired at it or above, where no write of it can land (it serves nothing of it). */
    private static boolean caughtUp(Plan latest, StampedRecords now) {
        return now.stamp().generation().isAtLeast(latest.generation()) || now.retiredAt().isAtLeast(latest.generation());
    }
}
