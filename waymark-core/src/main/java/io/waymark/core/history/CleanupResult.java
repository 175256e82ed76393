package io.waymark.core.history;

import io.waymark.core.model.Generation;
import java.util.List;
import java.util.Optional;

/**
 * What one clean-up run did.
 *
 * @param oldestServed   lowest generation any stamp named in the scan ({@link Generation#ZERO} if no stamp named any)
 * @param deleted        generations deleted by this run, ascending
 * @param keptUnserved   candidates kept because one of their endpoints served nothing newer (absent or
 *                       unreadable stamp): a stale enactor could still land that plan there
 * @param errors         StoreUnavailableExceptions met (the run stops at the first one)
 * @param error          the first error's message
 */
public record CleanupResult(Generation oldestServed, List<Generation> deleted, int keptUnserved, int errors, Optional<String> error) {
    public CleanupResult {
        if (oldestServed == null || deleted == null || error == null) throw new IllegalArgumentException("cleanup result parts must not be null");
        deleted = List.copyOf(deleted);
    }
}
