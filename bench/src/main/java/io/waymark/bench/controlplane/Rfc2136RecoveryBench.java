package io.waymark.bench.controlplane;

import io.waymark.adapters.rfc2136.LocalDnsServer;
import io.waymark.adapters.rfc2136.Rfc2136RecordStore;
import io.waymark.adapters.rfc2136.Rfc2136Settings;
import io.waymark.adapters.rfc2136.TsigKey;
import io.waymark.core.enactor.Enactor;
import io.waymark.core.enactor.EnactorConfig;
import io.waymark.core.memory.InMemoryPlanStore;
import io.waymark.core.model.Endpoint;
import io.waymark.core.model.Generation;
import io.waymark.core.model.Plan;
import io.waymark.core.model.PlanDraft;
import io.waymark.core.model.RecordSet;
import io.waymark.core.model.WeightedAddress;
import io.waymark.core.port.PublishOutcome;
import io.waymark.core.port.StoreUnavailableException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Recovery admission, measured (issue 8, the DWFM lesson): three enactors, each with its own RFC 2136
 * store (as three daemons would be), apply a plan changing N endpoints into a real server; once part of
 * it landed the server is stopped with SIGSTOP for P seconds and resumed with SIGCONT. Prints the UPDATE
 * messages per second the enactors sent in each second of the minute after (which must stay under the sum
 * of their ceilings, {@code updatesPerSecondMax} each) and the time from SIGCONT until every endpoint
 * serves the plan (read from the server by a separate store).
 *
 * <p>Arguments: {@code [endpoints=10000] [pauseSeconds=30] [server=bind|knot|pdns] [updatesPerSecondMax=50]}.
 */
public final class Rfc2136RecoveryBench {
    private static final int ENACTORS = 3;

    private Rfc2136RecoveryBench() {}

    public static void main(String[] args) throws Exception {
        int endpoints = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        int pauseSeconds = args.length > 1 ? Integer.parseInt(args[1]) : 30;
        LocalDnsServer.Kind kind = LocalDnsServer.Kind.valueOf(args.length > 2 ? args[2].toUpperCase(Locale.ROOT) : "BIND");
        int ceiling = args.length > 3 ? Integer.parseInt(args[3]) : 50;
        Path dir = Files.createTempDirectory("waymark-rfc2136-recovery-");
        try (LocalDnsServer server = LocalDnsServer.start(kind, dir)) {
            Rfc2136Settings settings = Rfc2136Settings.defaults(server.address(), LocalDnsServer.ZONE, TsigKey.fromBase64(LocalDnsServer.KEY_NAME, "hmac-sha256", server.secret()))
                    .withUpdatesPerSecondMax(ceiling);
            run(server, settings, endpoints, pauseSeconds, ceiling);
        }
    }

    private static void run(LocalDnsServer server, Rfc2136Settings settings, int endpoints, int pauseSeconds, int ceiling) throws Exception {
        InMemoryPlanStore plans = new InMemoryPlanStore();
        List<Rfc2136RecordStore> stores = new ArrayList<>();
        List<Enactor> enactors = new ArrayList<>();
        for (int i = 0; i < ENACTORS; i++) {
            Rfc2136RecordStore s = Rfc2136RecordStore.open(settings, new SplittableRandom(i), Rfc2136RecordStore.DriftListener.NONE);
            stores.add(s);
            enactors.add(new Enactor("e" + i, plans, s, new SplittableRandom(100 + i), EnactorConfig.DEFAULTS.withApplyBatchSize(512).withChangeThreshold(1.0, 0)));
        }
        Rfc2136RecordStore observer = Rfc2136RecordStore.open(settings.withReadRefreshMs(500, 5_000), new SplittableRandom(9), Rfc2136RecordStore.DriftListener.NONE);
        AtomicBoolean stop = new AtomicBoolean();
        List<Thread> threads = new ArrayList<>();
        for (Enactor e : enactors) {
            threads.add(Thread.ofPlatform().name(e.id()).daemon(true).start(() -> {
                while (!stop.get()) {
                    e.tick();
                    try {
                        Thread.sleep(50);
                    } catch (InterruptedException x) {
                        return;
                    }
                }
            }));
        }
        TreeMap<Endpoint, RecordSet> m = new TreeMap<>();
        for (int i = 0; i < endpoints; i++) {
            m.put(Endpoint.of("r" + i + "." + LocalDnsServer.ZONE), RecordSet.of(30, WeightedAddress.of("10." + (i >> 16 & 255) + "." + (i >> 8 & 255) + "." + (i & 255), 1)));
        }
        long start = System.nanoTime();
        Plan plan = ((PublishOutcome.Published) plans.publish(Generation.ZERO, new PlanDraft(m, true))).plan();
        int target = Math.max(1, endpoints / 10);
        while (landed(observer, plan) < target) Thread.sleep(100);
        int before = landed(observer, plan);
        server.pause();
        long pausedAt = System.nanoTime();
        long sentAtPause = sent(stores);
        long exchangesAtPause = exchanges(stores);
        System.out.printf(Locale.ROOT, "SIGSTOP after %.1f s with %d of %d endpoints landed; paused for %d s%n", (pausedAt - start) / 1e9, before, endpoints, pauseSeconds);
        Thread.sleep(pauseSeconds * 1000L);
        long sentWhilePaused = sent(stores) - sentAtPause;
        long exchangesWhilePaused = exchanges(stores) - exchangesAtPause;
        server.resume();
        long resumedAt = System.nanoTime();
        // Sampled on a thread of its own, once a second, against the clock: the convergence check reads 10,000
        // endpoints and must not stretch the buckets.
        List<double[]> samples = new java.util.concurrent.CopyOnWriteArrayList<>();
        Thread sampler = Thread.ofPlatform().daemon(true).start(() -> {
            long prevSent = sent(stores);
            long prevAt = resumedAt;
            for (int second = 1; second <= 60; second++) {
                long due = resumedAt + second * 1_000_000_000L;
                try {
                    Thread.sleep(Math.max(0, (due - System.nanoTime()) / 1_000_000));
                } catch (InterruptedException x) {
                    return;
                }
                long now = System.nanoTime();
                long sentNow = sent(stores);
                samples.add(new double[] {(sentNow - prevSent) / ((now - prevAt) / 1e9)});
                prevSent = sentNow;
                prevAt = now;
            }
        });
        long converged = -1;
        while (System.nanoTime() - resumedAt < 120_000_000_000L && converged < 0) {
            if (landedOrZero(observer, plan) == endpoints) converged = System.nanoTime() - resumedAt;
            else Thread.sleep(200);
        }
        sampler.join(90_000);
        stop.set(true);
        for (Thread t : threads) t.join(30_000);
        double max = 0;
        double total = 0;
        List<String> perSecond = new ArrayList<>();
        for (double[] x : samples) {
            max = Math.max(max, x[0]);
            total += x[0];
            perSecond.add(String.format(Locale.ROOT, "%.0f", x[0]));
        }
        System.out.println("UPDATE msgs/s in each second after SIGCONT: " + perSecond);
        System.out.printf(Locale.ROOT, "RESULT rfc2136-recovery server=%s endpoints=%d pause=%ds ceiling=%d msgs/s per enactor (%d total): while stopped %d UPDATEs, %d exchanges in all;"
                        + " after SIGCONT max %.1f msgs/s, mean %.1f msgs/s over %d s; converged %s after SIGCONT (%.1f s after publish); rejected %d; refused while backing off %d%n",
                server.kind(), endpoints, pauseSeconds, ceiling, ceiling * ENACTORS, sentWhilePaused, exchangesWhilePaused, max, samples.isEmpty() ? 0 : total / samples.size(), samples.size(),
                converged < 0 ? "NOT within 120 s (" + landedOrZero(observer, plan) + " of " + endpoints + ")" : String.format(Locale.ROOT, "%.2f s", converged / 1e9),
                (resumedAt + Math.max(converged, 0) - start) / 1e9,
                stores.stream().mapToLong(Rfc2136RecordStore::updatesRejected).sum(), stores.stream().mapToLong(Rfc2136RecordStore::refusedWhileBackingOff).sum());
    }

    private static long exchanges(List<Rfc2136RecordStore> stores) {
        long n = 0;
        for (Rfc2136RecordStore s : stores) n += s.exchanges();
        return n;
    }

    private static long sent(List<Rfc2136RecordStore> stores) {
        long n = 0;
        for (Rfc2136RecordStore s : stores) n += s.updatesSent();
        return n;
    }

    private static int landed(Rfc2136RecordStore observer, Plan plan) {
        int n = 0;
        for (Endpoint e : plan.recordSets().keySet()) if (observer.read(e).stamp().equals(plan.stamp())) n++;
        return n;
    }

    private static int landedOrZero(Rfc2136RecordStore observer, Plan plan) {
        try {
            return landed(observer, plan);
        } catch (StoreUnavailableException e) {
            return 0;
        }
    }
}
