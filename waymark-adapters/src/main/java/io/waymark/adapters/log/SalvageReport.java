package io.waymark.adapters.log;

import java.util.List;

/**
 * What {@link AppendLog#salvage} read from a possibly damaged log: how many entries passed their
 * checksums, which byte ranges were skipped and why, and how many bytes of a torn tail were ignored.
 * {@code damage} is empty for an undamaged log (at most {@link #DAMAGE_RANGES_MAX} ranges are listed).
 */
public record SalvageReport(String file, long entriesRead, List<Damage> damage, long tornTailBytes) {
    public static final int DAMAGE_RANGES_MAX = 1000;

    public record Damage(long offset, long lengthBytes, String reason) {}

    public SalvageReport {
        damage = List.copyOf(damage);
    }

    public boolean damaged() {
        return !damage.isEmpty();
    }
}
