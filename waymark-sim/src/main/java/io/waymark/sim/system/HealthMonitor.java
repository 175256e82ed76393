package io.waymark.sim.system;

import io.waymark.core.model.Health;
import io.waymark.core.model.HealthObservations;
import io.waymark.core.model.Target;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * One planner process's health checker: probes each target every 2-4 s, starting at a random phase, so
 * that right after a start or a restart some targets are not yet probed (their health is UNKNOWN, not
 * bad). Lost with the process. The observations handed to the planner name only probed targets (the
 * others are {@link Health#UNKNOWN}); with
 * {@code unknownAsDown} (the old behaviour of issue 7 defect 12, injected on purpose) unprobed targets
 * are reported as failing.
 */
final class HealthMonitor {
    static final long PROBE_MS_MIN = 2_000;
    static final long PROBE_MS_MAX = 4_000;
    /** A fresh process has probed everything after at most this long. */
    static final long FIRST_PROBE_MS_MAX = 6_000;

    private final HealthWorld world;
    private final SplittableRandom random;
    private final boolean unknownAsDown;
    private final long[] nextProbe;
    private final byte[] observed; // 0 unknown, 1 up, 2 down
    private long version = 0;
    private long builtVersion = -1;
    private HealthObservations built = HealthObservations.NONE;

    HealthMonitor(HealthWorld world, SplittableRandom random, long nowMillis, boolean unknownAsDown) {
        this.world = world;
        this.random = random;
        this.unknownAsDown = unknownAsDown;
        nextProbe = new long[world.size()];
        observed = new byte[world.size()];
        for (int i = 0; i < nextProbe.length; i++) nextProbe[i] = nowMillis + random.nextLong(0, FIRST_PROBE_MS_MAX);
    }

    /** Probes every target that is due. */
    void probe(long nowMillis) {
        for (int i = 0; i < nextProbe.length; i++) {
            if (nowMillis < nextProbe[i]) continue;
            byte seen = world.up(i) ? (byte) 1 : (byte) 2;
            if (observed[i] != seen) version++;
            observed[i] = seen;
            nextProbe[i] = nowMillis + random.nextLong(PROBE_MS_MIN, PROBE_MS_MAX + 1);
        }
    }

    boolean probedAll() {
        for (byte b : observed) if (b == 0) return false;
        return true;
    }

    /** Changes whenever what was observed changes. */
    long version() {
        return version;
    }

    HealthObservations observations() {
        if (builtVersion == version) return built;
        List<Target> targets = SystemFleet.TARGETS;
        Map<String, Health> m = new HashMap<>();
        for (int i = 0; i < observed.length; i++) {
            if (observed[i] != 0) m.put(targets.get(i).id(), observed[i] == 1 ? Health.UP : Health.DOWN);
            else if (unknownAsDown) m.put(targets.get(i).id(), Health.DOWN);
        }
        built = new HealthObservations(m);
        builtVersion = version;
        return built;
    }
}
