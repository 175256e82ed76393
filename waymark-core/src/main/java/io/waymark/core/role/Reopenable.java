package io.waymark.core.role;

import java.util.Optional;

/**
 * The port the {@link StoreSupervisor} watches and heals: one store that fails for good on an I/O
 * error (a failed fsync cannot be retried, PostgreSQL's lesson) and recovers only by being closed and
 * opened again, which re-reads exactly what is durable. The daemon implements it over the embedded
 * stores, the simulator over its simulated disk.
 */
public interface Reopenable {
    /** A short name for logs, metrics and status ("plans", "records"). */
    String name();

    /** Why the store is failed now, or empty while it works. Cheap: asked at every supervisor step. */
    Optional<String> failure();

    /**
     * Closes the failed store and opens it again. Called only while {@link #failure()} is present.
     * Never throws: the outcome says whether it worked, and if not whether retrying can help.
     */
    Outcome reopen();

    /** What one reopen attempt did. */
    sealed interface Outcome {
        /** Open again and serving the durable state. */
        record Reopened() implements Outcome {}

        /** The cause has not cleared (disk still full, device still failing): try again later. */
        record StillFailing(String why) implements Outcome {}

        /**
         * The store refuses to open because its data is damaged (a corrupt log): retrying will not
         * help until an operator acts. {@code what} names the file and offset, {@code whatToDo} the fix.
         */
        record Damaged(String what, String whatToDo) implements Outcome {}
    }
}
