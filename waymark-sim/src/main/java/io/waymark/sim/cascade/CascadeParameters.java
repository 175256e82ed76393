package io.waymark.sim.cascade;

/**
 * Every knob of the cascade model, in virtual milliseconds unless the name says otherwise.
 *
 * <p>Time scale: incident-level durations (the outage, lease lifetimes, DNS TTLs, backoff caps) are
 * compressed so that <b>one virtual minute stands for one incident hour</b> (one virtual second =
 * one incident minute); virtual 0 stands for 23:00 PDT on 19 October 2025. Per-request latencies and
 * timeouts of the lease workers are NOT compressed: they are what one request costs.
 */
public record CascadeParameters(
        long virtualMsPerIncidentHour,
        long runMs,
        long emptyAtMs,
        long repairedAtMs,
        long sampleIntervalMs,
        // clients and their resolvers
        int clients,
        int clientResolvers,
        long clientCallIntervalMs,
        long positiveTtlMs,
        long negativeTtlMs,
        // lease manager (DropletWorkflow Manager)
        int hosts,
        int leaseResolvers,
        long leaseTtlMs,
        long renewIntervalMs,
        int workers,
        int queueBound,
        long attemptBaseLatencyMs,
        int contentionScale,
        long attemptTimeoutMs,
        long unreachableFailMs,
        long naiveResubmitMs,
        int admitQueueDepth,
        long backoffBaseMs,
        long backoffCapMs,
        double retryTokensPerSecond,
        int retryTokensMax,
        // network-state propagation and NLB health-check fail-over
        double propagationPerSecond,
        int propagationBacklogForFullFlap,
        double flapProbabilityMax,
        int lbNodes,
        long healthCheckIntervalMs,
        int failsToRemove,
        int passesToRestore,
        long velocityWindowMs,
        double velocityMaxRemovalFraction,
        double capacityFloorFraction,
        int eventQueueMax) {

    public CascadeParameters {
        if (virtualMsPerIncidentHour <= 0 || runMs <= 0 || sampleIntervalMs <= 0) throw new IllegalArgumentException("times must be > 0");
        if (!(0 < emptyAtMs && emptyAtMs < repairedAtMs && repairedAtMs < runMs)) {
            throw new IllegalArgumentException("need 0 < emptyAt < repairedAt < run");
        }
        if (runMs / sampleIntervalMs > 100_000) throw new IllegalArgumentException("too many samples");
        if (clients < 1 || clientResolvers < 1 || hosts < 1 || leaseResolvers < 1 || workers < 1 || lbNodes < 1) {
            throw new IllegalArgumentException("counts must be >= 1");
        }
        if (queueBound < admitQueueDepth || admitQueueDepth < 1) throw new IllegalArgumentException("need 1 <= admitQueueDepth <= queueBound");
        if (contentionScale < 1 || failsToRemove < 1 || passesToRestore < 1) throw new IllegalArgumentException("scales must be >= 1");
        if (attemptTimeoutMs <= 0 || unreachableFailMs <= 0 || attemptBaseLatencyMs <= 0) throw new IllegalArgumentException("latencies must be > 0");
        if (clientCallIntervalMs <= 0 || renewIntervalMs <= 0 || naiveResubmitMs <= 0 || healthCheckIntervalMs <= 0) {
            throw new IllegalArgumentException("intervals must be > 0");
        }
        if (backoffBaseMs <= 0 || backoffCapMs < backoffBaseMs) throw new IllegalArgumentException("need 0 < backoffBase <= backoffCap");
        if (!(0 <= flapProbabilityMax && flapProbabilityMax <= 1)) throw new IllegalArgumentException("flapProbabilityMax in [0,1]");
        if (!(0 < velocityMaxRemovalFraction && velocityMaxRemovalFraction <= 1)) throw new IllegalArgumentException("velocity fraction in (0,1]");
        if (!(0 <= capacityFloorFraction && capacityFloorFraction < 1)) throw new IllegalArgumentException("floor in [0,1)");
        if (eventQueueMax < 1) throw new IllegalArgumentException("eventQueueMax must be >= 1");
    }

    /** One virtual second per incident minute. */
    static final long MINUTE = 1_000;

    /**
     * The incident as published: empty at 23:48 PDT, restored by hand at 02:25 PDT (about 2.6 hours
     * later), 15 incident hours simulated (AWS reported ~14.5 hours of impact end to end).
     */
    public static CascadeParameters defaults() {
        return new CascadeParameters(
                60 * MINUTE,
                15 * 60 * MINUTE,
                48 * MINUTE,
                (3 * 60 + 25) * MINUTE,
                MINUTE,        // one sample per incident minute
                200, 20, 2 * MINUTE,
                MINUTE,        // positive TTL: 60 incident seconds
                15 * MINUTE,   // negative TTL (SOA minimum): clients recovered 02:25-02:40
                1000, 8,
                30 * MINUTE,   // lease lifetime
                10 * MINUTE,   // lease renewal period
                16, 4000,
                50, 25, 1000, 100,
                5 * MINUTE,    // naive: a host re-submits while it has no lease, regardless of what is queued
                200,
                MINUTE, 30 * MINUTE,
                25.0, 50,
                4.0, 100, 0.6,
                30, 2 * MINUTE, 2, 3,
                30 * MINUTE, 0.10, 0.70,
                20_000);
    }

    /** The same incident with the manual repair {@code incidentMinutes} after the endpoint went empty. */
    public CascadeParameters withRepairAfterIncidentMinutes(long incidentMinutes) {
        long repaired = emptyAtMs + incidentMinutes * virtualMsPerIncidentHour / 60;
        return new CascadeParameters(virtualMsPerIncidentHour, runMs, emptyAtMs, repaired, sampleIntervalMs,
                clients, clientResolvers, clientCallIntervalMs, positiveTtlMs, negativeTtlMs,
                hosts, leaseResolvers, leaseTtlMs, renewIntervalMs, workers, queueBound, attemptBaseLatencyMs,
                contentionScale, attemptTimeoutMs, unreachableFailMs, naiveResubmitMs, admitQueueDepth,
                backoffBaseMs, backoffCapMs, retryTokensPerSecond, retryTokensMax,
                propagationPerSecond, propagationBacklogForFullFlap, flapProbabilityMax, lbNodes,
                healthCheckIntervalMs, failsToRemove, passesToRestore, velocityWindowMs,
                velocityMaxRemovalFraction, capacityFloorFraction, eventQueueMax);
    }

    /** The same incident with a different retry budget for the throttled recovery. */
    public CascadeParameters withRetryBudget(double tokensPerSecond, int tokensMax) {
        return new CascadeParameters(virtualMsPerIncidentHour, runMs, emptyAtMs, repairedAtMs, sampleIntervalMs,
                clients, clientResolvers, clientCallIntervalMs, positiveTtlMs, negativeTtlMs,
                hosts, leaseResolvers, leaseTtlMs, renewIntervalMs, workers, queueBound, attemptBaseLatencyMs,
                contentionScale, attemptTimeoutMs, unreachableFailMs, naiveResubmitMs, admitQueueDepth,
                backoffBaseMs, backoffCapMs, tokensPerSecond, tokensMax,
                propagationPerSecond, propagationBacklogForFullFlap, flapProbabilityMax, lbNodes,
                healthCheckIntervalMs, failsToRemove, passesToRestore, velocityWindowMs,
                velocityMaxRemovalFraction, capacityFloorFraction, eventQueueMax);
    }

    /** Incident hours represented by {@code virtualMs}. */
    public double incidentHours(long virtualMs) {
        return (double) virtualMs / virtualMsPerIncidentHour;
    }
}
