package io.waymark.bench.controlplane;

import io.waymark.adapters.rfc2136.LocalDnsServer;
import io.waymark.adapters.rfc2136.Rfc2136RecordStore;
import io.waymark.adapters.rfc2136.Rfc2136Settings;
import io.waymark.adapters.rfc2136.TsigKey;
import io.waymark.core.enactor.Enactor;
import io.waymark.core.enactor.EnactorConfig;
import io.waymark.core.enactor.TickResult;
import io.waymark.core.memory.InMemoryPlanStore;
import io.waymark.core.model.Endpoint;
import io.waymark.core.model.Generation;
import io.waymark.core.model.Plan;
import io.waymark.core.model.PlanDraft;
import io.waymark.core.model.RecordSet;
import io.waymark.core.model.WeightedAddress;
import io.waymark.core.port.PublishOutcome;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * Converging N endpoints into a real BIND or Knot through the RFC 2136 store (issue 8), beside the
 * one-UPDATE-per-endpoint rate in the same run on the same server: {@code dnsperf -u} sending one
 * UPDATE per endpoint with the same content the store writes for one endpoint (a prerequisite on the
 * stamp TXT, the address RRsets replaced, the stamp and high-water TXT added), 4 clients, 100
 * outstanding, TSIG-signed — the shape of the peer figures in ../shared/BENCHMARKS.md.
 *
 * <p>Each runs on a server of its own, started empty (same kind, same configuration). Both converges are verified afterwards by querying every endpoint over UDP: a converge that
 * is not verified does not count. The store's run is one enactor, ticking without pause, a forced
 * plan of every endpoint; its time is from the publish call until the enactor has applied them all.
 *
 * <p>Arguments: {@code [endpoints=100000] [server=bind|knot] [baseline=dnsperf|none] [updatesInFlightMax=store default]}.
 */
public final class Rfc2136ConvergeBench {
    private static final int TICKS_MAX = 10_000;
    private static final int WARM_UP_ENDPOINTS = 5_000;
    private static final long CONVERGE_TIMEOUT_NANOS = TimeUnit.MINUTES.toNanos(15);

    private Rfc2136ConvergeBench() {}

    public static void main(String[] args) throws Exception {
        int endpoints = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        LocalDnsServer.Kind kind = LocalDnsServer.Kind.valueOf(args.length > 1 ? args[1].toUpperCase(Locale.ROOT) : "BIND");
        boolean baseline = args.length <= 2 || !args[2].equals("none");
        int inFlight = args.length > 3 ? Integer.parseInt(args[3]) : -1;
        if (endpoints < 1 || endpoints > PlanDraft.ENDPOINTS_MAX) throw new IllegalArgumentException("endpoints must be in [1, " + PlanDraft.ENDPOINTS_MAX + "], got " + endpoints);
        if (kind == LocalDnsServer.Kind.PDNS) throw new IllegalArgumentException("server must be bind or knot");
        // Each converge on a server of its own, started empty: neither pays for the other's records.
        double oneEach = Double.NaN;
        if (baseline) {
            try (LocalDnsServer server = LocalDnsServer.start(kind, Files.createTempDirectory("waymark-rfc2136-converge-"))) {
                oneEach = dnsperfBaseline(server, endpoints, server.dir());
            }
        }
        double batched;
        try (LocalDnsServer server = LocalDnsServer.start(kind, Files.createTempDirectory("waymark-rfc2136-converge-"))) {
            batched = storeConverge(server, endpoints, inFlight);
        }
        System.out.printf(Locale.ROOT, "RESULT rfc2136-converge server=%s endpoints=%d store %.0f endpoints/s, one UPDATE per endpoint (dnsperf -u) %.0f endpoints/s, ratio %.2f (target >= 5: %s); load average %s%n",
                kind, endpoints, batched, oneEach, batched / oneEach, Double.isNaN(oneEach) ? "no baseline" : batched / oneEach >= 5 ? "MET" : "NOT MET", loadAverage());
    }

    private static double ownCpuSeconds() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime() / 1e9;
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (IOException e) {
            return "unknown";
        }
    }

    private static String name(String prefix, int i) {
        return prefix + i + "." + LocalDnsServer.ZONE;
    }

    private static int address(int i, int version) {
        return 10 << 24 | (version & 0xF) << 20 | (i & 0xFFFFF);
    }

    private static String dotted(int a) {
        return (a >>> 24) + "." + (a >>> 16 & 255) + "." + (a >>> 8 & 255) + "." + (a & 255);
    }

    /** The store: one enactor applying a forced plan of every endpoint, then every endpoint queried. */
    private static double storeConverge(LocalDnsServer server, int endpoints, int inFlight) throws Exception {
        Rfc2136Settings defaults = Rfc2136Settings.defaults(server.address(), LocalDnsServer.ZONE, TsigKey.fromBase64(LocalDnsServer.KEY_NAME, "hmac-sha256", server.secret()));
        Rfc2136Settings settings = inFlight > 0 ? defaults.withUpdatesInFlightMax(inFlight) : defaults;
        System.out.printf(Locale.ROOT, "store settings: %d bytes per UPDATE at most, %d in flight, %d UPDATEs/s at most%n", settings.updateBytesMax(), settings.updatesInFlightMax(), settings.updatesPerSecondMax());
        warmUp(server, settings);
        InMemoryPlanStore plans = new InMemoryPlanStore();
        Rfc2136RecordStore store = Rfc2136RecordStore.open(settings, new SplittableRandom(1), Rfc2136RecordStore.DriftListener.NONE);
        Enactor enactor = new Enactor("e0", plans, store, new SplittableRandom(2),
                EnactorConfig.DEFAULTS.withEndpointsPerTickMax(PlanDraft.ENDPOINTS_MAX).withApplyBatchSize(EnactorConfig.DEFAULTS.applyBatchSize()).withChangeThreshold(1.0, 0));
        TreeMap<Endpoint, RecordSet> m = new TreeMap<>();
        for (int i = 0; i < endpoints; i++) m.put(Endpoint.of(name("s", i)), RecordSet.of(30, WeightedAddress.of(dotted(address(i, 1)), 1)));
        double cpuBefore = server.cpuSeconds();
        double ownCpuBefore = ownCpuSeconds();
        long start = System.nanoTime();
        Plan plan = ((PublishOutcome.Published) plans.publish(Generation.ZERO, new PlanDraft(m, true))).plan();
        int applied = 0;
        int ticks = 0;
        long sentBefore = store.updatesSent();
        while (applied < endpoints && ticks < TICKS_MAX && System.nanoTime() - start < CONVERGE_TIMEOUT_NANOS) {
            TickResult r = enactor.tick();
            applied += r.applied();
            ticks++;
            if (r.failed() > 0 || r.errors() > 0) System.out.println("tick " + ticks + ": " + r);
        }
        long tookNanos = System.nanoTime() - start;
        double cpu = server.cpuSeconds() - cpuBefore;
        double ownCpu = ownCpuSeconds() - ownCpuBefore;
        long messages = store.updatesSent() - sentBefore;
        System.out.printf(Locale.ROOT, "store: %d of %d endpoints applied in %.2f s (%d ticks, %d UPDATE messages, %.0f endpoints per message, %d rejected); server CPU %.1f s (%.0f µs per endpoint), Waymark (this JVM) CPU %.1f s%n",
                applied, endpoints, tookNanos / 1e9, ticks, messages, messages == 0 ? 0.0 : (double) applied / messages, store.updatesRejected(), cpu, cpu * 1e6 / endpoints, ownCpu);
        verify(server, "s", endpoints, 1, "store");
        if (applied < endpoints) throw new IllegalStateException("the store did not converge: " + applied + " of " + endpoints + " applied for " + plan.stamp());
        return endpoints / (tookNanos / 1e9);
    }

    /** The same code path on a few thousand other names first, so that the timed run is not the JIT's warm-up (dnsperf is native code). */
    private static void warmUp(LocalDnsServer server, Rfc2136Settings settings) {
        InMemoryPlanStore plans = new InMemoryPlanStore();
        Rfc2136RecordStore store = Rfc2136RecordStore.open(settings, new SplittableRandom(3), Rfc2136RecordStore.DriftListener.NONE);
        Enactor enactor = new Enactor("warm", plans, store, new SplittableRandom(4), EnactorConfig.DEFAULTS.withChangeThreshold(1.0, 0));
        TreeMap<Endpoint, RecordSet> m = new TreeMap<>();
        for (int i = 0; i < WARM_UP_ENDPOINTS; i++) m.put(Endpoint.of(name("w", i)), RecordSet.of(30, WeightedAddress.of(dotted(address(i, 2)), 1)));
        plans.publish(Generation.ZERO, new PlanDraft(m, true));
        int applied = 0;
        for (int tick = 0; tick < 100 && applied < WARM_UP_ENDPOINTS; tick++) applied += enactor.tick().applied();
        System.out.printf(Locale.ROOT, "warm-up: %d endpoints under w*.%s%n", applied, LocalDnsServer.ZONE);
    }

    /** One UPDATE per endpoint through dnsperf -u, then every endpoint queried. */
    private static double dnsperfBaseline(LocalDnsServer server, int endpoints, Path dir) throws Exception {
        Path updates = dir.resolve("updates.txt");
        StringBuilder b = new StringBuilder(endpoints * 200);
        for (int i = 0; i < endpoints; i++) {
            String n = "d" + i;
            b.append(LocalDnsServer.ZONE).append('\n')
                    .append("prohibit _waymark.").append(n).append(" TXT\n")
                    .append("delete ").append(n).append(" A\n")
                    .append("delete ").append(n).append(" AAAA\n")
                    .append("delete _waymark.").append(n).append(" TXT\n")
                    .append("add ").append(n).append(" 30 A ").append(dotted(address(i, 1))).append('\n')
                    .append("add _waymark.").append(n).append(" 30 TXT \"wm1 g=1 h=0123456789abcdef0123456789abcdef d=0123456789abcdef\"\n")
                    .append("add _waymark.").append(n).append(" 30 TXT \"wm1 high=1\"\n")
                    .append("send\n");
        }
        Files.writeString(updates, b.toString(), StandardCharsets.US_ASCII);
        List<String> cmd = List.of("dnsperf", "-u", "-s", "127.0.0.1", "-p", Integer.toString(server.address().getPort()), "-d", updates.toString(),
                "-n", "1", "-c", "4", "-q", "100", "-t", "10", "-y", "hmac-sha256:" + LocalDnsServer.KEY_NAME + ":" + server.secret());
        double cpuBefore = server.cpuSeconds();
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(15, TimeUnit.MINUTES) || p.exitValue() != 0) throw new IOException("dnsperf failed: " + out);
        double cpu = server.cpuSeconds() - cpuBefore;
        double qps = Double.NaN;
        List<String> summary = new ArrayList<>();
        for (String line : out.split("\n")) {
            String t = line.trim();
            // dnsperf -u says "Updates per second", plain dnsperf "Queries per second".
            if (t.matches("(Queries|Updates) per second:.*")) qps = Double.parseDouble(t.substring(t.indexOf(':') + 1).trim());
            if (t.matches("(Queries|Updates) (sent|completed|lost|per second).*|Response codes.*|Run time.*|Average Latency.*")) summary.add(t.replaceAll("\\s+", " "));
        }
        System.out.println("one UPDATE per endpoint (" + String.join(" ", cmd).replace(server.secret(), "SECRET") + "): " + String.join("; ", summary) + "; " + String.format(Locale.ROOT, "%.0f updates/s; server CPU %.1f s (%.0f µs per endpoint)", qps, cpu, cpu * 1e6 / endpoints));
        verify(server, "d", endpoints, 1, "dnsperf");
        return qps;
    }

    /** Queries every endpoint over UDP; throws unless each answers exactly its address. */
    private static void verify(LocalDnsServer server, String prefix, int endpoints, int version, String what) throws IOException {
        long start = System.nanoTime();
        byte[][] queries = new byte[endpoints][];
        int[] all = new int[endpoints];
        for (int i = 0; i < endpoints; i++) {
            queries[i] = UdpQuerier.query(name(prefix, i), 0);
            all[i] = i;
        }
        try (UdpQuerier udp = new UdpQuerier(server.address().getPort())) {
            int[] wrong = udp.stillDifferent(queries, all, i -> address(i, version));
            System.out.printf(Locale.ROOT, "verified %s: %d of %d endpoints answer their address over UDP (%.1f s to ask them all)%n",
                    what, endpoints - wrong.length, endpoints, (System.nanoTime() - start) / 1e9);
            if (wrong.length > 0) throw new IllegalStateException(what + ": " + wrong.length + " endpoints do not answer their address, e.g. " + name(prefix, wrong[0]));
        }
    }
}
