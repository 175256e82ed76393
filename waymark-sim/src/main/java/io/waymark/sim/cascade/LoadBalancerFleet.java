package io.waymark.sim.cascade;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * NLB-style nodes behind the service's zonal DNS, all of them actually healthy. Each is health-checked
 * on a period; a check fails with the propagation backlog's flap probability (the checker sees new
 * targets that have no network state yet). After {@code failsToRemove} failures in a row automatic
 * fail-over takes the node out of DNS if {@link VelocityControl} allows; {@code passesToRestore}
 * passes in a row put it back.
 */
final class LoadBalancerFleet {
    private final EventLoop loop;
    private final SplittableRandom random;
    private final CascadeParameters p;
    private final NetworkPropagation propagation;
    private final VelocityControl velocity;
    private final boolean[] inService;
    private final int[] failsInRow;
    private final int[] passesInRow;
    private int inServiceCount;
    private int inServiceMin;

    LoadBalancerFleet(EventLoop loop, SplittableRandom random, CascadeParameters p, NetworkPropagation propagation,
                      VelocityControl velocity) {
        this.loop = loop;
        this.random = random;
        this.p = p;
        this.propagation = propagation;
        this.velocity = velocity;
        this.inService = new boolean[p.lbNodes()];
        this.failsInRow = new int[p.lbNodes()];
        this.passesInRow = new int[p.lbNodes()];
        Arrays.fill(inService, true);
        this.inServiceCount = p.lbNodes();
        this.inServiceMin = inServiceCount;
        for (int n = 0; n < p.lbNodes(); n++) {
            int node = n;
            loop.after(random.nextLong(p.healthCheckIntervalMs()), () -> check(node));
        }
    }

    private void check(int node) {
        boolean pass = random.nextDouble() >= propagation.flapProbability();
        if (pass) {
            failsInRow[node] = 0;
            passesInRow[node]++;
            if (!inService[node] && passesInRow[node] >= p.passesToRestore()) {
                inService[node] = true;
                inServiceCount++;
            }
        } else {
            passesInRow[node] = 0;
            failsInRow[node]++;
            if (inService[node] && failsInRow[node] >= p.failsToRemove()
                    && velocity.permitRemoval(loop.nowMs(), inServiceCount)) {
                inService[node] = false;
                inServiceCount--;
                inServiceMin = Math.min(inServiceMin, inServiceCount);
            }
        }
        assert inServiceCount >= 0 && inServiceCount <= inService.length;
        loop.after(p.healthCheckIntervalMs(), () -> check(node));
    }

    double capacityInService() {
        return (double) inServiceCount / inService.length;
    }

    double capacityInServiceMin() {
        return (double) inServiceMin / inService.length;
    }
}
