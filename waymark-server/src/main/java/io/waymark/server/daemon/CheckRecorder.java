package io.waymark.server.daemon;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.waymark.adapters.health.Probe;
import io.waymark.server.http.Operations.CheckResult;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Keeps the last few results of every target's health check (for the console's target cards) and
 * times each probe into {@code waymark_health_check_seconds{target, result}}. Wraps a probe; the
 * monitor's own state machine (rise/fall) is untouched.
 */
final class CheckRecorder {
    /** Results kept per target: a minute of history at a 2 s interval, little memory at 100k targets. */
    static final int RESULTS_PER_TARGET_MAX = 30;

    private final MeterRegistry metrics;
    private final Clock clock;
    private final Map<String, ArrayDeque<CheckResult>> recent = new ConcurrentHashMap<>();

    CheckRecorder(MeterRegistry metrics, Clock clock) {
        this.metrics = metrics;
        this.clock = clock;
    }

    Probe recording(String targetId, Probe probe) {
        ArrayDeque<CheckResult> results = recent.computeIfAbsent(targetId, id -> new ArrayDeque<>(RESULTS_PER_TARGET_MAX));
        Timer passed = Timer.builder("waymark_health_check_seconds").tag("target", targetId).tag("result", "pass")
                .description("Health-check probes by target and result, with their latency").register(metrics);
        Timer failed = Timer.builder("waymark_health_check_seconds").tag("target", targetId).tag("result", "fail").register(metrics);
        return timeout -> {
            long start = System.nanoTime();
            boolean pass = false;
            try {
                pass = probe.passes(timeout);
                return pass;
            } finally {
                long took = System.nanoTime() - start;
                (pass ? passed : failed).record(took, TimeUnit.NANOSECONDS);
                synchronized (results) {
                    if (results.size() == RESULTS_PER_TARGET_MAX) results.removeFirst();
                    results.addLast(new CheckResult(clock.instant().toString(), pass, took / 1e6));
                }
            }
        };
    }

    boolean probed(String targetId) {
        ArrayDeque<CheckResult> results = recent.get(targetId);
        if (results == null) return false;
        synchronized (results) {
            return !results.isEmpty();
        }
    }

    List<CheckResult> recent(String targetId) {
        ArrayDeque<CheckResult> results = recent.get(targetId);
        if (results == null) return List.of();
        synchronized (results) {
            return List.copyOf(results);
        }
    }
}
