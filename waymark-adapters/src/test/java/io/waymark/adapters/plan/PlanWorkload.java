package io.waymark.adapters.plan;

import static io.waymark.adapters.Fixtures.endpoint;
import static io.waymark.adapters.Fixtures.records;

import io.waymark.core.model.ControlFlags;
import io.waymark.core.model.Endpoint;
import io.waymark.core.model.Generation;
import io.waymark.core.model.PlanDraft;
import io.waymark.core.model.RecordSet;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The crash child's steps: step s publishes generation s (content a function of s), then every 4th
 * step deletes generation s-2, then sets flags that depend on s. Deterministic, so the parent can say
 * what the store must hold after any acknowledged prefix.
 */
final class PlanWorkload {
    private PlanWorkload() {}

    static PlanDraft draft(long g) {
        Map<Endpoint, RecordSet> sets = new TreeMap<>();
        for (int i = 0; i < 20; i++) sets.put(endpoint(i), records(endpoint(i), g));
        PlanDraft d = PlanDraft.of(sets);
        return g % 5 == 0 ? d.asForced() : d;
    }

    static Generation deletedAt(long step) {
        return step % 4 == 0 ? Generation.of(step - 2) : null;
    }

    static ControlFlags flags(long step) {
        return new ControlFlags(step % 2 == 0, step % 3 == 0);
    }

    /** Generations still stored after steps 1..last. */
    static TreeSet<Generation> historyAfter(long last) {
        TreeSet<Generation> h = new TreeSet<>();
        for (long s = 1; s <= last; s++) {
            h.add(Generation.of(s));
            Generation d = deletedAt(s);
            if (d != null) h.remove(d);
        }
        return h;
    }
}
