package io.waymark.core.invariant;

import io.waymark.core.model.Generation;
import io.waymark.core.model.Plan;
import io.waymark.core.model.PlanHash;
import io.waymark.core.model.Stamp;
import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * I6 as a pure check over observations: every plan (or well-formed stamp) ever seen with a generation
 * has the same content hash. The simulator shows it every plan it sees — publish outcomes, latest reads,
 * history reads, before and after crashes and restarts — and every stamp it reads; a plan store that
 * rewinds and hands a generation out again with other content is caught the first time both are seen.
 * An immutable value: {@link #observe} returns the next ledger and what it found.
 *
 * @param hashByGeneration the first hash seen for each generation
 */
public record GenerationLedger(Map<Generation, PlanHash> hashByGeneration) {
    public static final GenerationLedger EMPTY = new GenerationLedger(Map.of());

    public GenerationLedger {
        if (hashByGeneration == null) throw new IllegalArgumentException("hashByGeneration must not be null");
        hashByGeneration = Collections.unmodifiableMap(new TreeMap<>(hashByGeneration));
    }

    /** The ledger after seeing {@code plan}, and the violation when its generation was seen with other content. */
    public record Seen(GenerationLedger ledger, Optional<Violation> violation) {}

    public Seen observe(Plan plan, String where) {
        return observe(plan.generation(), plan.hash(), "plan " + plan.generation() + " " + plan.hash() + " (" + where + ")");
    }

    /** A stamp names a generation and the hash of the plan it was handed out with; generation 0 names none. */
    public Seen observe(Stamp stamp, String where) {
        if (stamp.isNone()) return new Seen(this, Optional.empty());
        return observe(stamp.generation(), stamp.planHash(), "stamp " + stamp + " (" + where + ")");
    }

    private Seen observe(Generation generation, PlanHash hash, String what) {
        PlanHash first = hashByGeneration.get(generation);
        if (first == null) {
            TreeMap<Generation, PlanHash> next = new TreeMap<>(hashByGeneration);
            next.put(generation, hash);
            return new Seen(new GenerationLedger(next), Optional.empty());
        }
        if (first.equals(hash)) return new Seen(this, Optional.empty());
        return new Seen(this, Optional.of(Violation.global(Invariant.I6_NO_REUSED_GENERATION,
                generation + " was handed out twice: first seen with hash " + first + ", now " + what)));
    }
}
