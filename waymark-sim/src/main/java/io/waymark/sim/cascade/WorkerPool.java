package io.waymark.sim.cascade;

import java.util.ArrayDeque;
import java.util.SplittableRandom;
import java.util.function.BiConsumer;
import java.util.function.IntFunction;

/**
 * The lease manager's capacity-limited worker pool with its (bounded) queue. The cost of an attempt
 * grows with the work outstanding when it starts — contention on the shared state the attempts touch
 * — which is what makes the system metastable: once outstanding work pushes every attempt past its
 * timeout, no attempt finishes, and a policy that re-queues timed-out work keeps it there.
 */
final class WorkerPool {
    private final EventLoop loop;
    private final SplittableRandom random;
    private final CascadeParameters p;
    private final IntFunction<CachingResolver> resolverOfHost;
    private final ArrayDeque<WorkItem> queue = new ArrayDeque<>();
    private BiConsumer<WorkItem, Outcome> listener = (item, outcome) -> { };
    private int busy;
    private int queueDepthPeak;
    private long dropped;

    WorkerPool(EventLoop loop, SplittableRandom random, CascadeParameters p, IntFunction<CachingResolver> resolverOfHost) {
        this.loop = loop;
        this.random = random;
        this.p = p;
        this.resolverOfHost = resolverOfHost;
    }

    void onFinished(BiConsumer<WorkItem, Outcome> listener) {
        this.listener = listener;
    }

    /** Enqueues {@code item}; false (and counted as dropped) when the queue is at its bound. */
    boolean offer(WorkItem item) {
        if (queue.size() >= p.queueBound()) {
            dropped++;
            return false;
        }
        queue.addLast(item);
        queueDepthPeak = Math.max(queueDepthPeak, queue.size());
        dispatch();
        return true;
    }

    int queueDepth() {
        return queue.size();
    }

    int queueDepthPeak() {
        return queueDepthPeak;
    }

    long dropped() {
        return dropped;
    }

    private void dispatch() {
        while (busy < p.workers() && !queue.isEmpty()) {
            WorkItem item = queue.pollFirst();
            busy++;
            start(item);
        }
        assert busy <= p.workers() && busy >= 0;
    }

    private void start(WorkItem item) {
        int outstanding = queue.size() + busy;
        long latencyMs = Math.round(p.attemptBaseLatencyMs() * (1.0 + (double) outstanding / p.contentionScale())
                * (0.8 + 0.4 * random.nextDouble()));
        Outcome outcome;
        long durationMs;
        if (resolverOfHost.apply(item.host()).resolve(loop.nowMs()).empty()) {
            outcome = Outcome.UNREACHABLE;
            durationMs = p.unreachableFailMs();
        } else if (latencyMs > p.attemptTimeoutMs()) {
            outcome = Outcome.TIMED_OUT;
            durationMs = p.attemptTimeoutMs();
        } else {
            outcome = Outcome.DONE;
            durationMs = latencyMs;
        }
        loop.after(durationMs, () -> {
            busy--;
            listener.accept(item, outcome);
            dispatch();
        });
    }
}
