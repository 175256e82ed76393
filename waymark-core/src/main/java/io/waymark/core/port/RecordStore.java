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
     * Atomically: let {@code s} be the stored stamp and {@code h} the endpoint's high-water
     * generation — the highest generation ever applied to it, kept by the store even when the stamp is
     * lost, unreadable or retired ({@code h >= s.generation}). If {@code s.generation >= next.generation}
     * → {@link ApplyOutcome#SUPERSEDED}. Else if {@code next.generation < h} → {@link ApplyOutcome#SUPERSEDED}:
     * when the stamp reads as generation 0 (missing or unreadable) a heal may not land a plan older
     * than one the endpoint already served (defect 13: a stalled heal racing a second stamp loss);
     * {@code next.generation == h} is allowed (the same plan again). Else if {@code s != expected} →
     * {@link ApplyOutcome#CONFLICT}. Else replace records and stamp together →
     * {@link ApplyOutcome#APPLIED}, durable before returning, and raise {@code h} to
     * {@code next.generation}. Refuses (IllegalArgumentException, nothing written) an empty record set.
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

    /**
     * Endpoints that hold records now: written and not retired since (used by status views,
     * invariant checks and history clean-up).
     */
    Set<Endpoint> endpoints();

    /**
     * Conditional tombstone (an endpoint dropped from configuration): atomically, if the endpoint's
     * stored stamp still equals {@code expected}, removes its records and stamp, durably before
     * returning, and returns true; afterwards {@link #read} answers its {@link StampedRecords#tombstone}
     * (no stamp, no records, the generation of the stamp it was retired at),
     * {@link #endpoints} no longer lists it and DNS no longer serves it. Returns false (nothing
     * written) when the stamp changed since {@code expected} was read. An endpoint that holds nothing
     * and {@code expected == Stamp.NONE} returns true (idempotent). The high-water generation survives,
     * and a retired endpoint comes back only with a plan NEWER than the stamp it was retired at: a
     * stale enactor still applying that plan (or an older one) gets {@link ApplyOutcome#SUPERSEDED}.
     *
     * <p>The default refuses: a store that cannot retire must say so, never pretend. (A default rather
     * than an abstract method, so that stores written in parallel keep compiling; every store of ours
     * implements it.)
     */
    default boolean retire(Endpoint endpoint, Stamp expected) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " cannot retire endpoints");
    }
}
