package io.waymark.adapters.plan;

import static io.waymark.adapters.Fixtures.endpoint;
import static io.waymark.adapters.Fixtures.records;

import io.waymark.core.model.Endpoint;
import io.waymark.core.model.PlanDraft;
import io.waymark.core.model.RecordSet;
import java.util.Map;
import java.util.TreeMap;

/** Plans of a few hundred endpoints (tens of kB of JSON each). */
final class BigPlans {
    private BigPlans() {}

    static PlanDraft draft(long g) {
        Map<Endpoint, RecordSet> sets = new TreeMap<>();
        for (int i = 0; i < 200; i++) sets.put(endpoint(i), records(endpoint(i), g + i % 7));
        return PlanDraft.of(sets);
    }
}
