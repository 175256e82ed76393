package io.waymark.core.enactor;

import io.waymark.core.model.Generation;
import java.util.List;
import java.util.Optional;

/**
 * What one enactor tick did, for callers to log and count. Every endpoint visited lands in exactly
 * one of applied, superseded, skipped, deferred or failed; {@code conflicts} counts CONFLICT answers
 * (an endpoint may see several before it lands somewhere), {@code healed} counts the applied endpoints
 * whose stamp was missing or unreadable (generation 0).
 *
 * @param planGeneration the latest plan the tick worked on, {@link Generation#ZERO} if none
 * @param visited        endpoints whose stamp was read in prepare
 * @param applied        conditional applies that wrote
 * @param superseded     endpoints found already serving a plan at least as new at write time
 * @param skipped        endpoints found already serving a plan at least as new at read time
 * @param conflicts      CONFLICT answers received (each followed by a bounded re-read)
 * @param deferred       endpoints left to the next tick after conflictRetriesMax re-reads
 * @param failed         endpoints whose read or write met a StoreUnavailableException
 * @param errors         StoreUnavailableExceptions caught (one per failed store call)
 * @param errorDetails   the first few error messages
 */
public record TickResult(String enactorId, TickStatus status, Generation planGeneration, Optional<Refusal> refusal,
                         int visited, int applied, int superseded, int skipped, int conflicts, int deferred,
                         int healed, int failed, int errors, List<String> errorDetails) {
    public TickResult {
        if (enactorId == null || status == null || planGeneration == null || refusal == null || errorDetails == null) {
            throw new IllegalArgumentException("tick result parts must not be null");
        }
        if (refusal.isPresent() != (status == TickStatus.REFUSED)) throw new IllegalArgumentException("a refusal comes with status REFUSED and only then");
        if (applied + superseded + skipped + deferred + failed != visited) {
            throw new IllegalArgumentException("every visited endpoint lands in exactly one bucket: " + applied + "+" + superseded + "+" + skipped + "+" + deferred + "+" + failed + " != " + visited);
        }
        if (healed > applied) throw new IllegalArgumentException("healed endpoints are a subset of applied ones");
        errorDetails = List.copyOf(errorDetails);
    }

    static TickResult without(String enactorId, TickStatus status, Generation plan, Optional<Refusal> refusal, int errors, List<String> errorDetails) {
        return new TickResult(enactorId, status, plan, refusal, 0, 0, 0, 0, 0, 0, 0, 0, errors, errorDetails);
    }

    /** True when the tick wrote nothing and found nothing left to do in its share of endpoints. */
    public boolean idle() {
        return status == TickStatus.WORKED && applied == 0 && deferred == 0 && failed == 0 && errors == 0;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("tick[").append(enactorId).append(' ').append(status).append(' ').append(planGeneration);
        refusal.ifPresent(r -> sb.append(" refused ").append(r.reason()).append(": ").append(r.detail()));
        if (status == TickStatus.WORKED) {
            sb.append(" visited=").append(visited).append(" applied=").append(applied).append(" superseded=").append(superseded)
              .append(" skipped=").append(skipped).append(" conflicts=").append(conflicts).append(" deferred=").append(deferred)
              .append(" healed=").append(healed).append(" failed=").append(failed);
        }
        if (errors > 0) sb.append(" errors=").append(errors).append(' ').append(errorDetails);
        return sb.append(']').toString();
    }
}
