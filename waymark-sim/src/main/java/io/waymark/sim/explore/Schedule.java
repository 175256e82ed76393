package io.waymark.sim.explore;

import java.util.List;
import java.util.Set;

/**
 * Everything a randomised schedule is a function of: the seed (all chance), the enabled faults, and the
 * bounds a shrinker lowers -- number of enactors, endpoints and plans, how long stalls last (percent of
 * the drawn length), and which fault events are suppressed ({@code dropped}: indices of the fault
 * events in the order the run would fire them). {@link #of} is the unshrunk schedule of a seed.
 */
public record Schedule(long seed, Set<Fault> faults, int enactors, int endpoints, int plansMax, int stallPercent, List<Integer> dropped) {
    public static final int ENACTORS_MAX = 3;
    public static final int ENDPOINTS_MAX = 3;
    public static final int PLANS_MAX = 30;

    public Schedule {
        faults = Set.copyOf(faults);
        dropped = List.copyOf(dropped.stream().sorted().distinct().toList());
        if (enactors < 1 || enactors > ENACTORS_MAX) throw new IllegalArgumentException("enactors in 1.." + ENACTORS_MAX);
        if (endpoints < 1 || endpoints > ENDPOINTS_MAX) throw new IllegalArgumentException("endpoints in 1.." + ENDPOINTS_MAX);
        if (plansMax < 1 || plansMax > PLANS_MAX) throw new IllegalArgumentException("plansMax in 1.." + PLANS_MAX);
        if (stallPercent < 0 || stallPercent > 100) throw new IllegalArgumentException("stallPercent in 0..100");
    }

    public static Schedule of(long seed, Set<Fault> faults) {
        return new Schedule(seed, faults, ENACTORS_MAX, ENDPOINTS_MAX, PLANS_MAX, 100, List.of());
    }

    public Schedule withFaults(Set<Fault> f) { return new Schedule(seed, f, enactors, endpoints, plansMax, stallPercent, dropped); }
    public Schedule withEnactors(int n) { return new Schedule(seed, faults, n, endpoints, plansMax, stallPercent, dropped); }
    public Schedule withEndpoints(int n) { return new Schedule(seed, faults, enactors, n, plansMax, stallPercent, dropped); }
    public Schedule withPlansMax(int n) { return new Schedule(seed, faults, enactors, endpoints, n, stallPercent, dropped); }
    public Schedule withStallPercent(int p) { return new Schedule(seed, faults, enactors, endpoints, plansMax, p, dropped); }
    public Schedule withDropped(List<Integer> d) { return new Schedule(seed, faults, enactors, endpoints, plansMax, stallPercent, d); }

    /** One line for reports. */
    public String describe() {
        return "seed " + seed + ", faults " + Fault.render(faults) + ", " + enactors + " enactor(s), " + endpoints + " endpoint(s), <= " + plansMax
                + " plan(s), stalls at " + stallPercent + "%" + (dropped.isEmpty() ? "" : ", " + dropped.size() + " fault event(s) suppressed");
    }
}
