package io.waymark.core.invariant;

import io.waymark.core.model.AddressFamily;
import io.waymark.core.model.Endpoint;
import io.waymark.core.model.Generation;
import io.waymark.core.model.Plan;
import io.waymark.core.model.RecordSet;
import io.waymark.core.model.Stamp;
import io.waymark.core.port.PlanStore;
import io.waymark.core.port.RecordStore;
import io.waymark.core.port.StampedRecords;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Checks I1–I4 on the current state of the stores, given what earlier checks observed. The simulator
 * calls it after every event; violations come back as values, never as exceptions, so that a run can
 * report and shrink them. Reads the stores only (call it when no store is failing on purpose).
 *
 * <ul>
 * <li>I1: every endpoint ever seen serving records still has a non-empty record set, and still serves
 *     every address family it was ever seen serving (an A query must not turn into NOERROR with no
 *     answer because the IPv4 targets failed while IPv6 ones live). An endpoint retired on purpose is
 *     dropped from the observation by the caller ({@link Observation#retire}).</li>
 * <li>I2: an endpoint's stamp generation is not below the highest seen before. A stamp that reads as
 *     generation 0 (missing or unreadable: corruption injected at rest, not written by the protocol) is
 *     exempt — it names no plan — and the highest seen is carried over for when it is healed.</li>
 * <li>I3: a stamp of generation g ≥ 1 whose plan is still readable: the stamp's hash is that plan's hash
 *     and the records equal that plan's record set for the endpoint.</li>
 * <li>I4: the stamp of generation g ≥ 1 of a live endpoint (one of the latest plan's) names a plan the
 *     plan store still holds.</li>
 * </ul>
 */
public final class Invariants {
    private Invariants() {}

    public static InvariantReport check(PlanStore planStore, RecordStore recordStore, Observation previous) {
        List<Violation> violations = new ArrayList<>();
        Map<Endpoint, Generation> highest = new TreeMap<>(previous.highestServed());
        Map<Endpoint, Set<AddressFamily>> families = new TreeMap<>(previous.familiesServed());
        Map<Generation, Optional<Plan>> plans = new HashMap<>();
        Set<Endpoint> live = planStore.latest().map(p -> p.recordSets().keySet()).orElse(Set.of());
        TreeSet<Endpoint> endpoints = new TreeSet<>(recordStore.endpoints());
        endpoints.addAll(previous.highestServed().keySet());
        endpoints.addAll(previous.familiesServed().keySet());
        for (Endpoint e : endpoints) {
            StampedRecords now = recordStore.read(e);
            checkNeverEmpty(e, now, previous, violations);
            checkMonotonic(e, now.stamp(), previous, violations);
            checkIntegrity(e, now, plans, planStore, live.contains(e), violations);
            if (now.records().isPresent()) {
                highest.merge(e, now.stamp().generation(), (a, b) -> a.compareTo(b) >= 0 ? a : b);
                Set<AddressFamily> seen = EnumSet.noneOf(AddressFamily.class);
                seen.addAll(previous.families(e));
                seen.addAll(AddressFamily.of(now.records().get()));
                families.put(e, seen);
            }
        }
        return new InvariantReport(violations, new Observation(highest, families));
    }

    /** I1 per (endpoint, family): every family ever served is still served. */
    private static void checkNeverEmpty(Endpoint e, StampedRecords now, Observation previous, List<Violation> out) {
        Optional<RecordSet> records = now.records();
        if (records.isEmpty()) {
            if (previous.everServed(e)) {
                out.add(new Violation(Invariant.I1_NEVER_EMPTY, e, "served before (up to " + previous.highest(e) + "), now resolves to no address; stamp " + now.stamp()));
            }
            return;
        }
        Set<AddressFamily> serving = AddressFamily.of(records.get());
        for (AddressFamily f : previous.families(e)) {
            if (serving.contains(f)) continue;
            out.add(new Violation(Invariant.I1_NEVER_EMPTY, e, "served " + f.recordType() + " records before, now answers " + f.recordType()
                    + " with none (NOERROR, empty answer); serves " + records.get() + ", stamp " + now.stamp()));
        }
    }

    /** I2; a generation-0 stamp names no plan and is exempt. */
    private static void checkMonotonic(Endpoint e, Stamp stamp, Observation previous, List<Violation> out) {
        Generation g = stamp.generation();
        if (g.value() > 0 && g.compareTo(previous.highest(e)) < 0) {
            out.add(new Violation(Invariant.I2_MONOTONIC, e, "serves " + g + " after having served " + previous.highest(e)));
        }
    }

    /**
     * I3 and I4 for a stamp of generation >= 1. I4 holds for live endpoints (those of the latest plan):
     * clean-up reasons over them only, and an endpoint that left the plans keeps serving its materialised
     * records until it is retired, whether or not the plan its stamp names is still in history.
     */
    private static void checkIntegrity(Endpoint e, StampedRecords now, Map<Generation, Optional<Plan>> plans, PlanStore planStore, boolean live, List<Violation> out) {
        Stamp stamp = now.stamp();
        Generation g = stamp.generation();
        if (g.value() == 0) return;
        Optional<Plan> plan = plans.computeIfAbsent(g, planStore::read);
        if (plan.isEmpty()) {
            if (live) out.add(new Violation(Invariant.I4_NO_LIVE_DELETION, e, "stamp " + stamp + " names a plan no longer in history"));
            return;
        }
        Plan p = plan.get();
        RecordSet expected = p.recordSets().get(e);
        Optional<RecordSet> records = now.records();
        if (!p.hash().equals(stamp.planHash())) {
            out.add(new Violation(Invariant.I3_INTEGRITY, e, "stamp " + stamp + " but plan " + g + " has hash " + p.hash()));
        } else if (expected == null) {
            out.add(new Violation(Invariant.I3_INTEGRITY, e, "stamp " + stamp + " names a plan without this endpoint"));
        } else if (records.isEmpty() || !records.get().equals(expected)) {
            out.add(new Violation(Invariant.I3_INTEGRITY, e, "serves " + records.map(RecordSet::toString).orElse("nothing") + " but plan " + g + " says " + expected));
        }
    }
}
