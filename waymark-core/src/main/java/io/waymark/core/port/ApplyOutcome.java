package io.waymark.core.port;

/** Result of one conditional apply on one endpoint. */
public enum ApplyOutcome {
    /** The stamp was the expected one and older than the new one: records and stamp replaced atomically. */
    APPLIED,
    /**
     * The endpoint already serves a generation at least as new as the one offered, or once served a
     * newer one than offered (its high-water generation; e.g. its stamp was lost since): nothing written.
     */
    SUPERSEDED,
    /** The stamp changed since it was read (and is still older): nothing written; re-read and retry. */
    CONFLICT
}
