package io.waymark.core.port;

/**
 * A store could not be reached or failed to answer (I/O error, timeout, injected fault). The
 * operation had no effect, or — for a write whose outcome is unknown — callers must re-read before
 * concluding anything. Core catches this at every store call and leaves the work to the next tick.
 */
public class StoreUnavailableException extends RuntimeException {
    public StoreUnavailableException(String message) {
        super(message);
    }

    public StoreUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
