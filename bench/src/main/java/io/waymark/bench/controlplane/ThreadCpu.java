package io.waymark.bench.controlplane;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Map;
import java.util.TreeMap;

/**
 * CPU time of this process's live threads, summed by role (the thread name without its number:
 * "enactor-2" counts as "enactor"), from the JVM's per-thread CPU clocks. A benchmark reads it before
 * and after its measured part and reports CPU per operation by role, which stays steady on busy
 * cores where wall-clock latency does not. Threads that ended in between are not counted.
 */
final class ThreadCpu {
    private ThreadCpu() {}

    /** Nanoseconds of CPU (user + system) by role, now. */
    static Map<String, Long> byRole() {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        if (!threads.isThreadCpuTimeSupported()) return Map.of();
        Map<String, Long> out = new TreeMap<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            long nanos = threads.getThreadCpuTime(t.threadId());
            if (nanos > 0) out.merge(role(t.getName()), nanos, Long::sum);
        }
        return out;
    }

    /** CPU by role since {@code before} (a {@link #byRole} result). */
    static Map<String, Long> since(Map<String, Long> before) {
        Map<String, Long> out = new TreeMap<>();
        byRole().forEach((role, nanos) -> out.put(role, nanos - before.getOrDefault(role, 0L)));
        return out;
    }

    /** "enactor 123.4, main 56.7, …, all 300.1" in microseconds per operation, largest roles first. */
    static String perUpdate(Map<String, Long> cpu, int operations) {
        StringBuilder out = new StringBuilder();
        long all = 0;
        var sorted = cpu.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).toList();
        for (Map.Entry<String, Long> e : sorted) {
            all += e.getValue();
            if (e.getValue() / operations < 1_000) continue; // below 1 us per operation: noise
            out.append(String.format("%s %.1f, ", e.getKey(), e.getValue() / 1e3 / operations));
        }
        return out.append(String.format("all %.1f", all / 1e3 / operations)).toString();
    }

    private static String role(String threadName) {
        return threadName.replaceAll("[-#]?\\d+$", "").replaceAll("-\\d+-$", "");
    }
}
