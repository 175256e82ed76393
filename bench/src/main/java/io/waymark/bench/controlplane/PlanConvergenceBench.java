package io.waymark.bench.controlplane;

import io.waymark.core.model.Generation;
import io.waymark.core.port.PublishOutcome;
import io.waymark.core.port.RecordStore;
import io.waymark.server.daemon.Daemon;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;
import java.util.stream.IntStream;

/**
 * Issue 3, benchmark (i): publish a plan that changes every one of 100,000 endpoints, and time until
 * the DNS server answers the new plan for every one of them. The real daemon: durable file plan store,
 * embedded durable record store with group commit, 3 enactors, the DNS server.
 *
 * <p>Two ways to see "answers": (a) the record store's {@code read()}, which switches an endpoint only
 * after the DNS snapshot holding it was swapped in, polled over the endpoints still pending; (b) UDP
 * queries on the wire for the endpoints still pending, pass after pass. (b) includes the time to ask
 * 100,000 questions on the same two cores, so it is an upper bound; (a) is the figure. Every round is
 * then verified by querying all 100,000 endpoints over UDP.
 *
 * <p>Usage: PlanConvergenceBench [endpoints=100000] [rounds=3] [enactorTickMs=100] [endpointsPerTickMax=10000] [udpTimedRounds=rounds]
 */
public final class PlanConvergenceBench {
    private static final long TIMEOUT_MS = 120_000;
    private static final long CHECK_PAUSE_MS = 20;

    private PlanConvergenceBench() {}

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        long tickMs = args.length > 2 ? Long.parseLong(args[2]) : 100;
        // The configuration default (waymark.yaml enactors.endpointsPerTickMax): bounded work per tick.
        int perTick = args.length > 3 ? Integer.parseInt(args[3]) : 10_000;
        int wireRounds = args.length > 4 ? Integer.parseInt(args[4]) : rounds;
        Path data = Files.createTempDirectory("waymark-bench-converge");
        BenchFleet.pin(data);
        System.out.printf("plan convergence: %d endpoints, 3 enactors (tick %d ms, up to %d endpoints per tick), data in %s%n", n, tickMs, perTick, data);
        try (Daemon d = Daemon.start(BenchFleet.config(data, n, tickMs, perTick), Optional.empty());
             UdpQuerier udp = new UdpQuerier(d.dnsPort())) {
            byte[][] queries = new byte[n][];
            for (int i = 0; i < n; i++) queries[i] = UdpQuerier.query(BenchFleet.name(i), 0);
            int[] all = IntStream.range(0, n).toArray();
            io.waymark.core.model.Endpoint[] endpoints = new io.waymark.core.model.Endpoint[n];
            for (int i = 0; i < n; i++) endpoints[i] = BenchFleet.endpoint(i);

            long[] converged = new long[rounds + wireRounds];
            for (int round = 0; round <= rounds + wireRounds; round++) {
                long version = round + 1;
                boolean wireTimed = round > rounds;
                var draft = BenchFleet.draft(BenchFleet.recordSets(n, version), true);
                long t0 = System.nanoTime();
                PublishOutcome o = d.planStore().publish(Generation.of(version - 1), draft);
                if (!(o instanceof PublishOutcome.Published p)) throw new IllegalStateException("publish: " + o);
                long published = System.nanoTime();
                long served = wireTimed ? awaitByWire(udp, queries, all, version) : awaitByRead(d.recordStore(), endpoints, version);
                long done = System.nanoTime();
                int[] wrong = udp.stillDifferent(queries, all, i -> BenchFleet.address(i, version));
                long verified = System.nanoTime();
                String what = round == 0 ? "initial fill" : wireTimed ? "change all, timed by UDP polling" : "change all, timed by record store reads";
                System.out.printf("  g%-2d %-40s publish %6.1f ms, all %d answer the new plan after %7.1f ms; UDP check of all: %d wrong (%.0f ms)%n",
                        version, what, ms(published - t0), n, ms(done - t0), wrong.length, ms(verified - done));
                if (wrong.length > 0) throw new IllegalStateException(wrong.length + " endpoints answer something else, e.g. " + BenchFleet.name(wrong[0]));
                if (round > 0) converged[round - 1] = done - t0;
                if (served < 0) throw new IllegalStateException("unreachable");
            }
            long[] byRead = Arrays.copyOfRange(converged, 0, rounds);
            Arrays.sort(byRead);
            System.out.printf("RESULT plan-convergence endpoints=%d median_ms=%.1f min_ms=%.1f max_ms=%.1f (record store reads; target < 2000)%n",
                    n, ms(byRead[rounds / 2]), ms(byRead[0]), ms(byRead[rounds - 1]));
        } finally {
            deleteTree(data);
        }
    }

    /** Polls the endpoints still pending until every one reads {@code version}'s generation. */
    private static long awaitByRead(RecordStore store, io.waymark.core.model.Endpoint[] endpoints, long generation) throws InterruptedException {
        int n = endpoints.length;
        int[] pending = IntStream.range(0, n).toArray();
        int count = n;
        long deadline = System.currentTimeMillis() + TIMEOUT_MS;
        while (count > 0) {
            if (System.currentTimeMillis() > deadline) throw new IllegalStateException(count + " endpoints not served after " + TIMEOUT_MS + " ms");
            int kept = 0;
            for (int k = 0; k < count; k++) {
                int i = pending[k];
                if (store.read(endpoints[i]).stamp().generation().value() != generation) pending[kept++] = i;
            }
            count = kept;
            // Every pass reads all pending stamps: pause between passes so the checker does not take
            // the CPU the enactors need (the figure is late by at most this pause plus one pass).
            if (count > 0) Thread.sleep(CHECK_PAUSE_MS);
        }
        return System.nanoTime();
    }

    private static long awaitByWire(UdpQuerier udp, byte[][] queries, int[] all, long version) throws Exception {
        int[] pending = all;
        long deadline = System.currentTimeMillis() + TIMEOUT_MS;
        while (pending.length > 0) {
            if (System.currentTimeMillis() > deadline) throw new IllegalStateException(pending.length + " endpoints not answering after " + TIMEOUT_MS + " ms");
            pending = udp.stillDifferent(queries, pending, i -> BenchFleet.address(i, version));
        }
        return System.nanoTime();
    }

    static double ms(long nanos) {
        return nanos / 1e6;
    }

    static void deleteTree(Path dir) throws java.io.IOException {
        try (var s = Files.walk(dir)) {
            s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
