package io.waymark.sim.invariant;

import io.waymark.core.model.Plan;
import io.waymark.core.model.PlanHash;
import java.util.HashMap;
import java.util.Map;

/**
 * I6, no reused generation: every plan a publisher was handed back (and every plan read from the store)
 * is remembered by generation; the same generation with other content is a violation. The in-memory
 * store cannot break it; a durable store that rewinds its log after a crash can (issue 7, defect 3).
 */
public final class GenerationLedger {
    private final Map<Long, PlanHash> handedOut = new HashMap<>();
    private boolean reported = false;

    public void seen(Plan plan, String how, long nowMillis, Sink sink) {
        PlanHash before = handedOut.putIfAbsent(plan.generation().value(), plan.hash());
        if (before == null || before.equals(plan.hash()) || reported) return;
        reported = true;
        sink.violate(SystemInvariant.I6_NO_REUSED_GENERATION, "t=" + nowMillis + "ms I6_NO_REUSED_GENERATION: " + plan.generation() + " " + how + " with hash " + plan.hash()
                + ", but it was handed out before with hash " + before);
    }
}
