package io.waymark.sim;

import io.waymark.core.model.Endpoint;
import io.waymark.core.model.PlanDraft;
import io.waymark.core.model.RecordSet;
import io.waymark.core.model.WeightedAddress;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.random.RandomGenerator;

/**
 * The fleet every randomised schedule works on, Waymark's and legacy's alike, so that both
 * algorithms are explored on the same endpoints, enactors and plans.
 */
public final class ScheduleFleet {
    public static final List<Endpoint> ENDPOINTS = List.of(Endpoint.of("api.example.test."), Endpoint.of("api6.example.test."), Endpoint.of("fips.example.test."));
    public static final List<String> ENACTOR_IDS = List.of("enactor-A", "enactor-B", "enactor-C");
    private static final int RECORD_TTL_SECONDS = 5;
    // Parsed once: parsing address literals per draft was a tenth of a schedule's cost.
    private static final List<InetAddress> LB_ADDRESSES = List.of(
            WeightedAddress.parseLiteral("192.0.2.1"), WeightedAddress.parseLiteral("192.0.2.2"),
            WeightedAddress.parseLiteral("192.0.2.3"), WeightedAddress.parseLiteral("192.0.2.4"));

    private ScheduleFleet() {}

    /**
     * A plan over the first {@code endpointsUsed} endpoints: the first load balancer always, each
     * other one with probability 3/4, random weights. Draws for every possible endpoint, so that a
     * schedule shrunk to fewer endpoints keeps the same chances everywhere else.
     */
    public static PlanDraft draw(RandomGenerator random, int endpointsUsed) {
        Map<Endpoint, RecordSet> m = new TreeMap<>();
        for (int k = 0; k < ENDPOINTS.size(); k++) {
            List<WeightedAddress> lbs = new ArrayList<>();
            for (int i = 0; i < LB_ADDRESSES.size(); i++) {
                if (i == 0 || random.nextInt(4) != 0) lbs.add(new WeightedAddress(LB_ADDRESSES.get(i), 1 + random.nextInt(100)));
            }
            if (k < endpointsUsed) m.put(ENDPOINTS.get(k), new RecordSet(lbs, RECORD_TTL_SECONDS));
        }
        return PlanDraft.of(m);
    }
}
