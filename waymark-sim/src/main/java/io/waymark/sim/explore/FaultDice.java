package io.waymark.sim.explore;

import java.util.HashSet;
import java.util.Set;

/**
 * Decides, inside one run, whether a fault whose chance came up really fires: its kind must be enabled
 * and its index (the how-many-th fault event of the run) not dropped by the shrinker. Counts the fault
 * events, so a shrinker knows which indices exist.
 */
public final class FaultDice {
    private final Schedule schedule;
    private final Set<Integer> dropped;
    private int events = 0;

    public FaultDice(Schedule schedule) {
        this.schedule = schedule;
        this.dropped = new HashSet<>(schedule.dropped());
    }

    public boolean enabled(Fault kind) {
        return schedule.faults().contains(kind);
    }

    /** {@code cameUp}: the seed's draw said "fault here". */
    public boolean fires(Fault kind, boolean cameUp) {
        if (!cameUp || !enabled(kind)) return false;
        return !dropped.contains(events++);
    }

    /** A stall drawn from the seed, scaled by the schedule's stall bound. */
    public long stall(long drawnMillis) {
        return drawnMillis * schedule.stallPercent() / 100;
    }

    public int events() {
        return events;
    }
}
