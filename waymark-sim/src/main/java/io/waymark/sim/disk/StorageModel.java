package io.waymark.sim.disk;

import io.waymark.core.model.ControlFlags;
import io.waymark.core.model.Endpoint;
import io.waymark.core.model.Generation;
import io.waymark.core.model.Plan;
import io.waymark.core.model.PlanDraft;
import io.waymark.core.model.PlanHash;
import io.waymark.core.model.RecordSet;
import io.waymark.core.model.Stamp;
import io.waymark.core.port.PlanStore;
import io.waymark.core.port.RecordStore;
import io.waymark.core.port.StampedRecords;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * What the stores ACKNOWLEDGED, and the checks of I5, I6 and I7 against a reopened store. An
 * operation that failed (an exception) is in doubt: it may or may not have become durable, so the
 * checks accept either — but never less than what was acknowledged.
 */
final class StorageModel {
    /** Every plan content ever tied to a generation (acknowledged or seen in a store): I6's memory. */
    private final Map<Generation, PlanHash> handedOut = new TreeMap<>();
    /** Every plan ever offered to the store, acknowledged or in doubt, by generation and hash. */
    private final Map<PlanHash, PlanDraft> offered = new java.util.HashMap<>();
    private final TreeMap<Generation, PlanHash> ackedPlans = new TreeMap<>();
    private final Set<Generation> deletesMaybe = new HashSet<>();
    private ControlFlags ackedFlags = ControlFlags.NONE;
    private final Set<ControlFlags> flagsMaybe = new HashSet<>();
    private final Map<Endpoint, Stamp> ackedStamps = new TreeMap<>();
    /** Per endpoint the highest acknowledged generation, kept across retirements (the store's high-water). */
    private final Map<Endpoint, Generation> ackedHighWater = new TreeMap<>();
    private final Set<Endpoint> retiresMaybe = new HashSet<>();
    private final Map<Endpoint, Generation> ackedRetiredAt = new TreeMap<>();

    /** A violated invariant: the run stops and reports it. */
    static final class Violation extends RuntimeException {
        Violation(String message) {
            super(message);
        }
    }

    void publishAcked(Plan plan) {
        noteHandedOut(plan.generation(), plan.hash(), "publish returned it");
        offered.put(plan.hash(), plan.draft());
        ackedPlans.put(plan.generation(), plan.hash());
    }

    /** A publish whose outcome is unknown: any generation may now hold it. */
    void publishInDoubt(PlanDraft possible) {
        offered.put(possible.hash(), possible);
    }

    void deleteAcked(Generation g) {
        ackedPlans.remove(g);
    }

    void deleteInDoubt(Generation g) {
        deletesMaybe.add(g);
    }

    void flagsAcked(ControlFlags f) {
        ackedFlags = f;
        flagsMaybe.clear();
    }

    void flagsInDoubt(ControlFlags f) {
        flagsMaybe.add(f);
    }

    void applyAcked(Endpoint e, Stamp s) {
        Stamp before = ackedStamps.get(e);
        if (before != null && !s.generation().isAfter(before.generation())) {
            throw new Violation("I2: " + e + " acknowledged " + s + " after " + before);
        }
        Generation high = ackedHighWater.getOrDefault(e, Generation.ZERO);
        if (high.isAfter(s.generation())) throw new Violation("I2: " + e + " acknowledged " + s + " below its high-water " + high + " (retired since)");
        Generation retired = ackedRetiredAt.remove(e);
        if (retired != null && !s.generation().isAfter(retired)) throw new Violation(e + " retired at " + retired + " came back at " + s + ", not above it");
        ackedStamps.put(e, s);
        ackedHighWater.put(e, s.generation());
        retiresMaybe.remove(e);
    }

    void retireAcked(Endpoint e, Stamp s) {
        // An apply in doubt may have landed since the last acknowledged one: never an older stamp, though.
        Stamp before = ackedStamps.remove(e);
        if (before != null && before.generation().isAfter(s.generation())) throw new Violation("I5: retire of " + e + " at " + s + " acknowledged, but " + before + " was acknowledged");
        ackedHighWater.merge(e, s.generation(), (a, b) -> a.isAfter(b) ? a : b);
        if (!s.isNone()) ackedRetiredAt.put(e, s.generation());
        retiresMaybe.remove(e);
    }

    /** A retire whose outcome is unknown: the endpoint may now hold nothing. */
    void retireInDoubt(Endpoint e) {
        retiresMaybe.add(e);
    }

    Optional<PlanDraft> offered(Stamp s) {
        return Optional.ofNullable(offered.get(s.planHash()));
    }

    private void noteHandedOut(Generation g, PlanHash h, String how) {
        PlanHash before = handedOut.putIfAbsent(g, h);
        if (before != null && !before.equals(h)) {
            throw new Violation("I6: generation " + g + " handed out again with other content (" + how + "): was " + before + ", now " + h);
        }
    }

    /** The operator moved a damaged plans.log aside: what it held is given up; what was handed out is not. */
    void plansRepaired() {
        ackedPlans.clear();
        deletesMaybe.clear();
        ackedFlags = ControlFlags.NONE;
        flagsMaybe.clear();
    }

    /** The operator moved a damaged records.log aside: enactors will re-apply. */
    void recordsRepaired() {
        ackedStamps.clear();
        retiresMaybe.clear();
        ackedRetiredAt.clear();
        ackedHighWater.clear();
    }

    /** A salvaged record store serves only records of plans that were offered (I3), and what it says it serves. */
    void checkSalvaged(RecordStore salvaged, Map<Endpoint, RecordSet> served) {
        for (Endpoint e : salvaged.endpoints()) {
            StampedRecords now = salvaged.read(e);
            PlanDraft p = offered(now.stamp()).orElseThrow(() -> new Violation("I3: salvage serves " + e + " at " + now.stamp() + ", a stamp never offered"));
            if (!now.records().equals(Optional.ofNullable(p.recordSets().get(e)))) throw new Violation("I3: salvaged " + e + " records differ from plan " + now.stamp());
            if (!now.records().orElseThrow().equals(served.get(e))) throw new Violation("salvage serves " + served.get(e) + " for " + e + " but reads " + now.records());
        }
    }

    /** I5, I6, I7 against a freshly reopened plan store. */
    void checkPlans(PlanStore store) {
        for (Generation g : store.history()) {
            Plan p = store.read(g).orElseThrow(() -> new Violation("history lists " + g + " but read does not return it"));
            noteHandedOut(g, p.hash(), "found after reopen");
        }
        for (Map.Entry<Generation, PlanHash> e : ackedPlans.entrySet()) {
            if (deletesMaybe.contains(e.getKey())) continue;
            Optional<Plan> p = store.read(e.getKey());
            if (p.isEmpty()) throw new Violation("I5: acknowledged plan " + e.getKey() + " is missing after reopen (latest " + store.latest().map(Plan::generation).orElse(Generation.ZERO) + ")");
            if (!p.get().hash().equals(e.getValue())) throw new Violation("I5: plan " + e.getKey() + " came back with hash " + p.get().hash() + ", acknowledged " + e.getValue());
        }
        if (!ackedPlans.isEmpty()) {
            Generation latest = store.latest().map(Plan::generation).orElse(Generation.ZERO);
            if (!latest.isAtLeast(ackedPlans.lastKey())) throw new Violation("I5: latest " + latest + " is below the acknowledged " + ackedPlans.lastKey());
        }
        ControlFlags f = store.flags();
        if (!f.equals(ackedFlags) && !flagsMaybe.contains(f)) throw new Violation("I7: flags " + f + " after reopen, acknowledged " + ackedFlags);
    }

    /** I5 and I3 against a freshly reopened record store and what it serves. */
    void checkRecords(RecordStore store, Map<Endpoint, RecordSet> served) {
        for (Map.Entry<Endpoint, Stamp> e : ackedStamps.entrySet()) {
            StampedRecords now = store.read(e.getKey());
            Stamp s = now.stamp();
            if (s.isNone() && retiresMaybe.contains(e.getKey())) continue;
            if (!s.generation().isAtLeast(e.getValue().generation())) {
                throw new Violation("I5: " + e.getKey() + " serves " + s + " after reopen, acknowledged " + e.getValue());
            }
            if (s.generation().equals(e.getValue().generation()) && !s.equals(e.getValue())) {
                throw new Violation("I5: " + e.getKey() + " serves " + s + " after reopen, acknowledged " + e.getValue());
            }
        }
        for (Map.Entry<Endpoint, Generation> e : ackedHighWater.entrySet()) {
            Stamp s = store.read(e.getKey()).stamp();
            if (!s.isNone() && e.getValue().isAfter(s.generation())) throw new Violation("I2: " + e.getKey() + " serves " + s + " below its high-water " + e.getValue());
        }
        if (!served.keySet().equals(store.endpoints())) throw new Violation("served names " + served.keySet() + " differ from the store's endpoints " + store.endpoints());
        for (Endpoint e : store.endpoints()) {
            StampedRecords now = store.read(e);
            PlanDraft p = offered(now.stamp()).orElseThrow(() -> new Violation("I3: " + e + " carries " + now.stamp() + ", a stamp never offered"));
            RecordSet expected = p.recordSets().get(e);
            if (!now.records().equals(Optional.ofNullable(expected))) throw new Violation("I3: " + e + " records differ from plan " + now.stamp());
            if (!expected.equals(served.get(e))) throw new Violation("served: " + e + " answers " + served.get(e) + ", the store holds " + expected);
        }
    }

    List<Generation> ackedGenerations() {
        return List.copyOf(ackedPlans.keySet());
    }
}
