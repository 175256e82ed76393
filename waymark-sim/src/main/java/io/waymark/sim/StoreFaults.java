package io.waymark.sim;

/**
 * How a simulated store misbehaves: the chance a call fails with StoreUnavailableException, the
 * chance it is slow, and its latency range (virtual milliseconds, charged to the caller).
 */
public record StoreFaults(double errorProbability, double slowProbability, long latencyMsMin, long latencyMsMax, long slowLatencyMs) {
    public static final StoreFaults NONE = new StoreFaults(0, 0, 0, 0, 0);

    public StoreFaults {
        if (errorProbability < 0 || errorProbability > 1 || slowProbability < 0 || slowProbability > 1) throw new IllegalArgumentException("probabilities in 0..1");
        if (latencyMsMin < 0 || latencyMsMax < latencyMsMin || slowLatencyMs < 0) throw new IllegalArgumentException("latencies must be 0 <= min <= max");
    }
}
