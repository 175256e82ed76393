package io.waymark.core.history;

import io.waymark.core.model.Generation;
import java.util.List;
import java.util.Optional;

/**
 * The first half of a clean-up run: the lowest generation any stamp named, and the plans older than it
 * and outside the retention, ascending. Still to be re-checked by {@link HistoryCleaner#finish}.
 */
public record CleanupScan(Generation oldestServed, List<Generation> candidates, Optional<String> error) {
    public CleanupScan {
        if (oldestServed == null || candidates == null || error == null) throw new IllegalArgumentException("scan parts must not be null");
        candidates = List.copyOf(candidates);
        for (Generation g : candidates) {
            if (oldestServed.value() > 0 && !oldestServed.isAfter(g)) throw new IllegalArgumentException("candidate " + g + " is not older than the oldest served " + oldestServed);
        }
    }
}
