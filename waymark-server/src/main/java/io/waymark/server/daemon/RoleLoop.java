package io.waymark.server.daemon;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongFunction;
import java.util.function.LongPredicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drives one role from its own platform thread on {@code System.nanoTime()}: step, then wait for the
 * interval, a wake-up from {@link PlanSignal} (enactors: a plan was published here), or a queued
 * operator task; step again at once while the step says there is more work. The role itself is pure
 * (core/role); this is the only place its time comes from.
 *
 * <p>Operator actions that must not race the role's own steps (a forced publish computes the
 * planner's draft) are queued with {@link #call} and run on this thread between steps. The queue is
 * bounded; a full queue refuses the action rather than letting operators pile up work.
 *
 * <p>Stopping never interrupts the thread: an interrupt landing in {@code FileChannel.force} closes the
 * store's channel (ClosedByInterruptException) and poisons the store mid-write. The loop notices the
 * stop flag within one interval; a running step finishes.
 */
final class RoleLoop implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RoleLoop.class);
    static final int TASKS_MAX = 8;
    static final long STOP_WAIT_MS = 30_000;
    /** Waits are cut into slices so a stop or a task is noticed quickly even without a signal. */
    private static final long WAIT_SLICE_MS = 50;

    private final String name;
    private final long intervalMs;
    private final PlanSignal wake;
    private final LongPredicate step;
    private final ArrayBlockingQueue<Runnable> tasks = new ArrayBlockingQueue<>(TASKS_MAX);
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final Thread thread;

    /**
     * @param wake  signals that end a wait early (null: the interval only)
     * @param step  one step at the given monotonic time; true when there is more work to do at once
     */
    private RoleLoop(String name, long intervalMs, PlanSignal wake, LongPredicate step) {
        if (intervalMs < 1) throw new IllegalArgumentException("intervalMs must be >= 1, got " + intervalMs);
        this.name = name;
        this.intervalMs = intervalMs;
        this.wake = wake;
        this.step = step;
        this.thread = Thread.ofPlatform().daemon().name(name).unstarted(this::run);
    }

    static RoleLoop start(String name, long intervalMs, PlanSignal wake, LongPredicate step) {
        RoleLoop loop = new RoleLoop(name, intervalMs, wake, step);
        loop.thread.start();
        return loop;
    }

    private void run() {
        boolean more = false;
        while (running.get()) {
            long seen = wake == null ? 0 : wake.version();
            runTasks();
            try {
                more = step.test(System.nanoTime());
            } catch (RuntimeException e) {
                // Roles catch their own failures; this is a bug in reporting. Keep the role alive.
                LOG.error("{}: step failed", name, e);
                more = false;
            }
            if (!more) await(seen);
        }
        runTasks(); // a queued caller gets an answer rather than a timeout
    }

    private void runTasks() {
        // Bounded by the queue's capacity at the time of the call.
        for (int i = 0; i < TASKS_MAX; i++) {
            Runnable t = tasks.poll();
            if (t == null) return;
            t.run();
        }
    }

    private void await(long seen) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(intervalMs);
        // Bounded: each slice consumes part of the interval.
        while (running.get() && tasks.isEmpty()) {
            long leftMs = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
            if (leftMs <= 0) return;
            try {
                if (wake != null) {
                    wake.awaitChangeAfter(seen, Math.min(leftMs, WAIT_SLICE_MS));
                    if (wake.version() != seen) return;
                } else {
                    Thread.sleep(Math.min(leftMs, WAIT_SLICE_MS));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /**
     * Runs {@code task} on this role's thread between two steps and returns its result, waiting at
     * most {@code timeoutMs}. IllegalStateException when the loop is stopping, busy, or too slow.
     */
    <T> T call(LongFunction<T> task, long timeoutMs) {
        if (!running.get()) throw new IllegalStateException(name + " is stopping");
        CompletableFuture<T> result = new CompletableFuture<>();
        Runnable r = () -> {
            try {
                result.complete(task.apply(System.nanoTime()));
            } catch (RuntimeException e) {
                result.completeExceptionally(e);
            }
        };
        if (!tasks.offer(r)) throw new IllegalStateException(name + " is busy with " + TASKS_MAX + " queued operator actions; try again");
        if (wake != null) wake.signal();
        try {
            return result.get(timeoutMs, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new IllegalStateException(name + " did not run the action within " + timeoutMs + " ms; it may still run");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) throw re;
            throw new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for " + name);
        }
    }

    /** Stops after the running step (no interrupt, see the class comment), waiting at most {@link #STOP_WAIT_MS}. */
    @Override
    public void close() throws InterruptedException {
        running.set(false);
        if (wake != null) wake.signal();
        thread.join(STOP_WAIT_MS);
        if (thread.isAlive()) LOG.warn("{} still running {} ms after stop", name, STOP_WAIT_MS);
    }
}
