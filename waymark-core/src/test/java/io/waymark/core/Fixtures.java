package io.waymark.core;

import io.waymark.core.model.Endpoint;
import io.waymark.core.model.PlanDraft;
import io.waymark.core.model.RecordSet;
import io.waymark.core.model.WeightedAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/** Small builders shared by the core tests. */
public final class Fixtures {
    private Fixtures() {}

    public static Endpoint ep(int i) {
        return Endpoint.of("e" + i + ".waymark.test.");
    }

    /** A record set of the given last octets of 10.0.0.x, weight 1 each. */
    public static RecordSet rs(int... octets) {
        List<WeightedAddress> list = new ArrayList<>();
        for (int o : octets) list.add(WeightedAddress.of("10.0.0." + o, 1));
        return new RecordSet(list, 30);
    }

    /** A draft giving every one of {@code endpoints} endpoints the same record set. */
    public static PlanDraft draft(int endpoints, int... octets) {
        TreeMap<Endpoint, RecordSet> m = new TreeMap<>();
        for (int i = 0; i < endpoints; i++) m.put(ep(i), rs(octets));
        return new PlanDraft(m, false);
    }
}
