package io.waymark.sim.cascade;

/** How the lease manager gets a lost lease back: what it queues, and what it does when an attempt fails. */
interface RecoveryPolicy {
    /** {@code host} just found its lease expired. */
    void leaseLost(int host);

    /** An attempt for {@code item} ended (the pool calls this). */
    void finished(WorkItem item, Outcome outcome);
}
