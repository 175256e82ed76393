package io.waymark.sim.legacy;

import io.waymark.core.model.Endpoint;
import io.waymark.core.model.Generation;
import io.waymark.core.model.Plan;
import io.waymark.core.model.RecordSet;
import io.waymark.core.port.PlanStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * The enactor as it was (INCIDENT.md), split into the steps a simulator interleaves: pick up the
 * newest plan and check ONCE that it is newer than what is applied; per endpoint, take the lock
 * record (with backoff when it is held) and apply the plan in one batch; after the last endpoint,
 * delete the trees of plans more than {@code cleanupAgeGenerations} older than the one just applied.
 * A rejected batch (missing rollback target) is not handled: the enactor is stuck for good.
 */
public final class LegacyEnactor {
    public enum Status { IDLE, WORKING, STUCK }

    private final String id;
    private final PlanStore planStore;
    private final LegacyDns dns;
    private final SplittableRandom random;
    private final int cleanupAgeGenerations;
    private final long lockLeaseMillis;
    private Plan current;
    private List<Endpoint> remaining = new ArrayList<>();
    private int lockFailures = 0;
    private Status status = Status.IDLE;
    private String stuckReason = "";

    public LegacyEnactor(String id, PlanStore planStore, LegacyDns dns, SplittableRandom random, int cleanupAgeGenerations, long lockLeaseMillis) {
        this.id = id;
        this.planStore = planStore;
        this.dns = dns;
        this.random = random;
        this.cleanupAgeGenerations = cleanupAgeGenerations;
        this.lockLeaseMillis = lockLeaseMillis;
    }

    public String id() {
        return id;
    }

    public Status status() {
        return status;
    }

    public String stuckReason() {
        return stuckReason;
    }

    public Optional<Plan> current() {
        return Optional.ofNullable(current);
    }

    /**
     * Picks up the newest plan and makes the one-time freshness check against what the endpoints'
     * aliases point at now. Returns a line for the timeline.
     */
    public String pickUp() {
        if (status == Status.STUCK) return "stuck: " + stuckReason;
        Optional<Plan> latest = planStore.latest();
        if (latest.isEmpty()) return "no plan yet";
        Plan p = latest.get();
        Generation applied = Generation.ZERO;
        for (Endpoint e : p.recordSets().keySet()) {
            Generation g = dns.aliasedGeneration(e).orElse(Generation.ZERO);
            if (g.isAfter(applied)) applied = g;
        }
        if (!p.generation().isAfter(applied)) return "read " + p.generation() + ": not newer than applied " + applied + ", nothing to do";
        current = p;
        remaining = new ArrayList<>(p.recordSets().keySet());
        lockFailures = 0;
        status = Status.WORKING;
        return "read " + p.generation() + "; freshness check " + p.generation() + " > applied " + applied + ": OK (checked once, never again)";
    }

    /** Outcome of one attempt on the next endpoint. */
    public record Step(String line, boolean lockHeld, boolean planDone, boolean stuck) {}

    /** Takes the next endpoint's lock record, without applying yet (a slow batch holds it longer). */
    public Step lockNext(long nowMillis) {
        if (status != Status.WORKING) return new Step("not working (" + status + ")", false, false, status == Status.STUCK);
        Endpoint e = remaining.get(0);
        if (!dns.tryLock(e, id, nowMillis, lockLeaseMillis)) {
            lockFailures++;
            return new Step("lock on " + e + " held by " + dns.lock(e).map(LegacyDns.Lock::holder).orElse("?") + ": backing off (failure " + lockFailures + ")", true, false, false);
        }
        return new Step("took the lock on " + e, false, false, false);
    }

    /** Tries the next endpoint: take its lock, apply the batch, release. */
    public Step applyNext(long nowMillis) {
        Step locked = lockNext(nowMillis);
        if (status != Status.WORKING || locked.lockHeld()) return locked;
        Endpoint e = remaining.get(0);
        RecordSet rs = current.recordSets().get(e);
        String uuid = new java.util.UUID(random.nextLong(), random.nextLong()).toString();
        try {
            dns.applyBatch(e, new LegacyDns.PlanTree(uuid, current.generation(), rs));
        } catch (LegacyDns.BatchRejected ex) {
            dns.unlock(e, id);
            status = Status.STUCK;
            stuckReason = "batch for " + current.generation() + " on " + e + " rejected: " + ex.getMessage();
            return new Step(stuckReason + " -- enactor cannot proceed", false, false, true);
        }
        dns.unlock(e, id);
        remaining.remove(0);
        String line = "applied " + current.generation() + " to " + e + " (tree " + uuid.substring(0, 8) + ")";
        return new Step(line, false, remaining.isEmpty(), false);
    }

    /** Backoff before the next lock attempt: exponential with jitter, capped. */
    public long backoffMillis(long baseMillis, long capMillis) {
        long exp = Math.min(capMillis, baseMillis << Math.min(20, lockFailures));
        return exp / 2 + random.nextLong(exp / 2 + 1);
    }

    /**
     * Plan versions the clean-up deletes after finishing {@link #current()}: every generation more
     * than {@code cleanupAgeGenerations} older, by age alone -- nobody asks what the aliases point at.
     */
    public List<Generation> cleanupGenerations() {
        if (current == null) return List.of();
        List<Generation> out = new ArrayList<>();
        for (long g = 1; g < current.generation().value() - cleanupAgeGenerations; g++) out.add(Generation.of(g));
        return out;
    }

    /** One clean-up step: delete one old plan's trees (and its history entry). */
    public String cleanUp(Generation generation) {
        List<String> deleted = dns.deleteTreesOf(generation);
        return "clean-up (age): deleted plan " + generation + (deleted.isEmpty() ? " (no trees)" : ", trees " + deleted.stream().map(u -> u.substring(0, 8)).toList());
    }

    public void finishPlan() {
        status = Status.IDLE;
    }
}
