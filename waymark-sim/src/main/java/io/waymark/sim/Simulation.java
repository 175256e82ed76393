package io.waymark.sim;

import io.waymark.core.port.Clock;
import java.util.PriorityQueue;
import java.util.SplittableRandom;

/**
 * Discrete-event, single-threaded simulation: a virtual clock, one bounded event queue ordered by
 * (time, insertion order), and one seed from which all chance is drawn. Nothing here reads the wall
 * clock or spawns threads, so a seed replays the same run event for event.
 */
public final class Simulation {
    public static final int QUEUE_MAX = 100_000;

    private record Event(long atMillis, long seq, String actor, Runnable action) implements Comparable<Event> {
        @Override
        public int compareTo(Event o) {
            int c = Long.compare(atMillis, o.atMillis);
            return c != 0 ? c : Long.compare(seq, o.seq);
        }
    }

    private final long seed;
    private final SplittableRandom random;
    private final PriorityQueue<Event> queue = new PriorityQueue<>();
    private final Trace trace = new Trace();
    private long nowMillis = 0;
    private long seq = 0;
    private long executed = 0;
    private final boolean tracing;

    public Simulation(long seed) {
        this(seed, true);
    }

    /**
     * {@code tracing = false} drops every {@link #log} line unformatted: the explorer runs millions of
     * schedules and only needs the trace of the one it replays (formatting lines is most of a run's cost).
     */
    public Simulation(long seed, boolean tracing) {
        this.seed = seed;
        this.random = new SplittableRandom(seed);
        this.tracing = tracing;
    }

    /** Whether {@link #log} keeps lines; call sites that build costly lines check it first. */
    public boolean tracing() {
        return tracing;
    }

    public long seed() {
        return seed;
    }

    /** The only source of chance. Components that need their own stream take {@link #split()}. */
    public SplittableRandom random() {
        return random;
    }

    /** An independent, deterministic stream (e.g. one per enactor), derived from the seed. */
    public SplittableRandom split() {
        return random.split();
    }

    public Clock clock() {
        return () -> nowMillis;
    }

    public long nowMillis() {
        return nowMillis;
    }

    public Trace trace() {
        return trace;
    }

    public void log(String actor, String what) {
        if (tracing) trace.add(nowMillis, actor, what);
    }

    public void at(long atMillis, String actor, Runnable action) {
        if (atMillis < nowMillis) throw new IllegalArgumentException("cannot schedule in the past: " + atMillis + " < " + nowMillis);
        if (queue.size() >= QUEUE_MAX) throw new IllegalStateException("event queue full (" + QUEUE_MAX + "): a component schedules without bound");
        queue.add(new Event(atMillis, seq++, actor, action));
    }

    public void after(long delayMillis, String actor, Runnable action) {
        if (delayMillis < 0) throw new IllegalArgumentException("negative delay " + delayMillis);
        at(Math.addExact(nowMillis, delayMillis), actor, action);
    }

    /**
     * Runs events until the queue is empty, virtual time passes {@code untilMillis}, or
     * {@code eventsMax} events ran. {@code afterEach} runs after every event (invariant checks).
     * Returns the number of events executed.
     */
    public long run(long untilMillis, long eventsMax, Runnable afterEach) {
        if (running) throw new IllegalStateException("run is not re-entrant; a blocked caller uses block()");
        running = true;
        this.afterEach = afterEach;
        this.eventsLeft = eventsMax;
        this.runUntilMillis = untilMillis;
        try {
            return loop(untilMillis);
        } finally {
            running = false;
        }
    }

    private boolean running = false;
    private Runnable afterEach = () -> {};
    private long eventsLeft = 0;
    private long runUntilMillis = 0;
    private int blockedDepth = 0;
    /** How deep blocked callers may nest (an operator stalled inside a call while another stalls inside its own). */
    public static final int BLOCKED_DEPTH_MAX = 3;

    private long loop(long untilMillis) {
        long ran = 0;
        while (!queue.isEmpty() && eventsLeft > 0 && !stopped) {
            Event e = queue.peek();
            if (e.atMillis() > untilMillis) break;
            queue.poll();
            assert e.atMillis() >= nowMillis : "time went backwards";
            nowMillis = e.atMillis();
            e.action().run();
            ran++;
            executed++;
            eventsLeft--;
            afterEach.run();
        }
        return ran;
    }

    /**
     * The current event's actor is blocked inside a synchronous call (an operator's HTTP request stalled
     * between reading and writing the flags) for {@code millis}: every other event due meanwhile runs now,
     * then virtual time is {@code millis} later and the caller goes on. This is how real code that makes
     * several store calls in one method is interleaved with the rest of the world without threads.
     * Returns false (and does not block) when run() is not active or blocked callers already nest
     * {@value #BLOCKED_DEPTH_MAX} deep.
     */
    public boolean block(long millis) {
        if (millis < 0) throw new IllegalArgumentException("negative block " + millis);
        if (!running || blockedDepth >= BLOCKED_DEPTH_MAX || stopped) return false;
        long until = Math.min(Math.addExact(nowMillis, millis), runUntilMillis);
        blockedDepth++;
        try {
            loop(until);
        } finally {
            blockedDepth--;
        }
        if (!stopped && eventsLeft > 0) nowMillis = Math.max(nowMillis, until);
        return true;
    }

    private boolean stopped = false;

    /** Ends {@link #run} after the current event (the explorer stops a schedule at its first violation). */
    public void stop() {
        stopped = true;
    }

    public boolean stopped() {
        return stopped;
    }

    public long executed() {
        return executed;
    }

    public int pending() {
        return queue.size();
    }
}
