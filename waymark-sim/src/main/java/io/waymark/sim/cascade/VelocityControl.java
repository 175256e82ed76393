package io.waymark.sim.cascade;

import java.util.ArrayDeque;

/**
 * Decides whether automatic fail-over may take one more load balancer node out of DNS. Off: always
 * (what removed healthy capacity in October 2025). On: at most a fraction of all capacity per
 * sliding window, and never below a floor — when "everything is failing", the checks are more likely
 * wrong than the fleet, so the answer fails open.
 */
final class VelocityControl {
    private final boolean enabled;
    private final long windowMs;
    private final int removalsPerWindowMax;
    private final int inServiceMin;
    private final ArrayDeque<Long> removalTimesMs = new ArrayDeque<>();

    VelocityControl(boolean enabled, CascadeParameters p) {
        this.enabled = enabled;
        this.windowMs = p.velocityWindowMs();
        this.removalsPerWindowMax = Math.max(1, (int) Math.floor(p.velocityMaxRemovalFraction() * p.lbNodes()));
        this.inServiceMin = (int) Math.ceil(p.capacityFloorFraction() * p.lbNodes());
    }

    /** Asks to remove one node while {@code inService} are in service; records the removal when allowed. */
    boolean permitRemoval(long nowMs, int inService) {
        if (!enabled) return true;
        while (!removalTimesMs.isEmpty() && removalTimesMs.peekFirst() <= nowMs - windowMs) removalTimesMs.pollFirst();
        if (removalTimesMs.size() >= removalsPerWindowMax || inService - 1 < inServiceMin) return false;
        removalTimesMs.addLast(nowMs);
        assert removalTimesMs.size() <= removalsPerWindowMax;
        return true;
    }
}
