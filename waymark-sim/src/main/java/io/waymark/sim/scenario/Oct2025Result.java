package io.waymark.sim.scenario;

import io.waymark.core.model.Generation;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * What the October 2025 replay showed.
 *
 * @param timeline          the readable timeline, one line per event (virtual time, actor, what)
 * @param staleWrite        the write made on a stale freshness check that landed, if any
 * @param staleWriteOutcome what happened to the stale enactor's write (e.g. "landed", "SUPERSEDED")
 * @param emptiedAtMillis   when the endpoint first resolved to no address, if ever
 * @param stuckEnactors     enactors that can no longer apply any plan, with the reason
 * @param laterPlanApplied  whether any plan published after the empty moment (or after the stale
 *                          write, when nothing went empty) was applied by the end
 * @param finalServed       the generation the endpoint serves at the end (empty if it resolves to nothing)
 * @param latest            the newest published generation
 * @param violations        invariant violations seen (I1–I4 after every event; L1 at the end)
 */
public record Oct2025Result(Algorithm algorithm, long seed, List<String> timeline, Optional<String> staleWrite, String staleWriteOutcome,
                            OptionalLong emptiedAtMillis, List<String> stuckEnactors, boolean laterPlanApplied,
                            Optional<Generation> finalServed, Generation latest, List<String> violations, long events) {
    public Oct2025Result {
        timeline = List.copyOf(timeline);
        stuckEnactors = List.copyOf(stuckEnactors);
        violations = List.copyOf(violations);
    }

    public boolean endpointWentEmpty() {
        return emptiedAtMillis.isPresent();
    }

    /** The text timeline with a summary, for the CLI. */
    public String render() {
        StringBuilder sb = new StringBuilder();
        sb.append("October 2025 replay — algorithm ").append(algorithm.name().toLowerCase()).append(", seed ").append(seed).append('\n');
        sb.append("     time  actor      what\n");
        for (String line : timeline) sb.append(line).append('\n');
        sb.append("\nSummary\n");
        sb.append("  stale enactor's write : ").append(staleWriteOutcome).append(staleWrite.map(s -> " — " + s).orElse("")).append('\n');
        sb.append("  endpoint went empty   : ").append(emptiedAtMillis.isPresent() ? "YES at " + seconds(emptiedAtMillis.getAsLong()) : "no").append('\n');
        sb.append("  stuck enactors        : ").append(stuckEnactors.isEmpty() ? "none" : String.join("; ", stuckEnactors)).append('\n');
        sb.append("  later plan applied    : ").append(laterPlanApplied ? "yes" : "NO — no enactor can apply any later plan").append('\n');
        sb.append("  serving at the end    : ").append(finalServed.map(Generation::toString).orElse("NOTHING (NOERROR, empty answer)"))
          .append(" (latest published ").append(latest).append(")\n");
        sb.append("  invariants            : ").append(violations.isEmpty() ? "I1–I4 held after every event; L1 converged" : violations.size() + " violation(s)").append('\n');
        for (String v : violations.stream().limit(10).toList()) sb.append("    ").append(v).append('\n');
        return sb.toString();
    }

    static String seconds(long ms) {
        return String.format("t=%d.%03ds", ms / 1000, ms % 1000);
    }
}
