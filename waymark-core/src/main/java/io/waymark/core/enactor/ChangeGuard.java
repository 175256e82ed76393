package io.waymark.core.enactor;

import io.waymark.core.model.Endpoint;
import io.waymark.core.model.Plan;
import io.waymark.core.model.RecordSet;
import io.waymark.core.model.WeightedAddress;
import java.net.InetAddress;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The change threshold (octoDNS' 30% rule), defined precisely:
 * <pre>
 *   served  = Σ over endpoints E of the plan: |addresses E serves now|
 *   removed = Σ over endpoints E of the plan: |addresses E serves now that the plan's record set for E lacks|
 *   refuse  ⇔ !plan.forced ∧ served ≥ minServed ∧ removed / served > threshold
 * </pre>
 * Only removals count: adding addresses or changing weights never blanks anything. Endpoints that serve
 * nothing yet contribute nothing (a first rollout is never refused). Endpoints served but absent from
 * the plan are not touched by enactors, so they do not count either.
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

    /** The measured change of {@code plan} against {@code servedNow} (endpoint → records it serves, if any). */
    public record Assessment(long servedAddresses, long removedAddresses, Optional<Refusal> refusal) {
        public double removedFraction() {
            return servedAddresses == 0 ? 0.0 : (double) removedAddresses / servedAddresses;
        }
    }

    public Assessment assess(Plan plan, Map<Endpoint, Optional<RecordSet>> servedNow) {
        long served = 0;
        long removed = 0;
        for (Map.Entry<Endpoint, RecordSet> e : plan.recordSets().entrySet()) {
            Optional<RecordSet> now = servedNow.getOrDefault(e.getKey(), Optional.empty());
            if (now.isEmpty()) continue;
            if (now.get().equals(e.getValue())) { // the common case at scale: this endpoint does not change
                served += now.get().addresses().size();
                continue;
            }
            Set<InetAddress> next = new HashSet<>();
            for (WeightedAddress a : e.getValue().addresses()) next.add(a.address());
            for (WeightedAddress a : now.get().addresses()) {
                served++;
                if (!next.contains(a.address())) removed++;
            }
        }
        assert removed <= served;
        Optional<Refusal> refusal = Optional.empty();
        if (!plan.forced() && served >= minServed && served > 0 && (double) removed / served > threshold) {
            refusal = Optional.of(new Refusal(RefusalReason.CHANGE_THRESHOLD, String.format(java.util.Locale.ROOT,
                    "plan %s removes %d of %d served addresses (%.1f%% > %.1f%%); publish it forced to apply it anyway",
                    plan.generation(), removed, served, 100.0 * removed / served, 100.0 * threshold)));
        }
        return new Assessment(served, removed, refusal);
    }
}
