package io.waymark.core.planner;

import io.waymark.core.model.Endpoint;
import io.waymark.core.model.Plan;
import io.waymark.core.model.RecordSet;
import io.waymark.core.model.Stamp;
import io.waymark.core.port.StampedRecords;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Whether every endpoint of the latest plan serves that plan's records (or serves nothing, which the
 * change guard does not count, or a stamp at or above the plan's, which no enactor writes over). Endpoints
 * only move forward, so once an endpoint serves the latest plan's records it is not read again for that
 * plan: each plan costs one read per endpoint, plus re-reads of the endpoints still behind. Not thread-safe.
 */
final class ConvergenceWatch {
    private final ServedView view;
    private Stamp pendingFor = Stamp.NONE;
    private List<Endpoint> pending = List.of();

    ConvergenceWatch(ServedView view) {
        this.view = view;
    }

    /** True when no endpoint of {@code latest} lags behind it; reads only the endpoints not yet seen caught up. */
    boolean converged(Plan latest) {
        if (!pendingFor.equals(latest.stamp())) {
            pending = new ArrayList<>(latest.recordSets().keySet());
            pendingFor = latest.stamp();
        }
        List<Endpoint> behind = new ArrayList<>();
        for (Endpoint e : pending) if (!caughtUp(latest, e, view.read(e))) behind.add(e);
        pending = behind;
        return pending.isEmpty();
    }

    /** Endpoints still behind the plan last asked about (for the event that says why removals wait). */
    List<Endpoint> behind() {
        return List.copyOf(pending);
    }

    private static boolean caughtUp(Plan latest, Endpoint e, StampedRecords now) {
        Optional<RecordSet> records = now.records();
        if (records.isEmpty()) return true;
        if (now.stamp().generation().isAtLeast(latest.generation())) return true;
        return records.get().equals(latest.recordSets().get(e));
    }
}
