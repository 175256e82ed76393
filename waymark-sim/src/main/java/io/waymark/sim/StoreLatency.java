package io.waymark.sim;

import io.waymark.core.port.StoreUnavailableException;

/**
 * Shared by the simulated stores: draws each call's latency and fault from the simulation's seed.
 * Calls are synchronous in a single-threaded simulation, so latency is accumulated here and the
 * calling actor schedules its next step that much later ({@link #takeCharged()}).
 */
public final class StoreLatency {
    private final Simulation sim;
    private final String storeName;
    private StoreFaults faults;
    private long chargedMillis = 0;
    private long calls = 0;
    private long failures = 0;

    public StoreLatency(Simulation sim, String storeName, StoreFaults faults) {
        this.sim = sim;
        this.storeName = storeName;
        this.faults = faults;
    }

    public void setFaults(StoreFaults faults) {
        this.faults = faults;
    }

    /** Call before every store operation: charges latency, and may throw the injected error. */
    public void call(String operation) {
        call(operation, "");
    }

    /** Same, with the operation's argument apart: the line is only built when the run is traced. */
    public void call(String operation, Object argument) {
        calls++;
        long latency = faults.latencyMsMax() == 0 ? 0 : sim.random().nextLong(faults.latencyMsMin(), faults.latencyMsMax() + 1);
        if (faults.slowProbability() > 0 && sim.random().nextDouble() < faults.slowProbability()) {
            latency += faults.slowLatencyMs();
            if (sim.tracing()) sim.log(storeName, "slow " + operation + argument + " (+" + faults.slowLatencyMs() + " ms)");
        }
        chargedMillis += latency;
        if (faults.errorProbability() > 0 && sim.random().nextDouble() < faults.errorProbability()) {
            failures++;
            if (sim.tracing()) sim.log(storeName, "injected error on " + operation + argument);
            throw new InjectedStoreError(storeName + ": injected error on " + operation + argument);
        }
    }

    /** Latency accumulated since the last call, reset to zero. */
    public long takeCharged() {
        long c = chargedMillis;
        chargedMillis = 0;
        return c;
    }

    public long calls() {
        return calls;
    }

    public long failures() {
        return failures;
    }
}
