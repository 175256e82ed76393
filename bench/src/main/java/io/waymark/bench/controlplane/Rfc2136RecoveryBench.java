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
        System.out.printf("SIGSTOP after %.1f s with %d of %d endpoints landed; paused for %d s%n", (pausedAt - start) / 1e9, before, endpoints, pauseSeconds);
        Thread.sleep(pauseSeconds * 1000L);
        long sentWhilePaused = sent(stores) - sentAtPause;
        server.resume();
        long resumedAt = System.nanoTime();
        long prev = sent(stores);
        long converged = -1;
        int maxPerSecond = 0;
        List<Long> perSecond = new ArrayList<>();
        for (int second = 1; second <= 60; second++) {
            long due = resumedAt + second * 1_000_000_000L;
            while (System.nanoTime() < due) {
                if (converged < 0 && landedOrZero(observer, plan) == endpoints) converged = System.nanoTime() - resumedAt;
                Thread.sleep(Math.max(1, Math.min(200, (due - System.nanoTime()) / 1_000_000)));
            }
            long now = sent(stores);
            perSecond.add(now - prev);
            maxPerSecond = (int) Math.max(maxPerSecond, now - prev);
            prev = now;
        }
        stop.set(true);
        for (Thread t : threads) t.join(30_000);
        long total = 0;
        for (long x : perSecond) total += x;
        System.out.println("UPDATE msgs per second after SIGCONT: " + perSecond);
        System.out.printf(Locale.ROOT, "RESULT rfc2136-recovery server=%s endpoints=%d pause=%ds ceiling=%d/s per enactor (%d total): sent while stopped %d;"
                        + " after SIGCONT max %d msgs/s, mean %.1f msgs/s over 60 s; converged %s after SIGCONT; rejected %d; refused while backing off %d%n",
                server.kind(), endpoints, pauseSeconds, ceiling, ceiling * ENACTORS, sentWhilePaused, maxPerSecond, total / 60.0,
                converged < 0 ? "NOT within 60 s (" + landedOrZero(observer, plan) + " of " + endpoints + ")" : String.format(Locale.ROOT, "%.2f s", converged / 1e9),
                stores.stream().mapToLong(Rfc2136RecordStore::updatesRejected).sum(), stores.stream().mapToLong(Rfc2136RecordStore::refusedWhileBackingOff).sum());
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
