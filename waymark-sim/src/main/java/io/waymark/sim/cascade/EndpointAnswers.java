package io.waymark.sim.cascade;

import java.util.List;

/**
 * The cascade's only input: what the endpoint resolves to over virtual time. Everything downstream
 * (caches, clients, leases, load balancers) reacts to it, so the same downstream model can be driven
 * by the hand-written incident timeline, by Waymark's "never empty", or by the DNS state that the
 * October 2025 replay actually produced (see {@link TimelineAnswers}).
 */
@FunctionalInterface
public interface EndpointAnswers {
    Answer answerAt(long timeMs);

    /** Generation served before the incident, and what the healthy endpoint returns. */
    long GENERATION_BEFORE = 120;
    int ADDRESSES = 3;

    /**
     * The legacy system as INCIDENT.md describes it: at {@code emptyAtMs} a stale enactor writes
     * plan 97 and clean-up deletes its tree, so the endpoint answers with no addresses; nothing
     * automatic can fix it; an operator restores the records by hand at {@code repairedAtMs}.
     */
    static EndpointAnswers legacy(long emptyAtMs, long repairedAtMs) {
        if (repairedAtMs <= emptyAtMs) throw new IllegalArgumentException("repair must come after the outage");
        return new TimelineAnswers(List.of(
                new TimelineAnswers.Step(0, new Answer(ADDRESSES, GENERATION_BEFORE)),
                new TimelineAnswers.Step(emptyAtMs, new Answer(0, 97)),
                new TimelineAnswers.Step(repairedAtMs, new Answer(ADDRESSES, 97))));
    }

    /**
     * Waymark under the same schedule: the stale write is refused by the compare-and-set, newer plans
     * keep landing, the endpoint never answers empty.
     */
    static EndpointAnswers waymark(long staleWriteAtMs) {
        return new TimelineAnswers(List.of(
                new TimelineAnswers.Step(0, new Answer(ADDRESSES, GENERATION_BEFORE)),
                new TimelineAnswers.Step(staleWriteAtMs, new Answer(ADDRESSES, GENERATION_BEFORE + 1))));
    }
}
