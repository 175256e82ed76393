package io.waymark.core.port;

import io.waymark.core.model.Endpoint;
import io.waymark.core.model.RecordSet;
import io.waymark.core.model.Stamp;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Where records live: the DNS backend. {@link #applyIfNewer} is a linearizable compare-and-set per
 * endpoint; that single property is what makes stale enactors harmless. Every method may throw
 * {@link StoreUnavailableException}.
 */
public interface RecordStore {
    /** Stamp and records of one endpoint, read atomically. Unreadable stamps come back as {@link Stamp#unreadable}. */
    StampedRecords read(Endpoint endpoint);

    /**
     * Atomically: let {@code s} be the stored stamp. If {@code s.generation >= next.generation}
     * → {@link ApplyOutcome#SUPERSEDED}. Else if {@code s != expected} → {@link ApplyOutcome#CONFLICT}.
     * Else replace records and stamp together → {@link ApplyOutcome#APPLIED}, durable before returning.
     * Refuses (IllegalArgumentException, nothing written) an empty record set.
     */
    ApplyOutcome applyIfNewer(Endpoint endpoint, Stamp expected, Stamp next, RecordSet records);

    /**
     * Many independent conditional applies; each is its own compare-and-set with the semantics above,
     * and the outcomes come back in request order. Stores override this to share one durable commit
     * (group commit) among all of them.
     */
    default List<ApplyOutcome> applyAllIfNewer(List<ConditionalApply> applies) {
        List<ApplyOutcome> outcomes = new ArrayList<>(applies.size());
        for (ConditionalApply a : applies) outcomes.add(applyIfNewer(a.endpoint(), a.expected(), a.next(), a.records()));
        return outcomes;
    }

    /** Endpoints that have ever been written (used by status views and invariant checks). */
    Set<Endpoint> endpoints();
}
