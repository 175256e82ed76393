package io.waymark.core.invariant;

import io.waymark.core.model.ControlFlags;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * I7 as a pure check over observations: an acknowledged pause or pin is never lost, whatever else writes
 * the flags (the other lever, a rollback that pins, a crash and restart of the plan store).
 *
 * <p>The simulator reports each operator call on a lever: {@link #started} when it begins,
 * {@link #acknowledged} when it returns success having stored a value, {@link #unacknowledged} when it
 * fails or its outcome is unknown (then the lever is not judged until its next acknowledgement). After
 * every event it checks the flags the plan store returns: a lever with no call in flight and a known
 * acknowledged value must read as that value. An immutable value.
 *
 * @param acknowledged the last acknowledged value of each lever (absent: never acknowledged, or unknown
 *                     since an unacknowledged call)
 * @param inFlight     calls on each lever begun and not yet ended
 */
public record LeverLedger(Map<Lever, Boolean> acknowledged, Map<Lever, Integer> inFlight) {
    /** The two operator levers kept in the control flags. */
    public enum Lever {
        /** The kill switch: enactors write nothing. */
        PAUSED,
        /** The planner publishes nothing. */
        PINNED;

        boolean in(ControlFlags flags) {
            return this == PAUSED ? flags.paused() : flags.pinned();
        }
    }

    /** A fresh plan store: both levers off, nothing in flight. */
    public static final LeverLedger INITIAL = new LeverLedger(Map.of(Lever.PAUSED, false, Lever.PINNED, false), Map.of());

    public LeverLedger {
        if (acknowledged == null || inFlight == null) throw new IllegalArgumentException("lever ledger parts must not be null");
        EnumMap<Lever, Boolean> a = new EnumMap<>(Lever.class);
        a.putAll(acknowledged);
        EnumMap<Lever, Integer> f = new EnumMap<>(Lever.class);
        inFlight.forEach((lever, n) -> {
            if (n < 0) throw new IllegalArgumentException("calls in flight on " + lever + " must be >= 0, got " + n);
            if (n > 0) f.put(lever, n);
        });
        acknowledged = Collections.unmodifiableMap(a);
        inFlight = Collections.unmodifiableMap(f);
    }

    public LeverLedger started(Lever lever) {
        EnumMap<Lever, Integer> f = new EnumMap<>(Lever.class);
        f.putAll(inFlight);
        f.merge(lever, 1, Integer::sum);
        return new LeverLedger(acknowledged, f);
    }

    /** A call on {@code lever} returned success: the store now holds {@code value} for it. */
    public LeverLedger acknowledged(Lever lever, boolean value) {
        EnumMap<Lever, Boolean> a = new EnumMap<>(Lever.class);
        a.putAll(acknowledged);
        a.put(lever, value);
        return new LeverLedger(a, ended(lever));
    }

    /** A call on {@code lever} failed or timed out: it may or may not have been stored. */
    public LeverLedger unacknowledged(Lever lever) {
        EnumMap<Lever, Boolean> a = new EnumMap<>(Lever.class);
        a.putAll(acknowledged);
        a.remove(lever);
        return new LeverLedger(a, ended(lever));
    }

    private Map<Lever, Integer> ended(Lever lever) {
        int n = inFlight.getOrDefault(lever, 0);
        if (n == 0) throw new IllegalStateException("a call on " + lever + " ended that never started");
        EnumMap<Lever, Integer> f = new EnumMap<>(Lever.class);
        f.putAll(inFlight);
        f.put(lever, n - 1);
        return f;
    }

    /** The violations the flags read now show: each lever with nothing in flight reads as acknowledged. */
    public List<Violation> check(ControlFlags read) {
        List<Violation> out = new ArrayList<>();
        for (Lever lever : Lever.values()) {
            Boolean expected = acknowledged.get(lever);
            if (expected == null || inFlight.containsKey(lever)) continue;
            if (lever.in(read) != expected) {
                out.add(Violation.global(Invariant.I7_LEVERS_HOLD, "acknowledged " + lever + "=" + expected + " lost: the plan store now says " + read));
            }
        }
        return out;
    }
}
