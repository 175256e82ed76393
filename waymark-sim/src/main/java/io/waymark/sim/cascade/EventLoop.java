package io.waymark.sim.cascade;

import java.util.PriorityQueue;

/**
 * The cascade's own discrete-event loop: single-threaded, virtual time in milliseconds, events at the
 * same instant run in the order they were scheduled (a sequence number breaks ties), so a run is a
 * pure function of its seed. The queue is bounded: a model that schedules without limit is a bug and
 * fails loudly instead of eating the machine.
 */
final class EventLoop {
    private record Event(long atMs, long seq, Runnable action) {}

    private final PriorityQueue<Event> queue = new PriorityQueue<>((a, b) -> a.atMs != b.atMs
            ? Long.compare(a.atMs, b.atMs) : Long.compare(a.seq, b.seq));
    private final int pendingMax;
    private long nowMs;
    private long seq;
    private long executed;

    EventLoop(int pendingMax) {
        if (pendingMax < 1) throw new IllegalArgumentException("pendingMax must be >= 1");
        this.pendingMax = pendingMax;
    }

    long nowMs() {
        return nowMs;
    }

    long executed() {
        return executed;
    }

    int pending() {
        return queue.size();
    }

    /** Runs {@code action} after {@code delayMs} (>= 0) of virtual time. */
    void after(long delayMs, Runnable action) {
        if (delayMs < 0) throw new IllegalArgumentException("negative delay " + delayMs);
        at(nowMs + delayMs, action);
    }

    void at(long atMs, Runnable action) {
        if (atMs < nowMs) throw new IllegalArgumentException("event in the past: " + atMs + " < " + nowMs);
        if (queue.size() >= pendingMax) {
            throw new IllegalStateException("event queue bound " + pendingMax + " reached at t=" + nowMs + "ms");
        }
        queue.add(new Event(atMs, seq++, action));
    }

    /** Runs every event due at or before {@code endMs}; afterwards the clock reads {@code endMs}. */
    void runUntil(long endMs) {
        while (!queue.isEmpty() && queue.peek().atMs <= endMs) {
            Event e = queue.poll();
            assert e.atMs >= nowMs : "time went backwards";
            nowMs = e.atMs;
            executed++;
            e.action.run();
        }
        nowMs = Math.max(nowMs, endMs);
    }
}
