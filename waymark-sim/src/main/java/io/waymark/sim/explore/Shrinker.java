package io.waymark.sim.explore;

import io.waymark.sim.scenario.Algorithm;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Makes a violating schedule smaller while it still violates the same invariant, no later than before
 * (never more events): fewer enactors, endpoints and plans, fault kinds switched off, shorter stalls, and
 * delta debugging (ddmin) over the individual fault events. Deterministic, bounded by a number of runs.
 */
public final class Shrinker {
    public record Shrunk(Schedule schedule, Outcome outcome, int runs) {}

    /** Runs one schedule (traced or not) until {@code target} breaks: an algorithm, or a run with injected options. */
    @FunctionalInterface
    public interface Runner {
        Outcome run(Schedule schedule, boolean tracing, String target);
    }

    private final Runner runner;
    private final String invariant;
    private final int runsMax;
    private Outcome best;
    private int runs = 0;

    private Shrinker(Runner runner, Outcome failing, String invariant, int runsMax) {
        this.runner = runner;
        this.invariant = invariant;
        this.runsMax = runsMax;
        this.best = failing;
    }

    /** {@code invariant}: the one to keep violating (candidate runs stop when it breaks). */
    public static Shrunk shrink(Algorithm algorithm, Outcome failing, String invariant, int runsMax) {
        return shrink((schedule, tracing, target) -> Explorer.run(algorithm, schedule, tracing, target), failing, invariant, runsMax);
    }

    /** Same, with any runner (e.g. the whole-system run with an old behaviour injected). */
    public static Shrunk shrink(Runner runner, Outcome failing, String invariant, int runsMax) {
        if (!failing.violates(invariant)) throw new IllegalArgumentException("nothing to shrink: the schedule does not violate " + invariant);
        Shrinker s = new Shrinker(runner, failing, invariant, runsMax);
        for (int pass = 0; pass < 3; pass++) {
            Schedule before = s.best.schedule();
            s.pass();
            if (s.best.schedule().equals(before) || s.runs >= runsMax) break;
        }
        return new Shrunk(s.best.schedule(), s.best, s.runs);
    }

    /** Runs a candidate; keeps it if it still violates the same invariant with no more events. */
    private boolean attempt(Schedule candidate) {
        if (runs >= runsMax || candidate.equals(best.schedule())) return false;
        runs++;
        Outcome o = runner.run(candidate, false, invariant);
        if (o.violates(invariant) && o.events() <= best.events()) {
            best = o;
            return true;
        }
        return false;
    }

    private void pass() {
        for (int n = 1; n < best.schedule().enactors(); n++) if (attempt(best.schedule().withEnactors(n))) break;
        for (int n = 1; n < best.schedule().endpoints(); n++) if (attempt(best.schedule().withEndpoints(n))) break;
        // Fewest plans: halve while it holds, then step down.
        while (best.schedule().plansMax() > 1 && attempt(best.schedule().withPlansMax(best.schedule().plansMax() / 2))) {}
        while (best.schedule().plansMax() > 1 && attempt(best.schedule().withPlansMax(best.schedule().plansMax() - 1))) {}
        for (Fault f : EnumSet.allOf(Fault.class)) {
            if (!best.schedule().faults().contains(f)) continue;
            Set<Fault> fewer = EnumSet.noneOf(Fault.class);
            fewer.addAll(best.schedule().faults());
            fewer.remove(f);
            attempt(best.schedule().withFaults(fewer));
        }
        for (int p : new int[] {0, 25, 50, 75}) if (p < best.schedule().stallPercent() && attempt(best.schedule().withStallPercent(p))) break;
        ddminFaultEvents();
    }

    /** ddmin over the fault events that fire: drop chunks, then complements, refining granularity. */
    private void ddminFaultEvents() {
        int granularity = 2;
        while (runs < runsMax) {
            List<Integer> active = active();
            if (active.isEmpty()) return;
            granularity = Math.min(granularity, active.size());
            int chunk = (active.size() + granularity - 1) / granularity;
            boolean reduced = false;
            for (int start = 0; start < active.size() && !reduced; start += chunk) {
                List<Integer> drop = active.subList(start, Math.min(active.size(), start + chunk));
                reduced = attempt(withAlsoDropped(drop));
            }
            if (reduced) {
                granularity = Math.max(2, granularity - 1);
                continue;
            }
            if (granularity >= active.size()) return;
            granularity = Math.min(active.size(), granularity * 2);
        }
    }

    private List<Integer> active() {
        TreeSet<Integer> dropped = new TreeSet<>(best.schedule().dropped());
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < best.faultEvents(); i++) if (!dropped.contains(i)) out.add(i);
        return out;
    }

    private Schedule withAlsoDropped(List<Integer> more) {
        List<Integer> d = new ArrayList<>(best.schedule().dropped());
        d.addAll(more);
        return best.schedule().withDropped(d);
    }
}
