package io.waymark.adapters.rfc2136;

import io.waymark.core.port.StoreUnavailableException;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.random.RandomGenerator;

/**
 * Recovery admission for one server (the DWFM lesson: after an outage, clients that all retry at once
 * keep the server down). Every exchange with the server asks here first:
 * <ul>
 *   <li><b>Backoff.</b> After a failed exchange (no answer, connection refused, SERVFAIL, REFUSED, NOTAUTH)
 *       nothing is sent until a jittered, exponentially growing wait has passed ({@code base·2^(n-1)}
 *       capped at {@code max}, times a random factor in [0.5, 1)); callers meanwhile fail at once with the
 *       last error, without touching the network. Then ONE probe goes out (half-open); only its success
 *       reopens the gate.</li>
 *   <li><b>Bounded in-flight, additive increase.</b> UPDATEs outstanding at once are limited by a window that
 *       starts at 1 after a failure and grows by one per success up to {@code updatesInFlightMax}; a timeout
 *       halves it (AIMD, as TCP and Netflix's concurrency-limits do).</li>
 *   <li><b>Rate ceiling.</b> UPDATEs paced at {@code updatesPerSecondMax} per second (a token bucket holding one
 *       token: at most the ceiling + 1 in any one-second window), whatever the number of callers.</li>
 *   <li><b>Retry budget.</b> UPDATEs re-sent after a rejection (a split batch) draw from a second bucket that
 *       refills at {@code resendsPerSecond}; when it is empty the remaining endpoints are left to the next
 *       tick (which re-reads them) instead of being re-sent.</li>
 * </ul>
 * Nothing is ever re-sent after a timeout: its outcome is unknown, and the caller re-reads first.
 * Time and chance are injected (a monotonic clock in nanoseconds and a generator) so tests can drive it.
 */
final class Admission {
    private static final double TOKENS_HELD_MAX = 1.0;

    private final Rfc2136Settings settings;
    private final LongSupplier nanos;
    private final RandomGenerator random;

    // Guarded by this.
    private int consecutiveFailures;
    private long notBeforeNanos;
    private boolean probing;
    private String lastFailure = "";
    private int window;
    private int inFlight;
    private double tokens;
    private double resendTokens;
    private long refilledAtNanos;
    private long sentTotal;
    private long exchangesTotal;
    private long refusedFastTotal;

    Admission(Rfc2136Settings settings, LongSupplier nanos, RandomGenerator random) {
        this.settings = settings;
        this.nanos = nanos;
        this.random = random;
        this.window = settings.updatesInFlightMax();
        this.tokens = TOKENS_HELD_MAX;
        this.resendTokens = settings.resendsPerSecond();
        this.refilledAtNanos = nanos.getAsLong();
    }

    /** One admitted exchange; {@link #close()} it exactly once after the answer (or its absence) is known. */
    final class Permit implements AutoCloseable {
        private boolean closed;

        @Override
        public void close() {
            synchronized (Admission.this) {
                if (closed) return;
                closed = true;
                inFlight--;
                Admission.this.notifyAll();
            }
        }
    }

    /**
     * Admits one UPDATE ({@code update} true: counts against window and rate) or one read. Waits (bounded
     * by the message timeout) for a window slot and a rate token; fails at once while backing off.
     *
     * @param resend true for an UPDATE re-sent after a rejection: it also needs a retry-budget token,
     *               and returns empty when the budget is spent (nothing is sent)
     */
    synchronized Optional<Permit> admit(boolean update, boolean resend) {
        return admit(update, resend, true);
    }

    private Optional<Permit> admit(boolean update, boolean resend, boolean waitForSlot) {
        long deadline = nanos.getAsLong() + TimeUnit.MILLISECONDS.toNanos(settings.timeoutMs());
        long waitedMs = 0;
        // Bounded: every pass returns, throws, or waits; the waits add up to at most the message timeout
        // (counted as well as measured, so a clock that does not move cannot keep a caller here).
        while (true) {
            long now = nanos.getAsLong();
            refill(now);
            if (consecutiveFailures > 0) {
                if (now < notBeforeNanos) {
                    refusedFastTotal++;
                    throw new StoreUnavailableException("RFC 2136 server " + settings.serverText() + " failing (" + consecutiveFailures + " in a row: " + lastFailure
                            + "); next attempt in " + TimeUnit.NANOSECONDS.toMillis(notBeforeNanos - now) + " ms");
                }
                if (probing) {
                    refusedFastTotal++;
                    throw new StoreUnavailableException("RFC 2136 server " + settings.serverText() + " failing (" + lastFailure + "); a probe is out");
                }
            }
            int limit = consecutiveFailures > 0 ? 1 : window;
            boolean slot = inFlight < limit;
            if (!slot && !waitForSlot) return Optional.empty();
            boolean rate = !update || tokens >= 1.0;
            if (resend && resendTokens < 1.0) return Optional.empty();
            if (slot && rate) {
                if (update) tokens -= 1.0;
                if (resend) resendTokens -= 1.0;
                if (consecutiveFailures > 0) probing = true;
                inFlight++;
                sentTotal += update ? 1 : 0;
                exchangesTotal++;
                return Optional.of(new Permit());
            }
            if (now >= deadline || waitedMs >= settings.timeoutMs()) {
                throw new StoreUnavailableException("RFC 2136 server " + settings.serverText() + ": no " + (slot ? "rate token" : "in-flight slot")
                        + " within " + settings.timeoutMs() + " ms (" + inFlight + " in flight, window " + limit + ")");
            }
            long waitMs = slot ? Math.max(1, (long) Math.ceil((1.0 - tokens) * 1000.0 / settings.updatesPerSecondMax())) : 50;
            try {
                long ms = Math.min(waitMs, Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - now)));
                waitedMs += ms;
                wait(ms);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new StoreUnavailableException("interrupted while waiting to send to " + settings.serverText());
            }
        }
    }

    /**
     * As {@link #admit} for an UPDATE, except that a full window returns empty at once instead of
     * waiting: a caller with UPDATEs of its own in flight then takes their answers first (which frees
     * slots) rather than waiting on a slot it holds itself. A free slot still waits for its rate token.
     */
    synchronized Optional<Permit> admitIfWindowOpen() {
        return admit(true, false, false);
    }

    private void refill(long now) {
        double seconds = (now - refilledAtNanos) / 1e9;
        if (seconds <= 0) return;
        refilledAtNanos = now;
        // The rate bucket holds one token: UPDATEs are paced, so no one-second window ever holds more than the
        // ceiling + 1 (a bucket of a second's worth would allow twice the ceiling right after an idle second).
        tokens = Math.min(TOKENS_HELD_MAX, tokens + seconds * settings.updatesPerSecondMax());
        resendTokens = Math.min(settings.resendsPerSecond(), resendTokens + seconds * settings.resendsPerSecond());
    }

    /** The server answered (any answer that is not a failure of the server itself). */
    synchronized void succeeded() {
        if (consecutiveFailures > 0) window = 1;
        consecutiveFailures = 0;
        probing = false;
        lastFailure = "";
        window = Math.min(settings.updatesInFlightMax(), window + 1);
        notifyAll();
    }

    /** The exchange failed; {@code timeout} halves the window. Starts (or lengthens) the backoff. */
    synchronized void failed(String why, boolean timeout) {
        consecutiveFailures = Math.min(consecutiveFailures + 1, 62);
        probing = false;
        lastFailure = why;
        if (timeout) window = Math.max(1, window / 2);
        long base = TimeUnit.MILLISECONDS.toNanos(settings.backoffBaseMs());
        long cap = TimeUnit.MILLISECONDS.toNanos(settings.backoffMaxMs());
        int shift = Math.min(consecutiveFailures - 1, 30);
        long exp = base > (cap >> shift) ? cap : Math.min(cap, base << shift);
        long jittered = (long) (exp * (0.5 + 0.5 * random.nextDouble()));
        notBeforeNanos = nanos.getAsLong() + jittered;
        notifyAll();
    }

    /** The failure callers see now, or empty while the server answers. */
    synchronized Optional<String> failure() {
        return consecutiveFailures == 0 ? Optional.empty() : Optional.of(lastFailure);
    }

    synchronized long updatesSent() {
        return sentTotal;
    }

    /** Every exchange admitted: UPDATEs, queries and zone transfers. */
    synchronized long exchanges() {
        return exchangesTotal;
    }

    /** Calls refused without sending anything, because the server is backing off. */
    synchronized long refusedFast() {
        return refusedFastTotal;
    }
}
