package io.waymark.sim.invariant;

import io.waymark.core.model.ControlFlags;
import io.waymark.core.model.Endpoint;
import io.waymark.core.model.Generation;
import io.waymark.core.model.Plan;
import io.waymark.core.model.PlanHash;
import io.waymark.core.model.Stamp;
import io.waymark.core.port.PlanStore;
import io.waymark.core.port.RecordStore;
import io.waymark.core.port.StampedRecords;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * I5, nothing acknowledged is lost: what the stores acknowledged (a call that returned), checked against
 * the stores after every crash and reopen. A call that threw is in doubt: it may or may not have become
 * durable, and either is accepted -- never less than what was acknowledged. Deletes and flag writes
 * acknowledged later supersede earlier ones.
 */
public final class AckLedger {
    private final TreeMap<Long, PlanHash> plans = new TreeMap<>();
    private final Set<Long> deletesInDoubt = new HashSet<>();
    private ControlFlags flags = ControlFlags.NONE;
    private final Set<ControlFlags> flagsInDoubt = new HashSet<>();
    private final Map<Endpoint, Stamp> stamps = new HashMap<>();
    private boolean reported = false;

    public void published(Plan p) {
        plans.put(p.generation().value(), p.hash());
    }

    public void deleted(Generation g) {
        plans.remove(g.value());
    }

    public void deleteInDoubt(Generation g) {
        deletesInDoubt.add(g.value());
    }

    public void flags(ControlFlags f) {
        flags = f;
        flagsInDoubt.clear();
    }

    public void flagsInDoubt(ControlFlags f) {
        flagsInDoubt.add(f);
    }

    public void applied(Endpoint e, Stamp s) {
        stamps.merge(e, s, (a, b) -> b.generation().isAfter(a.generation()) ? b : a);
    }

    /** A conditional tombstone was acknowledged: the endpoint no longer holds records (its high-water stays with the store). */
    public void retired(Endpoint e) {
        stamps.remove(e);
    }

    /** After a reopen: the first thing acknowledged that the stores lost, reported once. */
    public void check(PlanStore plansNow, RecordStore recordsNow, long nowMillis, Sink sink) {
        if (reported) return;
        Optional<String> lost = lostPlan(plansNow).or(() -> lostFlags(plansNow)).or(() -> lostApply(recordsNow));
        if (lost.isEmpty()) return;
        reported = true;
        sink.violate(SystemInvariant.I5_NOTHING_ACKNOWLEDGED_LOST, "t=" + nowMillis + "ms I5_NOTHING_ACKNOWLEDGED_LOST after a crash and reopen: " + lost.get());
    }

    /** After a reopen of the plan store alone (its supervisor reopened it after an I/O error): I5 for plans and flags. */
    public void checkPlans(PlanStore plansNow, long nowMillis, Sink sink) {
        if (reported) return;
        Optional<String> lost = lostPlan(plansNow).or(() -> lostFlags(plansNow));
        if (lost.isEmpty()) return;
        reported = true;
        sink.violate(SystemInvariant.I5_NOTHING_ACKNOWLEDGED_LOST, "t=" + nowMillis + "ms I5_NOTHING_ACKNOWLEDGED_LOST after the plan store was reopened: " + lost.get());
    }

    /** After a reopen of the record store alone: I5 for applies. */
    public void checkRecords(RecordStore recordsNow, long nowMillis, Sink sink) {
        if (reported) return;
        Optional<String> lost = lostApply(recordsNow);
        if (lost.isEmpty()) return;
        reported = true;
        sink.violate(SystemInvariant.I5_NOTHING_ACKNOWLEDGED_LOST, "t=" + nowMillis + "ms I5_NOTHING_ACKNOWLEDGED_LOST after the record store was reopened: " + lost.get());
    }

    /** The flags last acknowledged. */
    public ControlFlags acknowledgedFlags() {
        return flags;
    }

    /** A store refused to open although nothing on the disk was damaged (only a crash happened). */
    public void refused(String what, long nowMillis, Sink sink) {
        if (reported) return;
        reported = true;
        sink.violate(SystemInvariant.I5_NOTHING_ACKNOWLEDGED_LOST, "t=" + nowMillis + "ms I5_NOTHING_ACKNOWLEDGED_LOST: " + what);
    }

    private Optional<String> lostPlan(PlanStore store) {
        for (Map.Entry<Long, PlanHash> e : plans.entrySet()) {
            if (deletesInDoubt.contains(e.getKey())) continue;
            Optional<Plan> p = store.read(Generation.of(e.getKey()));
            if (p.isEmpty()) return Optional.of("acknowledged plan g" + e.getKey() + " is missing (latest " + store.latest().map(Plan::generation).orElse(Generation.ZERO) + ")");
            if (!p.get().hash().equals(e.getValue())) return Optional.of("plan g" + e.getKey() + " came back with hash " + p.get().hash() + ", acknowledged " + e.getValue());
        }
        if (!plans.isEmpty()) {
            long latest = store.latest().map(p -> p.generation().value()).orElse(0L);
            if (latest < plans.lastKey()) return Optional.of("latest g" + latest + " is below the acknowledged g" + plans.lastKey());
        }
        return Optional.empty();
    }

    private Optional<String> lostFlags(PlanStore store) {
        ControlFlags f = store.flags();
        if (f.equals(flags) || flagsInDoubt.contains(f)) return Optional.empty();
        return Optional.of("flags " + f + ", acknowledged " + flags);
    }

    private Optional<String> lostApply(RecordStore store) {
        for (Map.Entry<Endpoint, Stamp> e : stamps.entrySet()) {
            StampedRecords now = store.read(e.getKey());
            Stamp s = now.stamp();
            if (!s.generation().isAtLeast(e.getValue().generation()) || (s.generation().equals(e.getValue().generation()) && !s.equals(e.getValue()))) {
                return Optional.of(e.getKey() + " serves " + s + ", acknowledged " + e.getValue());
            }
        }
        return Optional.empty();
    }
}
