package io.waymark.sim.invariant;

import io.waymark.core.model.Endpoint;
import io.waymark.core.model.Plan;
import io.waymark.core.model.RecordSet;
import io.waymark.core.model.Stamp;
import io.waymark.core.model.WeightedAddress;
import io.waymark.core.port.PlanStore;
import io.waymark.core.port.RecordStore;
import io.waymark.core.port.StampedRecords;
import java.net.Inet4Address;
import java.util.List;
import java.util.Optional;

/**
 * I1 per (endpoint, address family), I2, I3 and I4 on the fault-free view of the stores, incrementally:
 * an endpoint whose stored value is the same object as at the last check, with no plan deleted since,
 * cannot have changed its verdict, so it is not looked at again (the check runs after every event).
 *
 * <p>I1 per family: an A query must never turn into NOERROR-with-no-answer because the IPv4 targets
 * failed while IPv6 ones live (the incident's symptom). Every family an endpoint has served while it was
 * configured must keep at least one address. An endpoint that leaves the configuration is retired
 * ({@link #retire}): it may stop resolving, and if it comes back it starts afresh. I2's memory survives
 * retirement (generations only grow). I3 applies to every endpoint that serves records, configured or not.
 * I4 applies to live endpoints, those of the latest plan, as core's {@code Invariants} defines it since
 * clean-up reasons over live endpoints only (an endpoint that left the configuration is retired, not
 * waited for); records are materialised per endpoint, so a stamp naming a deleted plan blanks nothing.
 * Pure of the simulation: reusable by any run that can hand it the two stores.
 */
public final class ServedInvariants {
    private final List<Endpoint> endpoints;
    private final long[] highest;
    private final int[] everFamilies;
    private final StampedRecords[] lastSeen;
    private final boolean[] reported;
    private long lastPlanWrites = -1;

    public ServedInvariants(List<Endpoint> endpoints) {
        this.endpoints = List.copyOf(endpoints);
        int n = endpoints.size();
        highest = new long[n];
        everFamilies = new int[n];
        lastSeen = new StampedRecords[n];
        reported = new boolean[n * SystemInvariant.values().length];
    }

    /** Address families of a record set as a bit mask: 1 = IPv4, 2 = IPv6. */
    public static int families(RecordSet rs) {
        int m = 0;
        for (WeightedAddress a : rs.addresses()) m |= a.address() instanceof Inet4Address ? 1 : 2;
        return m;
    }

    /** Endpoint {@code i} left the configuration: it may stop resolving; if it comes back it starts afresh. */
    /** A salvaged, read-only copy of a damaged record log serves (see {@link #unsalvaged}). */
    private boolean salvaged;

    public void retire(int i) {
        everFamilies[i] = 0;
        lastSeen[i] = null;
    }

    /**
     * What is served now is the new baseline (a record store salvaged read-only after the disk damaged its log:
     * what the damage destroyed is gone, and no code could serve it): I1's families and I2's high-water start
     * afresh from the next check; I3 still holds for everything served.
     */
    public void rebaseline() {
        salvaged = true;
        java.util.Arrays.fill(everFamilies, 0);
        java.util.Arrays.fill(highest, 0);
        java.util.Arrays.fill(lastSeen, null);
    }

    /**
     * The record store serves its own log again (repaired, reopened): I4 is judged again. While a salvaged
     * copy serves, it is not: salvage skips the destroyed frame, so an endpoint can show the older stamp the
     * destroyed one replaced, naming a plan that clean-up rightly deleted before the damage (seed 660 of
     * {@code --faults all}). Its records are still served whole from the salvaged frame (I1, I3 hold);
     * what the damage took is I5's business: the store refused to open, it did not silently serve less.
     */
    public void unsalvaged() {
        salvaged = false;
    }

    /**
     * Checks every endpoint that changed since the last call. {@code live[i]}: endpoint i is configured.
     * {@code planWrites}: the plan store's write count (deletes can break I4 without a record write).
     */
    public void check(PlanStore plans, RecordStore records, boolean[] live, long planWrites, long nowMillis, Sink sink) {
        boolean plansChanged = planWrites != lastPlanWrites;
        lastPlanWrites = planWrites;
        Optional<Plan> latest = plans.latest();
        for (int i = 0; i < endpoints.size(); i++) {
            Endpoint e = endpoints.get(i);
            StampedRecords now = records.read(e);
            if (now == lastSeen[i] && !plansChanged) continue;
            lastSeen[i] = now;
            boolean inLatest = latest.isPresent() && latest.get().recordSets().containsKey(e);
            checkOne(i, e, now, plans, live[i], inLatest, nowMillis, sink);
        }
    }

    private void checkOne(int i, Endpoint e, StampedRecords now, PlanStore plans, boolean live, boolean inLatest, long nowMillis, Sink sink) {
        Stamp stamp = now.stamp();
        Optional<RecordSet> rs = now.records();
        int families = rs.isPresent() ? families(rs.get()) : 0;
        int lost = everFamilies[i] & ~families;
        if (live && lost != 0) {
            String what = (lost & 1) != 0 && families != 0
                    ? "an A query answers NOERROR with no address while IPv6 lives (serves " + rs.get() + ")"
                    : "resolves to no address in " + ((lost & 1) != 0 ? "IPv4 (A)" : "") + ((lost & 3) == 3 ? " and " : "") + ((lost & 2) != 0 ? "IPv6 (AAAA)" : "");
            report(i, SystemInvariant.I1_NEVER_EMPTY, "t=" + nowMillis + "ms I1_NEVER_EMPTY at " + e + ": served " + describe(everFamilies[i]) + " before (up to g" + highest[i] + "), now " + what + "; stamp " + stamp, sink);
        }
        if (live) everFamilies[i] |= families;
        long g = stamp.generation().value();
        if (g > 0 && g < highest[i]) {
            report(i, SystemInvariant.I2_MONOTONIC, "t=" + nowMillis + "ms I2_MONOTONIC at " + e + ": serves g" + g + " after having served g" + highest[i], sink);
        }
        if (g > 0 && rs.isPresent()) checkPlan(i, e, stamp, rs.get(), plans, inLatest, nowMillis, sink);
        if (rs.isPresent() && g > highest[i]) highest[i] = g;
    }

    private void checkPlan(int i, Endpoint e, Stamp stamp, RecordSet served, PlanStore plans, boolean inLatest, long nowMillis, Sink sink) {
        Optional<Plan> plan = plans.read(stamp.generation());
        if (plan.isEmpty()) {
            if (inLatest && !salvaged) report(i, SystemInvariant.I4_NO_LIVE_DELETION, "t=" + nowMillis + "ms I4_NO_LIVE_DELETION at " + e + ": stamp " + stamp + " names a plan no longer in history", sink);
            return;
        }
        Plan p = plan.get();
        RecordSet expected = p.recordSets().get(e);
        if (!p.hash().equals(stamp.planHash())) {
            report(i, SystemInvariant.I3_INTEGRITY, "t=" + nowMillis + "ms I3_INTEGRITY at " + e + ": stamp " + stamp + " but plan " + p.generation() + " has hash " + p.hash(), sink);
        } else if (expected == null) {
            report(i, SystemInvariant.I3_INTEGRITY, "t=" + nowMillis + "ms I3_INTEGRITY at " + e + ": stamp " + stamp + " names a plan without this endpoint", sink);
        } else if (expected != served && !expected.equals(served)) {
            report(i, SystemInvariant.I3_INTEGRITY, "t=" + nowMillis + "ms I3_INTEGRITY at " + e + ": serves " + served + " but plan " + p.generation() + " says " + expected, sink);
        }
    }

    private static String describe(int families) {
        return families == 3 ? "IPv4 and IPv6" : families == 1 ? "IPv4" : families == 2 ? "IPv6" : "nothing";
    }

    private void report(int i, SystemInvariant inv, String line, Sink sink) {
        int k = i * SystemInvariant.values().length + inv.ordinal();
        if (reported[k]) return;
        reported[k] = true;
        sink.violate(inv, line);
    }
}
