package io.waymark.adapters.health;

import io.waymark.core.model.Health;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs every target's health check on its own jittered schedule and keeps the current view for the
 * planner, which reads it at its own pace ({@link #view()}); nothing here calls the planner.
 *
 * <p>Why the jitter: thousands of targets started together would otherwise be probed in lock-step
 * forever, in bursts that look like an attack to the targets and overload the prober. Each target's
 * first probe is placed uniformly at random within its interval, and every later delay is the
 * interval ±10%, so schedules also drift apart rather than re-aligning.
 *
 * <p>Bounds: one scheduler thread only decides when; probes run on virtual threads, at most
 * {@code concurrencyMax} at once (a semaphore); each target has at most one probe pending or running
 * (the next one is scheduled when the previous ends), so every queue is bounded by the number of
 * targets.
 */
public final class HealthMonitor implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(HealthMonitor.class);
    public static final int CHECKS_MAX = 100_000;
    public static final int CONCURRENCY_MAX = 10_000;
    /** Per-probe jitter, as a fraction of the interval. */
    static final double JITTER_FRACTION = 0.1;

    private final List<HealthCheck> checks;
    private final RandomGenerator random;
    private final Semaphore inFlight;
    private final ScheduledThreadPoolExecutor scheduler;
    private final ExecutorService probes = Executors.newVirtualThreadPerTaskExecutor();
    private final ConcurrentHashMap<String, TargetHealth> health = new ConcurrentHashMap<>();
    private final AtomicLong flips = new AtomicLong();
    private volatile boolean started;
    private volatile boolean closed;

    public HealthMonitor(List<HealthCheck> checks, int concurrencyMax, RandomGenerator random) {
        if (checks == null || checks.size() > CHECKS_MAX) throw new IllegalArgumentException("between 0 and " + CHECKS_MAX + " health checks");
        if (concurrencyMax < 1 || concurrencyMax > CONCURRENCY_MAX) throw new IllegalArgumentException("concurrencyMax must be in 1.." + CONCURRENCY_MAX + ", got " + concurrencyMax);
        if (random == null) throw new IllegalArgumentException("random must not be null");
        Set<String> ids = new HashSet<>();
        for (HealthCheck c : checks) if (!ids.add(c.targetId())) throw new IllegalArgumentException("target " + c.targetId() + " has two health checks");
        this.checks = List.copyOf(checks);
        this.random = random;
        this.inFlight = new Semaphore(concurrencyMax);
        this.scheduler = new ScheduledThreadPoolExecutor(1, r -> Thread.ofPlatform().daemon().name("health-scheduler").unstarted(r));
        scheduler.setRemoveOnCancelPolicy(true);
        for (HealthCheck c : this.checks) health.put(c.targetId(), TargetHealth.UNKNOWN);
    }

    /** Schedules every check's first probe at a random offset within its interval. Call once. */
    public synchronized void start() {
        if (closed) throw new IllegalStateException("health monitor is closed");
        if (started) throw new IllegalStateException("health monitor already started");
        started = true;
        for (HealthCheck c : checks) {
            Duration first;
            synchronized (random) { // shared with probe threads, and generators need not be thread-safe
                first = firstDelay(c.policy().interval(), random);
            }
            schedule(c, first);
        }
        LOG.info("health monitor: {} checks, at most {} probes at once", checks.size(), inFlight.availablePermits());
    }

    /** Uniform in [0, interval): spreads first probes over the whole interval. */
    static Duration firstDelay(Duration interval, RandomGenerator random) {
        return Duration.ofNanos(random.nextLong(interval.toNanos()));
    }

    /** interval ± JITTER_FRACTION, uniform. */
    static Duration nextDelay(Duration interval, RandomGenerator random) {
        long i = interval.toNanos();
        long spread = (long) (i * JITTER_FRACTION);
        return Duration.ofNanos(i - spread + random.nextLong(2 * spread + 1));
    }

    private void schedule(HealthCheck c, Duration delay) {
        if (closed) return;
        try {
            scheduler.schedule(() -> launch(c), delay.toNanos(), TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            // Only happens while closing: nothing more to schedule.
        }
    }

    private void launch(HealthCheck c) {
        if (closed) return;
        try {
            probes.execute(() -> probe(c));
        } catch (RejectedExecutionException e) {
            // Closing.
        }
    }

    private void probe(HealthCheck c) {
        Duration next;
        try {
            inFlight.acquire();
            boolean pass;
            try {
                pass = c.probe().passes(c.policy().timeout());
            } catch (RuntimeException e) {
                LOG.debug("probe of {} threw; counted as a failure", c.targetId(), e);
                pass = false;
            } finally {
                inFlight.release();
            }
            record(c, pass);
        } catch (InterruptedException e) {
            return; // closing
        } finally {
            // The random generator is shared with the scheduler thread: draw under its lock.
            synchronized (random) {
                next = nextDelay(c.policy().interval(), random);
            }
        }
        schedule(c, next);
    }

    private void record(HealthCheck c, boolean pass) {
        TargetHealth before = health.get(c.targetId());
        TargetHealth after = before.observe(pass, c.policy());
        health.put(c.targetId(), after); // one probe per target at a time: no lost update
        if (after.changedFrom(before)) {
            flips.incrementAndGet();
            LOG.info("target {} is now {} ({} consecutive {})", c.targetId(), after.state(),
                    pass ? after.consecutivePasses() : after.consecutiveFails(), pass ? "passes" : "failures");
        }
    }

    /**
     * target id → UP, DOWN or UNKNOWN, for every configured target: a target not probed yet is UNKNOWN,
     * never absent and never down, so the planner keeps it where it is served (DESIGN.md, "Unknown is not down").
     */
    public Map<String, Health> view() {
        Map<String, Health> out = new HashMap<>();
        health.forEach((id, h) -> out.put(id, h.state()));
        return Map.copyOf(out);
    }

    /** Full state of every target, including unknown ones. */
    public Map<String, TargetHealth> details() {
        return Map.copyOf(health);
    }

    /** Increases whenever some target's state flips: lets a reader skip work when nothing changed. */
    public long flips() {
        return flips.get();
    }

    /** Stops scheduling, interrupts running probes and waits (bounded) for them to end. */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) return;
            closed = true;
        }
        scheduler.shutdownNow();
        probes.shutdownNow();
        try {
            Duration longest = Duration.ofSeconds(1);
            for (HealthCheck c : checks) if (c.policy().timeout().compareTo(longest) > 0) longest = c.policy().timeout();
            long waitMs = longest.toMillis() + 1000;
            if (!scheduler.awaitTermination(waitMs, TimeUnit.MILLISECONDS) || !probes.awaitTermination(waitMs, TimeUnit.MILLISECONDS)) {
                LOG.warn("health monitor: probes still running {} ms after close", waitMs);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
