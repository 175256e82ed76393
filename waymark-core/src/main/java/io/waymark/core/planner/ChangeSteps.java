package io.waymark.core.planner;

import io.waymark.core.enactor.ChangeGuard;
import io.waymark.core.model.AddressFamily;
import io.waymark.core.model.Endpoint;
import io.waymark.core.model.RecordSet;
import io.waymark.core.model.WeightedAddress;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Steps a desired change into one the enactors' change guard accepts against the latest plan, so that
 * the planner never publishes a plan its enactors would refuse (a refusal used to be permanent: the
 * planner answered UNCHANGED and the newer plan the enactors waited for never came, L2).
 *
 * <p>Per address family, the guard lets a plan remove {@link ChangeGuard#removalsAllowed} of the
 * addresses served across the plan. Removals are taken in (endpoint, address) order up to that number;
 * the rest stay in this step (with the weight they are served with) and go in later plans, each judged
 * against the one before it. A family that the desired change would empty at an endpoint (operators
 * dropped its targets from the configuration) is kept whole: the guard refuses that without a forced
 * publish, which operators make with a reason ({@link io.waymark.core.operator.ForcedPublish}).
 *
 * <p>The judgement is against the latest plan, which is what enactors converge to. Enactors that still
 * serve an older plan measure the change against that one; if two steps then add up above the threshold
 * they refuse until they converge, and a forced publish of the current draft gets them past it.
 */
final class ChangeSteps {
    private ChangeSteps() {}

    /** The step to publish, and the events that say what it held back. */
    record Step(SortedMap<Endpoint, RecordSet> recordSets, List<SafetyEvent> events) {}

    private record Removal(Endpoint endpoint, WeightedAddress address) {}

    static Step step(SortedMap<Endpoint, RecordSet> latest, SortedMap<Endpoint, RecordSet> desired, ChangeGuard guard) {
        Map<AddressFamily, Long> served = new EnumMap<>(AddressFamily.class);
        Map<AddressFamily, List<Removal>> removals = new EnumMap<>(AddressFamily.class);
        TreeMap<Endpoint, List<WeightedAddress>> kept = new TreeMap<>();
        List<SafetyEvent> events = new ArrayList<>();
        for (Map.Entry<Endpoint, RecordSet> e : desired.entrySet()) {
            RecordSet now = latest.get(e.getKey());
            if (now == null) continue;
            for (WeightedAddress a : now.addresses()) served.merge(AddressFamily.of(a.address()), 1L, Long::sum);
            collect(e.getKey(), now, e.getValue(), removals, kept, events);
        }
        for (Map.Entry<AddressFamily, List<Removal>> r : removals.entrySet()) {
            long allowed = guard.removalsAllowed(served.getOrDefault(r.getKey(), 0L));
            List<Removal> list = r.getValue();
            if (list.size() <= allowed) continue;
            for (Removal held : list.subList((int) allowed, list.size())) kept.computeIfAbsent(held.endpoint(), k -> new ArrayList<>()).add(held.address());
            events.add(new SafetyEvent(list.get((int) Math.min(allowed, list.size() - 1)).endpoint(), SafetyRule.CHANGE_THRESHOLD, String.format(java.util.Locale.ROOT,
                    "%s: removing %d of %d served addresses in one plan would exceed the enactors' change threshold of %.1f%%; removing %d now, the rest in later plans",
                    r.getKey().recordType(), list.size(), served.getOrDefault(r.getKey(), 0L), 100.0 * guard.threshold(), allowed)));
        }
        return new Step(merge(desired, kept), events);
    }

    /** One endpoint: its removals per family, or, for a family it would empty, every served address kept. */
    private static void collect(Endpoint endpoint, RecordSet now, RecordSet next, Map<AddressFamily, List<Removal>> removals,
                                Map<Endpoint, List<WeightedAddress>> kept, List<SafetyEvent> events) {
        if (now.equals(next)) return;
        Set<InetAddress> nextAddresses = new HashSet<>();
        for (WeightedAddress a : next.addresses()) nextAddresses.add(a.address());
        Set<AddressFamily> after = AddressFamily.of(next);
        for (WeightedAddress a : now.addresses()) {
            if (nextAddresses.contains(a.address())) continue;
            AddressFamily f = AddressFamily.of(a.address());
            if (after.contains(f)) removals.computeIfAbsent(f, k -> new ArrayList<>()).add(new Removal(endpoint, a));
            else kept.computeIfAbsent(endpoint, k -> new ArrayList<>()).add(a);
        }
        for (AddressFamily f : AddressFamily.of(now)) {
            if (after.contains(f)) continue;
            events.add(new SafetyEvent(endpoint, SafetyRule.CHANGE_THRESHOLD, f.recordType()
                    + ": the configuration no longer has targets of this family, but removing every " + f.recordType()
                    + " record takes a forced publish with a reason; keeping them"));
        }
    }

    /** True when {@code next} lacks an address that {@code latest} serves at one of next's endpoints. */
    static boolean removesAny(SortedMap<Endpoint, RecordSet> latest, SortedMap<Endpoint, RecordSet> next) {
        for (Map.Entry<Endpoint, RecordSet> e : next.entrySet()) {
            RecordSet now = latest.get(e.getKey());
            if (now != null && !now.equals(e.getValue()) && !removed(now, e.getValue()).isEmpty()) return true;
        }
        return false;
    }

    /** {@code next} with every address {@code latest} serves at its endpoints kept: additions and weights only. */
    static SortedMap<Endpoint, RecordSet> withoutRemovals(SortedMap<Endpoint, RecordSet> latest, SortedMap<Endpoint, RecordSet> next) {
        Map<Endpoint, List<WeightedAddress>> kept = new TreeMap<>();
        for (Map.Entry<Endpoint, RecordSet> e : next.entrySet()) {
            RecordSet now = latest.get(e.getKey());
            if (now == null || now.equals(e.getValue())) continue;
            List<WeightedAddress> gone = removed(now, e.getValue());
            if (!gone.isEmpty()) kept.put(e.getKey(), gone);
        }
        return merge(next, kept);
    }

    private static List<WeightedAddress> removed(RecordSet now, RecordSet next) {
        Set<InetAddress> nextAddresses = new HashSet<>();
        for (WeightedAddress a : next.addresses()) nextAddresses.add(a.address());
        List<WeightedAddress> gone = new ArrayList<>();
        for (WeightedAddress a : now.addresses()) if (!nextAddresses.contains(a.address())) gone.add(a);
        return gone;
    }

    private static SortedMap<Endpoint, RecordSet> merge(SortedMap<Endpoint, RecordSet> desired, Map<Endpoint, List<WeightedAddress>> kept) {
        TreeMap<Endpoint, RecordSet> out = new TreeMap<>(desired);
        kept.forEach((endpoint, addresses) -> {
            RecordSet d = desired.get(endpoint);
            List<WeightedAddress> all = new ArrayList<>(d.addresses());
            all.addAll(addresses);
            out.put(endpoint, new RecordSet(all, d.ttlSeconds()));
        });
        return out;
    }
}
