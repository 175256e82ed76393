package io.waymark.sim.cascade;

/**
 * The recovery that collapsed in October 2025: every lost lease is queued at once, a host without a
 * lease keeps re-submitting on a fixed period whatever is already queued for it, and an attempt that
 * timed out (or could not reach the service) goes straight back on the queue.
 */
final class NaiveRecovery implements RecoveryPolicy {
    private final EventLoop loop;
    private final WorkerPool pool;
    private final LeaseManager leases;
    private final long resubmitMs;

    NaiveRecovery(EventLoop loop, WorkerPool pool, LeaseManager leases, CascadeParameters p) {
        this.loop = loop;
        this.pool = pool;
        this.leases = leases;
        this.resubmitMs = p.naiveResubmitMs();
    }

    @Override
    public void leaseLost(int host) {
        resubmit(host, 0);
    }

    private void resubmit(int host, int attempt) {
        if (!leases.establishing(host)) return;
        pool.offer(new WorkItem(host, attempt));
        loop.after(resubmitMs, () -> resubmit(host, attempt + 1));
    }

    @Override
    public void finished(WorkItem item, Outcome outcome) {
        if (outcome == Outcome.DONE) {
            leases.established(item.host());
        } else {
            pool.offer(new WorkItem(item.host(), item.attempt() + 1)); // the blind re-queue
        }
    }
}
