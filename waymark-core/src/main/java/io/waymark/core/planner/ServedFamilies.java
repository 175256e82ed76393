package io.waymark.core.planner;

import io.waymark.core.model.AddressFamily;
import io.waymark.core.model.Endpoint;
import io.waymark.core.model.Plan;
import io.waymark.core.model.PlanDraft;
import io.waymark.core.model.RecordSet;
import io.waymark.core.model.Target;
import java.util.Map;
import java.util.Optional;

/**
 * The planner's last check before it publishes (I1 per family, always on): every (endpoint, address
 * family) served (the latest plan, and what is served for endpoints it lacks) is still served by the draft — unless operators dropped the
 * endpoint, or every target of that family, from the configuration.
 */
final class ServedFamilies {
    private ServedFamilies() {}

    /** A sentence naming the first (endpoint, family) the draft would empty, or empty when there is none. */
    static Optional<String> firstEmptied(Optional<Plan> latest, PlanDraft draft, Topology topology) {
        return latest.isEmpty() ? Optional.empty() : firstEmptied(latest.get().recordSets(), "the draft", draft, topology);
    }

    static Optional<String> firstEmptied(Map<Endpoint, RecordSet> served, String label, PlanDraft draft, Topology topology) {
        for (Map.Entry<Endpoint, RecordSet> e : served.entrySet()) {
            EndpointSpec spec = topology.endpoints().get(e.getKey());
            if (spec == null) continue; // left the configuration: retired explicitly, never by emptying it
            RecordSet next = draft.recordSets().get(e.getKey());
            for (AddressFamily family : AddressFamily.of(e.getValue())) {
                if (!configures(spec, family)) continue;
                if (next == null || family.countIn(next) == 0) {
                    return Optional.of("I1: " + label + " would leave " + e.getKey() + " without " + family.recordType()
                            + " records (served: " + e.getValue() + ")");
                }
            }
        }
        return Optional.empty();
    }

    private static boolean configures(EndpointSpec spec, AddressFamily family) {
        for (Target t : spec.targets()) if (AddressFamily.of(t.address()) == family) return true;
        return false;
    }
}
