package io.waymark.core.invariant;

import io.waymark.core.model.Endpoint;
import io.waymark.core.model.Plan;
import io.waymark.core.model.RecordSet;
import io.waymark.core.port.PlanStore;
import io.waymark.core.port.RecordStore;
import io.waymark.core.port.StampedRecords;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * L1 as a check on one state: the endpoints of the latest plan that do not (yet) serve it exactly
 * (its stamp and its record set). Empty means converged. The simulator asks this after faults stop
 * and compares the number of ticks it took with the stated bound.
 */
public final class Convergence {
    private Convergence() {}

    public static List<Endpoint> lagging(PlanStore planStore, RecordStore recordStore) {
        Optional<Plan> latest = planStore.latest();
        if (latest.isEmpty()) return List.of();
        List<Endpoint> out = new ArrayList<>();
        for (Map.Entry<Endpoint, RecordSet> e : latest.get().recordSets().entrySet()) {
            StampedRecords now = recordStore.read(e.getKey());
            if (!now.stamp().equals(latest.get().stamp()) || !now.records().equals(Optional.of(e.getValue()))) out.add(e.getKey());
        }
        return out;
    }
}
