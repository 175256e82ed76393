package io.waymark.adapters.plan;

import io.waymark.core.model.Endpoint;
import io.waymark.core.model.Generation;
import io.waymark.core.model.PlanDraft;
import io.waymark.core.model.RecordSet;
import io.waymark.core.model.WeightedAddress;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.TreeMap;

/**
 * Measures the heap a reopened {@link FilePlanStore} holds for {@code endpoints} endpoints and
 * {@code retained} retained plans (issue 7, defect 9: "a 100,000-endpoint plan is about 84 MiB of
 * heap and every retained plan stays in memory"). Not a test (it writes a few hundred MB): run by hand,
 * <pre>
 * java -XX:+UseSerialGC -Xmx6g -cp waymark-adapters/target/test-classes:waymark-adapters/target/classes:waymark-core/target/classes:$(cat cp.txt) \
 *     io.waymark.adapters.plan.PlanHeapProbe 100000 20
 * </pre>
 * Measured on the 2-core build machine (plans of 100,000 endpoints with two IPv4 addresses each,
 * 148 MiB of plans.log): 523 MiB of heap with every retained plan in memory (commit 9e49f16), 31 MiB
 * with only the latest (452cacb); reading back the oldest plan then takes 1 to 1.5 s.
 */
public final class PlanHeapProbe {
    private PlanHeapProbe() {}

    static PlanDraft draft(int endpoints, long g) {
        TreeMap<Endpoint, RecordSet> sets = new TreeMap<>();
        for (int i = 0; i < endpoints; i++) {
            String base = "10." + (i >>> 16) + "." + ((i >>> 8) & 255) + ".";
            sets.put(Endpoint.of("e" + i + ".probe.test."), new RecordSet(List.of(
                    WeightedAddress.of(base + (i & 127), 1 + (int) (g % 7)),
                    WeightedAddress.of(base + (128 + (i & 127)), 1 + (int) ((g + i) % 5))), 30));
        }
        return new PlanDraft(sets, false);
    }

    private static long usedHeapBytes() throws InterruptedException {
        for (int i = 0; i < 4; i++) {
            System.gc();
            Thread.sleep(100);
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    private static void write(Path dir, int endpoints, int retained) throws IOException {
        try (FilePlanStore store = FilePlanStore.open(dir)) {
            for (long g = 1; g <= retained; g++) store.publish(Generation.of(g - 1), draft(endpoints, g));
        }
    }

    public static void main(String[] args) throws Exception {
        int endpoints = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        int retained = args.length > 1 ? Integer.parseInt(args[1]) : 20;
        Path dir = Files.createTempDirectory("plan-heap-probe");
        try {
            long t0 = System.nanoTime();
            write(dir, endpoints, retained); // in its own frame, so that nothing it made stays reachable
            System.out.printf("wrote %d plans of %d endpoints in %.1f s; plans.log %d MiB%n", retained, endpoints, (System.nanoTime() - t0) / 1e9, Files.size(dir.resolve(FilePlanStore.LOG_FILE)) >> 20);
            long before = usedHeapBytes();
            long t1 = System.nanoTime();
            FilePlanStore store = FilePlanStore.open(dir);
            double openSeconds = (System.nanoTime() - t1) / 1e9;
            long after = usedHeapBytes();
            long t2 = System.nanoTime();
            int oldest = store.read(Generation.of(1)).orElseThrow().recordSets().size();
            double readSeconds = (System.nanoTime() - t2) / 1e9;
            System.out.printf("reopened in %.1f s: the store holds %d MiB of heap for %d retained plans of %d endpoints; reading the oldest (%d endpoints) took %.2f s%n",
                    openSeconds, (after - before) >> 20, store.history().size(), endpoints, oldest, readSeconds);
            store.close();
        } finally {
            try (var files = Files.list(dir)) {
                for (Path p : files.toList()) Files.delete(p);
            }
            Files.delete(dir);
        }
    }
}
