package io.waymark.sim.system;

import io.waymark.core.model.Endpoint;
import io.waymark.core.model.Target;
import io.waymark.core.model.WeightedAddress;
import io.waymark.core.planner.EndpointSpec;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The fleet of the whole-system run: load balancers with capacities in three availability zones, and a
 * catalogue of endpoints in two DNS zones, chosen so that each safety rule meets its edge:
 * <ul>
 * <li>{@code api.example.test.} dual-stack, two small IPv4 targets and three IPv6 ones: losing the IPv4
 *     family removes only a quarter of the capacity, so whole-record-set rules let the A answer go empty;</li>
 * <li>{@code www.example.test.} two targets of 100 with a quarter per window: the shipped example, where one
 *     target is larger than the window's budget;</li>
 * <li>{@code fips.example.test.} 70/10/10/10: velocity counts capacity while the change guard counts
 *     addresses, so removing the small ones is cheap for one and large for the other;</li>
 * <li>{@code svc.other.test.} dual-stack with one target per family; {@code api6.example.test.} IPv6 only;
 *     {@code edge.other.test.} 40/30/30, where no single target fits the budget.</li>
 * </ul>
 * Immutable, built once: parsing addresses per run would cost more than the run.
 */
public final class SystemFleet {
    public static final String ZONE_EXAMPLE = "example.test.";
    public static final String ZONE_OTHER = "other.test.";
    /** Endpoints in catalogue order; a schedule shrunk to n endpoint(s) uses the first 2n. */
    public static final List<EndpointSpec> CATALOGUE;
    public static final List<Endpoint> ENDPOINTS;
    public static final List<Target> TARGETS;
    public static final int TTL_SECONDS = 5;

    private static final Map<InetAddress, Target> BY_ADDRESS;

    static {
        List<EndpointSpec> c = new ArrayList<>();
        c.add(spec("api.example.test.", t("api-a4", "198.51.100.1", "az1", 50), t("api-b4", "198.51.100.2", "az2", 50),
                t("api-a6", "2001:db8::a1", "az1", 100), t("api-b6", "2001:db8::b1", "az2", 100), t("api-c6", "2001:db8::c1", "az3", 100)));
        c.add(spec("www.example.test.", t("lb-a", "192.0.2.1", "az1", 100), t("lb-b", "192.0.2.2", "az2", 100)));
        c.add(spec("fips.example.test.", t("fips-a", "203.0.113.1", "az1", 70), t("fips-b", "203.0.113.2", "az2", 10),
                t("fips-c", "203.0.113.3", "az3", 10), t("fips-d", "203.0.113.4", "az2", 10)));
        c.add(spec("svc.other.test.", t("svc-a4", "198.51.100.21", "az1", 100), t("svc-a6", "2001:db8::21", "az2", 100)));
        c.add(spec("api6.example.test.", t("v6-a", "2001:db8::61", "az1", 25), t("v6-b", "2001:db8::62", "az2", 25),
                t("v6-c", "2001:db8::63", "az3", 25), t("v6-d", "2001:db8::64", "az1", 25)));
        c.add(spec("edge.other.test.", t("edge-a", "192.0.2.41", "az1", 40), t("edge-b", "192.0.2.42", "az2", 30), t("edge-c", "192.0.2.43", "az3", 30)));
        CATALOGUE = List.copyOf(c);
        ENDPOINTS = c.stream().map(EndpointSpec::endpoint).toList();
        List<Target> all = new ArrayList<>();
        for (EndpointSpec s : c) all.addAll(s.targets());
        TARGETS = List.copyOf(all);
        Map<InetAddress, Target> byAddress = new HashMap<>();
        for (Target t : all) if (byAddress.put(t.address(), t) != null) throw new IllegalStateException("address twice in the fleet: " + t);
        BY_ADDRESS = Map.copyOf(byAddress);
    }

    private SystemFleet() {}

    private static Target t(String id, String address, String zone, long capacity) {
        return new Target(id, WeightedAddress.parseLiteral(address), zone, capacity);
    }

    private static EndpointSpec spec(String name, Target... targets) {
        return new EndpointSpec(Endpoint.of(name), TTL_SECONDS, List.of(targets));
    }

    /** The target behind an address of the fleet, or null. */
    public static Target target(InetAddress address) {
        return BY_ADDRESS.get(address);
    }

    /** The DNS zone an endpoint of the catalogue lives in. */
    public static String zoneOf(Endpoint e) {
        return e.name().endsWith("." + ZONE_OTHER) ? ZONE_OTHER : ZONE_EXAMPLE;
    }

    /** 1 = IPv4, 2 = IPv6 (address families as a bit mask). */
    public static int family(InetAddress a) {
        return a instanceof Inet4Address ? 1 : 2;
    }

    public static String familyName(int family) {
        return family == 1 ? "IPv4 (A)" : "IPv6 (AAAA)";
    }
}
