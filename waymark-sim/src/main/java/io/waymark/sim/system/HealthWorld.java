package io.waymark.sim.system;

import io.waymark.core.model.Target;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The truth about every target's health, changed by the HEALTH fault: one target fails or recovers, one
 * address family of one endpoint fails (its IPv4 targets while its IPv6 ones live) or recovers, an
 * availability zone fails, everything recovers. Planners see it only through their probes
 * ({@link HealthMonitor}). Remembers which targets were ever down, for "unknown is not down".
 */
public final class HealthWorld {
    private final List<Target> targets = SystemFleet.TARGETS;
    private final Map<String, Integer> index = new HashMap<>();
    private final boolean[] down;
    private final boolean[] everDown;
    private long version = 0;

    public HealthWorld() {
        for (int i = 0; i < targets.size(); i++) index.put(targets.get(i).id(), i);
        down = new boolean[targets.size()];
        everDown = new boolean[targets.size()];
    }

    public int size() {
        return targets.size();
    }

    public boolean up(int i) {
        return !down[i];
    }

    public boolean up(String id) {
        return !down[index.get(id)];
    }

    public boolean everDown(String id) {
        Integer i = index.get(id);
        return i != null && everDown[i];
    }

    /** Bumped whenever any target changes. */
    public long version() {
        return version;
    }

    /**
     * One health event drawn from {@code random}; applied only when {@code fires}. Every draw is made
     * either way, so that switching the fault off (shrinking) keeps every later draw in place.
     * Returns a line for the trace, or null when nothing happened.
     */
    public String step(SplittableRandom random, boolean fires) {
        int kind = random.nextInt(8);
        int t = random.nextInt(targets.size());
        int e = random.nextInt(SystemFleet.CATALOGUE.size());
        int family = 1 + random.nextInt(2);
        String az = "az" + (1 + random.nextInt(3));
        if (!fires) return null;
        return switch (kind) {
            case 0, 1 -> set(List.of(targets.get(t)), true, targets.get(t).id() + " fails");
            case 2, 3 -> set(List.of(targets.get(t)), false, targets.get(t).id() + " recovers");
            case 4 -> set(familyOf(e, family), true, "the " + SystemFleet.familyName(family) + " targets of " + SystemFleet.ENDPOINTS.get(e) + " fail");
            case 5 -> set(familyOf(e, family), false, "the " + SystemFleet.familyName(family) + " targets of " + SystemFleet.ENDPOINTS.get(e) + " recover");
            case 6 -> set(targets.stream().filter(x -> x.zone().equals(az)).toList(), true, "availability zone " + az + " fails");
            default -> set(targets, false, "every target recovers");
        };
    }

    private List<Target> familyOf(int endpoint, int family) {
        return SystemFleet.CATALOGUE.get(endpoint).targets().stream().filter(x -> SystemFleet.family(x.address()) == family).toList();
    }

    private String set(List<Target> which, boolean fail, String line) {
        boolean changed = false;
        for (Target x : which) {
            int i = index.get(x.id());
            if (down[i] != fail) changed = true;
            down[i] = fail;
            if (fail) everDown[i] = true;
        }
        if (!changed) return null;
        version++;
        return line;
    }

    public String describeDown() {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < down.length; i++) if (down[i]) b.append(b.isEmpty() ? "" : ",").append(targets.get(i).id());
        return b.isEmpty() ? "none" : b.toString();
    }
}
