package io.waymark.core.role;

import java.util.Optional;
import java.util.random.RandomGenerator;

/**
 * A supervisor, not a poisoned process (DESIGN.md, "Around the protocol"; issue 7, defect 2): a store
 * that failed (ENOSPC, EIO) stays failed until reopened, so the supervisor reopens it, with bounded
 * exponential backoff and jitter, until the cause clears. The failure is a {@link Transition} once
 * when it starts and once when it ends, never once per step.
 *
 * <p>Backoff: the first attempt comes {@code initialNanos} after the failure is seen; each failed
 * attempt doubles the delay up to {@code maxNanos}; each delay is shortened by a random share of up to
 * {@code jitterFraction} of itself, so that supervisors of many stores (or processes) that failed
 * together do not retry in lock-step. A reopened store is on probation for {@code stableNanos}: if it
 * fails again within it (the disk is still full: opening reads, the next append fails), that counts as
 * a failed attempt and the backoff keeps growing, without a recovery and a new failure being reported
 * for every cycle. A store that refuses to open because its data is damaged
 * ({@link Reopenable.Outcome.Damaged}) is retried at {@code maxNanos} only: it will not heal by
 * itself, but an operator's repair is picked up without a restart.
 *
 * <p>Pure: the caller steps it with a monotonic time reading; the {@link Reopenable} port does the I/O.
 */
public final class StoreSupervisor {
    /**
     * @param initialNanos   delay before the first reopen attempt after a failure is seen
     * @param maxNanos       the delay doubles per failed attempt up to this
     * @param jitterFraction each delay is shortened by a uniform random share in [0, jitterFraction)
     * @param stableNanos    a reopened store that works this long is up again (probation)
     */
    public record Backoff(long initialNanos, long maxNanos, double jitterFraction, long stableNanos) {
        /** 100 ms, doubling to 30 s, up to a fifth shorter; up again after 5 s without a failure. */
        public static final Backoff DEFAULTS = new Backoff(100_000_000L, 30_000_000_000L, 0.2, 5_000_000_000L);

        public Backoff {
            if (initialNanos < 1) throw new IllegalArgumentException("initialNanos must be >= 1, got " + initialNanos);
            if (maxNanos < initialNanos) throw new IllegalArgumentException("maxNanos must be >= initialNanos (" + initialNanos + "), got " + maxNanos);
            if (!(jitterFraction >= 0.0 && jitterFraction < 1.0)) throw new IllegalArgumentException("jitterFraction must be in [0, 1), got " + jitterFraction);
            if (stableNanos < 0) throw new IllegalArgumentException("stableNanos must be >= 0, got " + stableNanos);
        }

        /** The un-jittered delay after {@code failedAttempts} failed attempts (0 = before the first). */
        long delayNanos(int failedAttempts) {
            long d = initialNanos;
            // Bounded: at most 63 doublings before the cap is reached.
            for (int i = 0; i < failedAttempts && d < maxNanos; i++) d = d > maxNanos / 2 ? maxNanos : d * 2;
            return Math.min(d, maxNanos);
        }
    }

    public enum State {
        /** Working. */
        UP,
        /** Failed; reopened with backoff until the cause clears. */
        FAILED,
        /** Reopened and working, on probation: a failure within {@code stableNanos} counts as a failed attempt. */
        RECOVERING,
        /** Refuses to open because its data is damaged: an operator must act (see {@link Status#whatToDo()}). */
        DAMAGED
    }

    /**
     * The supervisor's view of its store, for status views.
     *
     * @param since              when the current state began (a reading of the caller's clock)
     * @param failedAttempts     reopen attempts that failed since the failure began
     * @param nextAttemptAtNanos when the next reopen attempt is due (meaningful unless UP)
     */
    public record Status(String store, State state, String reason, String whatToDo, long since, int failedAttempts, long nextAttemptAtNanos) {}

    /**
     * What one step did.
     *
     * @param attempted  a reopen was attempted in this step
     * @param transition present when the state changed with this step: log it, count it, once
     */
    public record Step(Status status, boolean attempted, Optional<Transition> transition) {}

    private static final String AUTOMATIC = "nothing: reopened automatically once the cause clears (disk space, device)";

    private final Reopenable store;
    private final Backoff backoff;
    private final RandomGenerator random;
    // No settling here: probation (Backoff.stableNanos) already decides when a reopened store is up.
    private final ConditionTracker condition = new ConditionTracker(0);
    private State state = State.UP;
    private String reason = "";
    private String whatToDo = "";
    private long since;
    private int failedAttempts;
    private long nextAttemptAt;

    public StoreSupervisor(Reopenable store, Backoff backoff, RandomGenerator random) {
        if (store == null || backoff == null || random == null) throw new IllegalArgumentException("supervisor needs a store, a backoff and a random generator");
        this.store = store;
        this.backoff = backoff;
        this.random = random;
    }

    public Step step(long nowNanos) {
        Optional<String> failure = store.failure();
        if (failure.isEmpty()) {
            if (state == State.RECOVERING && nowNanos - since >= backoff.stableNanos()) up(nowNanos);
            else if (state == State.FAILED || state == State.DAMAGED) up(nowNanos); // healed from outside (never seen in practice)
            return done(nowNanos, false);
        }
        switch (state) {
            case UP -> {
                // Newly failed: the first attempt waits a little, so a burst of failing calls settles first.
                state = State.FAILED;
                reason = failure.get();
                whatToDo = AUTOMATIC;
                since = nowNanos;
                failedAttempts = 0;
                nextAttemptAt = nowNanos + jittered(backoff.delayNanos(0));
                return done(nowNanos, false);
            }
            case RECOVERING -> {
                // Failed again on probation: the cause has not cleared. One more failed attempt, longer delay.
                state = State.FAILED;
                reason = failure.get();
                failedAttempts++;
                nextAttemptAt = nowNanos + jittered(backoff.delayNanos(failedAttempts));
                return done(nowNanos, false);
            }
            case FAILED, DAMAGED -> {
                if (nowNanos - nextAttemptAt < 0) return done(nowNanos, false);
            }
        }
        Reopenable.Outcome outcome = store.reopen();
        switch (outcome) {
            case Reopenable.Outcome.Reopened r -> {
                state = backoff.stableNanos() == 0 ? State.UP : State.RECOVERING;
                if (state == State.UP) up(nowNanos);
                else since = nowNanos;
            }
            case Reopenable.Outcome.StillFailing f -> {
                state = State.FAILED;
                reason = f.why();
                whatToDo = AUTOMATIC;
                failedAttempts++;
                nextAttemptAt = nowNanos + jittered(backoff.delayNanos(failedAttempts));
            }
            case Reopenable.Outcome.Damaged d -> {
                state = State.DAMAGED;
                reason = d.what();
                whatToDo = d.whatToDo();
                failedAttempts++;
                nextAttemptAt = nowNanos + jittered(backoff.maxNanos());
            }
        }
        return done(nowNanos, true);
    }

    private void up(long nowNanos) {
        state = State.UP;
        reason = "";
        whatToDo = "";
        since = nowNanos;
        failedAttempts = 0;
    }

    private long jittered(long delayNanos) {
        if (backoff.jitterFraction() == 0.0) return delayNanos;
        return delayNanos - (long) (delayNanos * backoff.jitterFraction() * random.nextDouble());
    }

    private Step done(long nowNanos, boolean attempted) {
        RoleCondition c = switch (state) {
            case UP -> RoleCondition.ok(store.name() + " store up");
            case FAILED -> new RoleCondition(RoleCondition.Kind.STORE_UNAVAILABLE, "failed", store.name() + " store failed: " + reason);
            // Same key as FAILED: a reopen that does not last is not a recovery worth reporting.
            case RECOVERING -> new RoleCondition(RoleCondition.Kind.STORE_UNAVAILABLE, "failed", store.name() + " store reopened, on probation after: " + reason);
            case DAMAGED -> new RoleCondition(RoleCondition.Kind.STORE_UNAVAILABLE, "damaged", store.name() + " store damaged: " + reason + "; " + whatToDo);
        };
        return new Step(status(), attempted, condition.observe(c, nowNanos));
    }

    public Status status() {
        return new Status(store.name(), state, reason, whatToDo, since, failedAttempts, nextAttemptAt);
    }
}
