package io.waymark.adapters.log;

import java.io.IOException;

/**
 * A compaction failed before its rename: the log it was to replace is intact and still in use, so the
 * caller may carry on (and report the failure once) instead of treating its store as failed.
 */
public final class CompactionFailedException extends IOException {
    public CompactionFailedException(String message, IOException cause) {
        super(message, cause);
    }
}
