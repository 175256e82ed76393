package io.waymark.core.enactor;

import io.waymark.core.model.Generation;
import java.util.List;
import java.util.Optional;

/**
 * What one enactor tick did, for callers to log and count: how it ended, the plan it worked on
 * ({@link Generation#ZERO} if none), the refusal when REFUSED, the {@link TickCounts}, and the first
 * few error messages (counts are always exact).
 */
public record TickResult(String enactorId, TickStatus status, Generation planGeneration, Optional<Refusal> refusal,
                         TickCounts counts, List<String> errorDetails) {
    public TickResult {
        if (enactorId == null || status == null || planGeneration == null || refusal == null || counts == null || errorDetails == null) {
            throw new IllegalArgumentException("tick result parts must not be null");
        }
        if (refusal.isPresent() != (status == TickStatus.REFUSED)) throw new IllegalArgumentException("a refusal comes with status REFUSED and only then");
        if (status != TickStatus.WORKED && counts.visited() > 0) throw new IllegalArgumentException("only a WORKED tick visits endpoints, got " + status);
        errorDetails = List.copyOf(errorDetails);
    }

    static TickResult without(String enactorId, TickStatus status, Generation plan, Optional<Refusal> refusal, int errors, List<String> errorDetails) {
        return new TickResult(enactorId, status, plan, refusal, TickCounts.builder().errors(errors).build(), errorDetails);
    }

    public int visited() { return counts.visited(); }
    public int applied() { return counts.applied(); }
    public int superseded() { return counts.superseded(); }
    public int skipped() { return counts.skipped(); }
    public int foreign() { return counts.foreign(); }
    public int conflicts() { return counts.conflicts(); }
    public int deferred() { return counts.deferred(); }
    public int healed() { return counts.healed(); }
    public int failed() { return counts.failed(); }
    public int errors() { return counts.errors(); }

    /** True when the tick wrote nothing and found nothing left to do in its share of endpoints. */
    public boolean idle() {
        // Foreign stamps are no work this enactor can do (its writes would be refused): reported, not pending.
        return status == TickStatus.WORKED && applied() == 0 && deferred() == 0 && failed() == 0 && errors() == 0;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("tick[").append(enactorId).append(' ').append(status).append(' ').append(planGeneration);
        refusal.ifPresent(r -> sb.append(" refused ").append(r.reason()).append(": ").append(r.detail()));
        if (status == TickStatus.WORKED) {
            sb.append(" visited=").append(visited()).append(" applied=").append(applied()).append(" superseded=").append(superseded())
              .append(" skipped=").append(skipped()).append(" conflicts=").append(conflicts()).append(" deferred=").append(deferred())
              .append(" healed=").append(healed()).append(" failed=").append(failed());
            if (foreign() > 0) sb.append(" foreign=").append(foreign());
        }
        if (errors() > 0 || !errorDetails.isEmpty()) sb.append(" errors=").append(errors()).append(' ').append(errorDetails);
        return sb.toString().concat("]");
    }
}
