package io.waymark.core.enactor;

import io.waymark.core.model.AddressFamily;
import io.waymark.core.model.Endpoint;
import io.waymark.core.model.Plan;
import io.waymark.core.model.PlanDraft;
import io.waymark.core.model.RecordSet;
import io.waymark.core.model.WeightedAddress;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * The change threshold (octoDNS' 30% rule), judged per address family F (A and AAAA answers are asked
 * for separately, so a change that blanks one family must not hide behind the other's size):
 * <pre>
 *   served(F)  = Σ over endpoints E of the plan: |addresses of family F that E serves now|
 *   removed(F) = Σ over endpoints E of the plan: |those that the plan's record set for E lacks|
 *   emptied    = some endpoint E of the plan serves family F now and the plan's record set for E has none
 *   refuse     ⇔ !plan.forced ∧ ((emptied ∧ threshold < 1) ∨ ∃F: removed(F) > removalsAllowed(served(F)))
 *   removalsAllowed(s) = ∞ if s < minServed, else max(1, largest k with k / s ≤ threshold)
 * </pre>
 * Only removals count: adding addresses or changing weights never blanks anything. Endpoints that serve
 * nothing yet contribute nothing (a first rollout is never refused). Endpoints served but absent from the
 * plan are not touched by enactors, so they do not count either. The planner steps its changes so that
 * every plan it publishes passes this guard against the plan before it (DESIGN.md, "Safety rules never
 * wedge"); emptying a family (operators dropped its targets) takes a forced publish.
 */
public final class ChangeGuard {
    private final double threshold;
    private final int minServed;

    public ChangeGuard(double threshold, int minServed) {
        if (!(threshold >= 0.0 && threshold <= 1.0)) throw new IllegalArgumentException("threshold must be in 0..1, got " + threshold);
        if (minServed < 0) throw new IllegalArgumentException("minServed must be >= 0, got " + minServed);
        this.threshold = threshold;
        this.minServed = minServed;
    }

    public double threshold() {
        return threshold;
    }

    public int minServed() {
        return minServed;
    }

    /**
     * Most addresses of one family that a plan may remove when {@code served} of them are served:
     * unlimited below minServed, else the largest k with k / served ≤ threshold, and never less than one.
     * Why at least one: with threshold × served &lt; 1 (3 addresses at 0.3, minServed 2) the fraction rule
     * alone forbids every removal, the planner can only step "0 now, the rest later", and a dead target is
     * served forever (DESIGN.md, "Safety rules never wedge"). One address per plan is the smallest step
     * there is; the planner steps with this same number, so guard and planner always agree.
     */
    public long removalsAllowed(long served) {
        if (served < minServed || served == 0) return Long.MAX_VALUE;
        long k = (long) Math.floor(threshold * served);
        // threshold × served is inexact in floating point: settle on exactly the guard's own comparison.
        while (k > 0 && (double) k / served > threshold) k--;
        while (k < served && (double) (k + 1) / served <= threshold) k++;
        return Math.max(1, k);
    }

    /** The measured change of a plan against what is served now (endpoint → records it serves, if any). */
    public record Assessment(Map<AddressFamily, Long> servedByFamily, Map<AddressFamily, Long> removedByFamily,
                             List<String> emptied, Optional<Refusal> refusal) {
        public Assessment {
            if (servedByFamily == null || removedByFamily == null || emptied == null || refusal == null) throw new IllegalArgumentException("assessment parts must not be null");
            servedByFamily = copy(servedByFamily);
            removedByFamily = copy(removedByFamily);
            emptied = List.copyOf(emptied);
            for (AddressFamily f : AddressFamily.values()) {
                // Always on: a count above what is served would mean the guard measures something else.
                if (removedByFamily.getOrDefault(f, 0L) > servedByFamily.getOrDefault(f, 0L)) {
                    throw new IllegalStateException("change guard counted more " + f + " removals than served addresses: " + removedByFamily + " > " + servedByFamily);
                }
            }
        }

        private static Map<AddressFamily, Long> copy(Map<AddressFamily, Long> counts) {
            EnumMap<AddressFamily, Long> out = new EnumMap<>(AddressFamily.class);
            out.putAll(counts);
            return Collections.unmodifiableMap(out);
        }

        public long servedAddresses() {
            return servedByFamily.values().stream().mapToLong(Long::longValue).sum();
        }

        public long removedAddresses() {
            return removedByFamily.values().stream().mapToLong(Long::longValue).sum();
        }

        public double removedFraction() {
            long served = servedAddresses();
            return served == 0 ? 0.0 : (double) removedAddresses() / served;
        }
    }

    public Assessment assess(Plan plan, Map<Endpoint, Optional<RecordSet>> servedNow) {
        return assess(plan.draft(), "plan " + plan.generation(), servedNow);
    }

    /** The same judgement for a draft not yet published ({@code label} names it in the refusal). */
    public Assessment assess(PlanDraft draft, String label, Map<Endpoint, Optional<RecordSet>> servedNow) {
        return assess(draft, label, endpoint -> servedNow.getOrDefault(endpoint, Optional.empty()));
    }

    /**
     * As {@link #assess(PlanDraft, String, Map)}, asking {@code servedNow} once per endpoint of the draft
     * (empty: serves nothing), so that a caller holding its reads in another shape need not copy them.
     */
    public Assessment assess(PlanDraft draft, String label, Function<Endpoint, Optional<RecordSet>> servedNow) {
        Map<AddressFamily, Long> served = new EnumMap<>(AddressFamily.class);
        Map<AddressFamily, Long> removed = new EnumMap<>(AddressFamily.class);
        List<String> emptied = new ArrayList<>();
        for (Map.Entry<Endpoint, RecordSet> e : draft.recordSets().entrySet()) {
            Optional<RecordSet> now = servedNow.apply(e.getKey());
            if (now.isEmpty()) continue;
            measure(e.getKey(), now.get(), e.getValue(), served, removed, emptied);
        }
        return new Assessment(served, removed, emptied, draft.forced() ? Optional.empty() : refusal(label, served, removed, emptied));
    }

    private static void measure(Endpoint endpoint, RecordSet now, RecordSet next, Map<AddressFamily, Long> served,
                                Map<AddressFamily, Long> removed, List<String> emptied) {
        if (now == next || now.equals(next)) { // the common case at scale: this endpoint does not change (often the very same object)
            for (WeightedAddress a : now.addresses()) served.merge(AddressFamily.of(a.address()), 1L, Long::sum);
            return;
        }
        Set<InetAddress> kept = new HashSet<>();
        for (WeightedAddress a : next.addresses()) kept.add(a.address());
        for (WeightedAddress a : now.addresses()) {
            AddressFamily f = AddressFamily.of(a.address());
            served.merge(f, 1L, Long::sum);
            if (!kept.contains(a.address())) removed.merge(f, 1L, Long::sum);
        }
        Set<AddressFamily> after = AddressFamily.of(next);
        for (AddressFamily f : AddressFamily.of(now)) {
            if (!after.contains(f)) emptied.add(endpoint + " " + f.recordType());
        }
    }

    private Optional<Refusal> refusal(String label, Map<AddressFamily, Long> served, Map<AddressFamily, Long> removed, List<String> emptied) {
        if (!emptied.isEmpty() && threshold < 1.0) { // a threshold of 1 switches the guard off
            return Optional.of(new Refusal(RefusalReason.CHANGE_THRESHOLD, label + " leaves " + emptied.size() + " served answer(s) with no records, "
                    + emptied.subList(0, Math.min(5, emptied.size())) + "; publish it forced to apply it anyway"));
        }
        for (AddressFamily f : AddressFamily.values()) {
            long s = served.getOrDefault(f, 0L);
            long r = removed.getOrDefault(f, 0L);
            if (r > removalsAllowed(s)) {
                return Optional.of(new Refusal(RefusalReason.CHANGE_THRESHOLD, String.format(Locale.ROOT,
                        "%s removes %d of %d served %s addresses (%.1f%% > %.1f%%); publish it forced to apply it anyway",
                        label, r, s, f.recordType(), 100.0 * r / s, 100.0 * threshold)));
            }
        }
        return Optional.empty();
    }
}
