package io.waymark.sim.cascade;

import java.util.SplittableRandom;
import java.util.function.IntConsumer;

/**
 * Leases on physical hosts in the style of EC2's DropletWorkflow Manager: each host renews its lease
 * through the service on a period; a renewal fails while the service's name resolves to nothing; a
 * lease that runs out must be re-established as queued work (see {@link RecoveryPolicy}).
 */
final class LeaseManager {
    private final EventLoop loop;
    private final SplittableRandom random;
    private final CascadeParameters p;
    private final CachingResolver[] resolvers;
    private final long[] leaseExpiresAtMs;
    private final boolean[] establishing;
    private final Tally establishments = new Tally();
    private RecoveryPolicy policy;
    private IntConsumer onEstablished = host -> { };

    LeaseManager(EventLoop loop, SplittableRandom random, EndpointAnswers authority, CascadeParameters p) {
        this.loop = loop;
        this.random = random;
        this.p = p;
        this.resolvers = new CachingResolver[p.leaseResolvers()];
        for (int i = 0; i < resolvers.length; i++) {
            resolvers[i] = new CachingResolver(authority, p.positiveTtlMs(), p.negativeTtlMs());
        }
        this.leaseExpiresAtMs = new long[p.hosts()];
        this.establishing = new boolean[p.hosts()];
    }

    /** Wires the policy (it needs this manager, so it comes second) and starts every host's renewals. */
    void start(RecoveryPolicy recoveryPolicy, IntConsumer establishedListener) {
        if (policy != null) throw new IllegalStateException("already started");
        this.policy = recoveryPolicy;
        this.onEstablished = establishedListener;
        for (int h = 0; h < leaseExpiresAtMs.length; h++) {
            int host = h;
            leaseExpiresAtMs[h] = loop.nowMs() + p.leaseTtlMs();
            loop.after(random.nextLong(p.renewIntervalMs()), () -> renew(host));
        }
    }

    CachingResolver resolverOf(int host) {
        return resolvers[host % resolvers.length];
    }

    boolean establishing(int host) {
        return establishing[host];
    }

    private void renew(int host) {
        long now = loop.nowMs();
        if (!establishing[host]) {
            // A renewal exactly at expiry still counts: with renewals every period P and lifetime L,
            // a host survives L/P - 1 failed renewals in a row.
            if (now > leaseExpiresAtMs[host]) {
                establishing[host] = true;
                policy.leaseLost(host);
            } else if (!resolverOf(host).resolve(now).empty()) {
                leaseExpiresAtMs[host] = now + p.leaseTtlMs();
            }
        }
        loop.after(p.renewIntervalMs(), () -> renew(host));
    }

    /** A re-establishment attempt for {@code host} succeeded. Duplicates (naive re-queues) are harmless. */
    void established(int host) {
        leaseExpiresAtMs[host] = loop.nowMs() + p.leaseTtlMs();
        if (establishing[host]) {
            establishing[host] = false;
            establishments.record(true);
            onEstablished.accept(host);
        }
    }

    int leasesHeld() {
        long now = loop.nowMs();
        int held = 0;
        for (int h = 0; h < leaseExpiresAtMs.length; h++) {
            if (!establishing[h] && leaseExpiresAtMs[h] >= now) held++;
        }
        return held;
    }

    /** Leases re-established since the last sample (the useful work: goodput). */
    long takeEstablishments() {
        return establishments.takeSuccesses();
    }
}
