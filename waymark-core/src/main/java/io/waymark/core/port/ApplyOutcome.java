package io.waymark.core.port;

/** Result of one conditional apply on one endpoint. */
public enum ApplyOutcome {
    /** The stamp was the expected one and older than the new one: records and stamp replaced atomically. */
    APPLIED,
    /** The endpoint already serves a generation at least as new as the one offered: nothing written. */
    SUPERSEDED,
    /** The stamp changed since it was read (and is still older): nothing written; re-read and retry. */
    CONFLICT
}
