package io.waymark.sim.invariant;

import java.util.Arrays;
import java.util.List;

/**
 * The invariants the whole-system run checks (DESIGN.md, "Invariants" and "Around the protocol"), by
 * the names findings, targets ({@code --invariant I7}) and replays use. I1–I4 keep the names of core's
 * {@code Invariant} so that a finding reads the same in both runs.
 */
public enum SystemInvariant {
    I1_NEVER_EMPTY("an endpoint that has been served always resolves to at least one address in every address family it has served"),
    I2_MONOTONIC("the generation an endpoint serves never decreases"),
    I3_INTEGRITY("an endpoint's records equal the record set of the plan its stamp names"),
    I4_NO_LIVE_DELETION("no plan that a stamp names is ever deleted"),
    I5_NOTHING_ACKNOWLEDGED_LOST("after a crash and restart a store returns every acknowledged publish and apply, or refuses to open"),
    I6_NO_REUSED_GENERATION("a generation number is handed out once, with one content"),
    I7_LEVERS_HOLD("an acknowledged pause or pin is never lost, whatever else writes the flags"),
    L1_CONVERGENCE("once faults stop, every live endpoint serves the latest plan, the answer follows health and removed endpoints are retired, within the stated bound"),
    L2_NO_STUCK_STATE("no stuck state: some enactor can make progress, a guard refusal does not persist with no newer plan coming, clean-up keeps going"),
    U1_UNKNOWN_IS_NOT_DOWN("a target never observed down never leaves the answer"),
    V1_VELOCITY("at most the window's budget of an endpoint's capacity (or one target, when a target is larger) leaves its answer per window of real time, whatever restarts, clocks and planners do");

    private final String meaning;

    SystemInvariant(String meaning) {
        this.meaning = meaning;
    }

    public String meaning() {
        return meaning;
    }

    public static List<String> names() {
        return Arrays.stream(values()).map(Enum::name).toList();
    }
}
