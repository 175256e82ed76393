package io.waymark.sim.invariant;

import io.waymark.core.model.ControlFlags;

/**
 * I7, levers hold: an acknowledged pause or pin is never lost, whatever else writes the flags. Checked
 * at every write of the flags, which is where a lever is lost: a writer that means to change one flag
 * must leave the other as it is in the store at the moment of its write. A stale copy written back
 * (read-modify-write without a compare-and-set: pin read the flags, pause was acknowledged, pin wrote
 * its copy with paused=false) shows as a flag changed by a writer that never meant to touch it.
 * Linearizable by construction: the write is the moment, not the acknowledgement.
 */
public final class LeverInvariant {
    /** The flag an operator action means to change, and to what. */
    public enum Lever {
        PAUSE, RESUME, PIN, UNPIN, NONE;

        boolean allows(ControlFlags before, ControlFlags after) {
            boolean pausedChanged = before.paused() != after.paused();
            boolean pinnedChanged = before.pinned() != after.pinned();
            boolean pausedOk = !pausedChanged || (this == PAUSE && after.paused()) || (this == RESUME && !after.paused());
            boolean pinnedOk = !pinnedChanged || (this == PIN && after.pinned()) || (this == UNPIN && !after.pinned());
            return pausedOk && pinnedOk;
        }
    }

    private boolean reported = false;

    /** A write of the flags by {@code actor} meaning {@code lever}: {@code before} and {@code after} are the stored values around it. */
    public void written(String actor, Lever lever, ControlFlags before, ControlFlags after, long nowMillis, Sink sink) {
        if (lever.allows(before, after) || reported) return;
        reported = true;
        String lost = before.paused() && !after.paused() ? "the pause" : before.pinned() && !after.pinned() ? "the pin"
                : !before.paused() && after.paused() ? "the resume" : "the unpin";
        sink.violate(SystemInvariant.I7_LEVERS_HOLD, "t=" + nowMillis + "ms I7_LEVERS_HOLD: " + lost + " is lost: " + actor + " (" + lever.name().toLowerCase(java.util.Locale.ROOT)
                + ") wrote " + after + " over " + before + " -- a stale copy of a flag it never meant to change");
    }
}
