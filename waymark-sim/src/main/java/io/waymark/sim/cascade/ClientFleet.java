package io.waymark.sim.cascade;

import java.util.SplittableRandom;

/**
 * Customers of the service: each resolves the endpoint through one of a few shared caching resolvers
 * and calls the service at its own jittered pace. A call succeeds when the resolver hands back at
 * least one address (the service behind the name is healthy throughout — only DNS failed).
 */
final class ClientFleet {
    private final EventLoop loop;
    private final SplittableRandom random;
    private final CachingResolver[] resolvers;
    private final long callIntervalMs;
    private final Tally calls = new Tally();

    ClientFleet(EventLoop loop, SplittableRandom random, EndpointAnswers authority, CascadeParameters p) {
        this.loop = loop;
        this.random = random;
        this.callIntervalMs = p.clientCallIntervalMs();
        this.resolvers = new CachingResolver[p.clientResolvers()];
        for (int i = 0; i < resolvers.length; i++) {
            resolvers[i] = new CachingResolver(authority, p.positiveTtlMs(), p.negativeTtlMs());
        }
        for (int c = 0; c < p.clients(); c++) {
            CachingResolver resolver = resolvers[c % resolvers.length];
            loop.after(random.nextLong(callIntervalMs), () -> call(resolver));
        }
    }

    private void call(CachingResolver resolver) {
        calls.record(!resolver.resolve(loop.nowMs()).empty());
        // +-25% jitter keeps clients from marching in lock-step with the sampler.
        loop.after(callIntervalMs * 3 / 4 + random.nextLong(callIntervalMs / 2 + 1), () -> call(resolver));
    }

    /** Fraction of calls that succeeded since the last sample (1 when no call happened). */
    double takeSuccessRate() {
        return calls.takeRate(1.0);
    }
}
