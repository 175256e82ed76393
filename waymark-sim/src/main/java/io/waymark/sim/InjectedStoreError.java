package io.waymark.sim;

import io.waymark.core.port.StoreUnavailableException;

/**
 * A store failure the simulator injects (a drawn error, a partition). It carries no stack trace: a run
 * throws dozens of them, deep inside nested calls, and filling in their stack traces was a tenth of a
 * whole-system schedule's cost. Nothing reads the trace; the message says what failed.
 */
public final class InjectedStoreError extends StoreUnavailableException {
    public InjectedStoreError(String message) {
        super(message);
    }

    @Override
    public synchronized Throwable fillInStackTrace() {
        return this;
    }
}
