package io.waymark.sim.system;

import io.waymark.core.invariant.LeverLedger;
import io.waymark.core.invariant.Violation;
import io.waymark.core.model.ControlFlags;
import io.waymark.sim.invariant.Sink;
import io.waymark.sim.invariant.SystemInvariant;

/**
 * I7 through core's {@link LeverLedger}: every operator call on a lever is reported when it starts and when
 * it ends (acknowledged with the value it stored, or not), and the flags are checked after every write of
 * them and after every reopen of the plan store.
 */
final class Levers {
    /** What an operator request means to do to the flags. */
    enum Intent {
        PAUSE(LeverLedger.Lever.PAUSED, true), RESUME(LeverLedger.Lever.PAUSED, false),
        PIN(LeverLedger.Lever.PINNED, true), UNPIN(LeverLedger.Lever.PINNED, false), NONE(null, false);

        final LeverLedger.Lever lever;
        final boolean value;

        Intent(LeverLedger.Lever lever, boolean value) {
            this.lever = lever;
            this.value = value;
        }
    }

    private LeverLedger ledger = LeverLedger.INITIAL;
    private boolean reported = false;

    void started(Intent i) {
        if (i.lever != null) ledger = ledger.started(i.lever);
    }

    void acknowledged(Intent i) {
        if (i.lever != null) ledger = ledger.acknowledged(i.lever, i.value);
    }

    void unacknowledged(Intent i) {
        if (i.lever != null) ledger = ledger.unacknowledged(i.lever);
    }

    void check(ControlFlags read, String after, long nowMillis, Sink sink) {
        if (reported) return;
        for (Violation v : ledger.check(read)) {
            reported = true;
            sink.violate(SystemInvariant.I7_LEVERS_HOLD, "t=" + nowMillis + "ms I7_LEVERS_HOLD after " + after + ": " + v.detail());
            return;
        }
    }
}
