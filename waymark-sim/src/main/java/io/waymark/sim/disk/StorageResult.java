package io.waymark.sim.disk;

import java.util.List;

/**
 * How one {@link StorageRun} ended. {@code REFUSED} is a pass: a store refused to open over damage
 * the disk really did (a flipped bit), with the store's own message in {@code detail}, more often than
 * the operator was willing to repair ({@code repairs}: damaged files moved aside, the run went on).
 */
public record StorageResult(long seed, Outcome outcome, String detail, int steps, int crashes, long bitFlips, int repairs, List<String> damage) {
    public enum Outcome { CLEAN, REFUSED, VIOLATION }

    public StorageResult {
        damage = List.copyOf(damage);
    }

    public boolean violated() {
        return outcome == Outcome.VIOLATION;
    }

    @Override
    public String toString() {
        return "seed " + seed + ": " + outcome + " after " + steps + " steps, " + crashes + " crashes, " + bitFlips + " bit flips, " + repairs + " repairs" + (detail.isEmpty() ? "" : ": " + detail) + (damage.isEmpty() ? "" : " " + damage);
    }
}
