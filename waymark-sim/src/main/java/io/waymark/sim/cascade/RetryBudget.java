package io.waymark.sim.cascade;

/**
 * A token bucket shared by every retry of the lease manager: retries as a whole may add at most
 * {@code tokensPerSecond} attempts per virtual second (with a small burst), however many hosts want
 * to retry. First attempts do not need a token.
 */
final class RetryBudget {
    private final double tokensPerMs;
    private final double tokensMax;
    private double tokens;
    private long refilledAtMs;

    RetryBudget(double tokensPerSecond, int tokensMax) {
        if (tokensPerSecond <= 0 || tokensMax < 1) throw new IllegalArgumentException("budget must be positive");
        this.tokensPerMs = tokensPerSecond / 1000.0;
        this.tokensMax = tokensMax;
        this.tokens = tokensMax;
    }

    boolean tryTake(long nowMs) {
        if (nowMs < refilledAtMs) throw new IllegalArgumentException("time went backwards");
        tokens = Math.min(tokensMax, tokens + (nowMs - refilledAtMs) * tokensPerMs);
        refilledAtMs = nowMs;
        if (tokens < 1) return false;
        tokens -= 1;
        return true;
    }
}
