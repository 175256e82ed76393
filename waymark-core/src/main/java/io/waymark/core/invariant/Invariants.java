package io.waymark.core.invariant;

import io.waymark.core.model.Endpoint;
import io.waymark.core.model.Generation;
import io.waymark.core.model.Plan;
import io.waymark.core.model.RecordSet;
import io.waymark.core.model.Stamp;
import io.waymark.core.port.PlanStore;
import io.waymark.core.port.RecordStore;
import io.waymark.core.port.StampedRecords;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Checks I1–I4 on the current state of the stores, given what earlier checks observed. The simulator
 * calls it after every event; violations come back as values, never as exceptions, so that a run can
 * report and shrink them. Reads the stores only (call it when no store is failing on purpose).
 *
 * <ul>
 * <li>I1: every endpoint ever seen serving records still has a non-empty record set.</li>
 * <li>I2: an endpoint's stamp generation is not below the highest seen before. A stamp that reads as
 *     generation 0 (missing or unreadable: corruption injected at rest, not written by the protocol) is
 *     exempt — it names no plan — and the highest seen is carried over for when it is healed.</li>
 * <li>I3: a stamp of generation g ≥ 1 whose plan is still readable: the stamp's hash is that plan's hash
 *     and the records equal that plan's record set for the endpoint.</li>
 * <li>I4: a stamp of generation g ≥ 1 names a plan the plan store still holds.</li>
 * </ul>
 */
public final class Invariants {
    private Invariants() {}

    public static InvariantReport check(PlanStore planStore, RecordStore recordStore, Observation previous) {
        List<Violation> violations = new ArrayList<>();
        Map<Endpoint, Generation> highest = new TreeMap<>(previous.highestServed());
        Map<Generation, Optional<Plan>> plans = new HashMap<>();
        TreeSet<Endpoint> endpoints = new TreeSet<>(recordStore.endpoints());
        endpoints.addAll(previous.highestServed().keySet());
        for (Endpoint e : endpoints) {
            StampedRecords now = recordStore.read(e);
            Stamp stamp = now.stamp();
            Optional<RecordSet> records = now.records();
            boolean serving = records.isPresent() && !records.get().addresses().isEmpty();
            if (!serving && previous.everServed(e)) {
                violations.add(new Violation(Invariant.I1_NEVER_EMPTY, e, "served before (up to " + previous.highest(e) + "), now resolves to no address; stamp " + stamp));
            }
            Generation g = stamp.generation();
            if (g.value() > 0 && g.compareTo(previous.highest(e)) < 0) {
                violations.add(new Violation(Invariant.I2_MONOTONIC, e, "serves " + g + " after having served " + previous.highest(e)));
            }
            if (g.value() > 0) {
                Optional<Plan> plan = plans.computeIfAbsent(g, planStore::read);
                if (plan.isEmpty()) {
                    violations.add(new Violation(Invariant.I4_NO_LIVE_DELETION, e, "stamp " + stamp + " names a plan no longer in history"));
                } else {
                    Plan p = plan.get();
                    RecordSet expected = p.recordSets().get(e);
                    if (!p.hash().equals(stamp.planHash())) {
                        violations.add(new Violation(Invariant.I3_INTEGRITY, e, "stamp " + stamp + " but plan " + g + " has hash " + p.hash()));
                    } else if (expected == null) {
                        violations.add(new Violation(Invariant.I3_INTEGRITY, e, "stamp " + stamp + " names a plan without this endpoint"));
                    } else if (records.isEmpty() || !records.get().equals(expected)) {
                        violations.add(new Violation(Invariant.I3_INTEGRITY, e, "serves " + records.map(RecordSet::toString).orElse("nothing") + " but plan " + g + " says " + expected));
                    }
                }
            }
            if (serving) highest.merge(e, g, (a, b) -> a.compareTo(b) >= 0 ? a : b);
        }
        return new InvariantReport(violations, new Observation(highest));
    }
}
