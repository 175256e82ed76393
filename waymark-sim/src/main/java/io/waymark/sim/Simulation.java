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
        long ran = 0;
        while (!queue.isEmpty() && ran < eventsMax && !stopped) {
            Event e = queue.peek();
            if (e.atMillis() > untilMillis) break;
            queue.poll();
            assert e.atMillis() >= nowMillis : "time went backwards";
            nowMillis = e.atMillis();
            e.action().run();
            ran++;
            executed++;
            afterEach.run();
        }
        return ran;
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
