package io.waymark.sim.cascade;

/**
 * The recovery INCIDENT.md's lesson 6 asks for: work is admitted only while the queue is shorter than
 * a depth at which an attempt still beats its timeout; a refused or failed attempt is retried by its
 * host after jittered exponential backoff and only with a token from a shared retry budget; a
 * timed-out attempt is never re-queued behind the host's back.
 */
final class ThrottledRecovery implements RecoveryPolicy {
    private final EventLoop loop;
    private final WorkerPool pool;
    private final LeaseManager leases;
    private final Backoff backoff;
    private final RetryBudget budget;
    private final int admitQueueDepth;

    ThrottledRecovery(EventLoop loop, WorkerPool pool, LeaseManager leases, Backoff backoff, RetryBudget budget,
                      CascadeParameters p) {
        this.loop = loop;
        this.pool = pool;
        this.leases = leases;
        this.backoff = backoff;
        this.budget = budget;
        this.admitQueueDepth = p.admitQueueDepth();
    }

    @Override
    public void leaseLost(int host) {
        attempt(new WorkItem(host, 0));
    }

    private void attempt(WorkItem item) {
        if (!leases.establishing(item.host())) return;
        boolean allowed = item.attempt() == 0 || budget.tryTake(loop.nowMs());
        if (allowed && pool.queueDepth() < admitQueueDepth && pool.offer(item)) return;
        retryLater(item);
    }

    private void retryLater(WorkItem item) {
        WorkItem next = new WorkItem(item.host(), item.attempt() + 1);
        loop.after(backoff.delayMs(next.attempt()), () -> attempt(next));
    }

    @Override
    public void finished(WorkItem item, Outcome outcome) {
        if (outcome == Outcome.DONE) {
            leases.established(item.host());
        } else {
            retryLater(item);
        }
    }
}
