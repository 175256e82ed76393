package io.waymark.sim.rfc2136;

import io.waymark.adapters.rfc2136.Rfc2136RecordStore;
import io.waymark.adapters.rfc2136.Rfc2136Settings;
import io.waymark.core.enactor.Enactor;
import io.waymark.core.enactor.EnactorConfig;
import io.waymark.core.enactor.TickPlan;
import io.waymark.core.memory.InMemoryPlanStore;
import io.waymark.core.model.Endpoint;
import io.waymark.core.model.Generation;
import io.waymark.core.model.Plan;
import io.waymark.core.model.PlanDraft;
import io.waymark.core.model.RecordSet;
import io.waymark.core.model.Stamp;
import io.waymark.core.model.WeightedAddress;
import io.waymark.core.port.PublishOutcome;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.Type;

/**
 * One seeded schedule of the real {@link Rfc2136RecordStore} and real {@link Enactor}s (each enactor
 * with a store of its own, as separate daemons would have) against a {@link SimDnsServer}, on a virtual
 * clock: plans published at random moments, enactors stalled between their reads and their writes,
 * requests and replies lost, the server down for a while,
 * records changed by hand behind the stamps (drift) and stamp records deleted by hand. Then faults stop.
 *
 * <p>Checked on the server's own data after every step: <b>I1</b> an endpoint never stops serving an
 * address family it served; <b>I2</b> a stamp never names an older generation than one the endpoint
 * carried before (also across a hand-deleted stamp: the high-water); <b>I3</b> whenever an enactor changed
 * an endpoint's records or stamp, its addresses and TTL are exactly those of the plan its stamp names.
 * Once faults stop: <b>L1</b> every endpoint serves the latest plan within a bounded number of steps.
 */
public final class Rfc2136Run {
    private static final Name ZONE = Name.fromConstantString("example.test.");
    private static final int QUIET_STEPS_MAX = 3_000;
    private static final long[] REFRESH_MS = {100, 1_000, 5_000};

    /** What one schedule did, and every invariant it broke (empty: none). */
    public record Result(long seed, List<String> violations, boolean converged, int steps, long updatesApplied, long updatesRejected,
                         long repliesLost, int driftRepairs, int handEdits) {}

    private final SplittableRandom random;
    private final long seed;
    private final int endpoints;
    private final SimDnsServer server;
    private final InMemoryPlanStore plans = new InMemoryPlanStore();
    private final List<Enactor> enactors = new ArrayList<>();
    private final long[] nowNanos = {TimeUnit.SECONDS.toNanos(1)};
    private final List<String> violations = new ArrayList<>();
    private final Map<Endpoint, Long> highestStamp = new HashMap<>();
    private final Map<Endpoint, TreeSet<Integer>> familiesServed = new HashMap<>();
    private final int[] driftRepairs = {0};
    private final Map<Integer, TickPlan> stalled = new HashMap<>();
    private int handEdits;
    private int plansPublished;

    private Rfc2136Run(long seed, int endpoints, int enactorCount) {
        this.seed = seed;
        this.random = new SplittableRandom(seed);
        this.endpoints = endpoints;
        this.server = new SimDnsServer(ZONE, random.split(), new SimDnsServer.Faults(0.05, 0.05));
        Rfc2136Settings settings = Rfc2136Settings.defaults(new InetSocketAddress(InetAddress.getLoopbackAddress(), 53), ZONE.toString(), null)
                // Views from 100 ms to 5 s old: the staler, the more the server's prerequisites have to refuse.
                .withReadRefreshMs(REFRESH_MS[(int) Math.floorMod(seed, (long) REFRESH_MS.length)], 10_000).withBackoffMs(20, 2_000).withUpdatesPerSecondMax(1_000_000).withTimeoutMs(1_000).withUpdateBytesMax(2_048);
        Rfc2136RecordStore.DriftListener drift = new Rfc2136RecordStore.DriftListener() {
            @Override
            public void repaired(Endpoint endpoint, String what, Stamp stamp) {
                driftRepairs[0]++;
            }
        };
        for (int i = 0; i < enactorCount; i++) {
            // Every look at the clock takes a microsecond: the store's pacing (one UPDATE per microsecond at this
            // ceiling) then never waits on a virtual clock that stands still within a step.
            Rfc2136RecordStore store = Rfc2136RecordStore.open(settings, server, () -> nowNanos[0] += 1_000, random.split(), drift);
            enactors.add(new Enactor("e" + i, plans, store, random.split(), EnactorConfig.DEFAULTS.withApplyBatchSize(8).withEndpointsPerTickMax(12).withChangeThreshold(1.0, 0)));
        }
    }

    /** Runs {@code faultySteps} steps with faults, then until converged (bounded). */
    public static Result run(long seed, int endpoints, int enactors, int faultySteps) {
        return new Rfc2136Run(seed, endpoints, enactors).go(faultySteps);
    }

    private Result go(int faultySteps) {
        publish();
        int step = 0;
        long downUntil = -1;
        for (; step < faultySteps; step++) {
            nowNanos[0] += TimeUnit.MILLISECONDS.toNanos(5 + random.nextInt(30));
            if (downUntil >= 0 && nowNanos[0] > downUntil) {
                server.down(false);
                downUntil = -1;
            }
            int dice = random.nextInt(100);
            if (dice < 3) publish();
            else if (dice < 5) driftByHand();
            else if (dice < 6) deleteStampByHand();
            else if (dice < 7 && downUntil < 0) {
                server.down(true);
                downUntil = nowNanos[0] + TimeUnit.MILLISECONDS.toNanos(200 + random.nextInt(2_000));
            } else tickOne(step, true);
        }
        server.down(false);
        server.faults(SimDnsServer.Faults.NONE);
        boolean converged = false;
        for (int quiet = 0; quiet < QUIET_STEPS_MAX && !converged; quiet++, step++) {
            nowNanos[0] += TimeUnit.MILLISECONDS.toNanos(20);
            tickOne(step, false);
            converged = converged();
        }
        if (!converged) violations.add("L1: not converged " + QUIET_STEPS_MAX + " steps after faults stopped: " + notConverged());
        return new Result(seed, List.copyOf(violations), converged, step, server.applied(), server.rejected(), server.repliesLost(), driftRepairs[0], handEdits);
    }

    private static Endpoint ep(int i) {
        return Endpoint.of("e" + i + "." + ZONE);
    }

    private void publish() {
        plansPublished++;
        TreeMap<Endpoint, RecordSet> m = new TreeMap<>();
        for (int i = 0; i < endpoints; i++) {
            List<WeightedAddress> a = new ArrayList<>();
            int n = 1 + random.nextInt(3);
            for (int k = 0; k < n; k++) a.add(WeightedAddress.of("10." + i + "." + plansPublished % 250 + "." + (k + 1), 1 + random.nextInt(5)));
            // Every third endpoint is dual-stack in every plan: I1 is judged per family.
            if (i % 3 == 0) a.add(WeightedAddress.of("fd00::" + Integer.toHexString(i + 1) + ":" + Integer.toHexString(plansPublished), 1));
            m.put(ep(i), new RecordSet(a, 30));
        }
        Generation latest = plans.latest().map(Plan::generation).orElse(Generation.ZERO);
        if (!(plans.publish(latest, new PlanDraft(m, true)) instanceof PublishOutcome.Published)) throw new IllegalStateException("one publisher only");
    }

    private void driftByHand() {
        Endpoint e = ep(random.nextInt(endpoints));
        Name n = Name.fromConstantString(e.name());
        List<Record> a = server.rrset(n, Type.A);
        if (a.isEmpty()) return;
        List<Record> changed = new ArrayList<>(a);
        changed.set(0, new ARecord(n, DClass.IN, a.get(0).getTTL(), address("198.51.100." + (1 + random.nextInt(250)))));
        server.edit(n, Type.A, changed);
        handEdits++;
    }

    private void deleteStampByHand() {
        Endpoint e = ep(random.nextInt(endpoints));
        Name s = Name.fromConstantString("_waymark." + e.name());
        List<Record> txt = server.rrset(s, Type.TXT);
        List<Record> kept = txt.stream().filter(r -> !((TXTRecord) r).getStrings().get(0).startsWith("waymark-stamp ")).toList();
        if (kept.size() == txt.size()) return;
        server.edit(s, Type.TXT, kept);
        handEdits++;
    }

    private static InetAddress address(String literal) {
        return WeightedAddress.parseLiteral(literal);
    }

    /**
     * One enactor step. An enactor may stall between its reads and its writes (prepare now, apply some
     * steps later, after other enactors wrote and plans were published): its writes must then be refused by
     * the server's prerequisites, not land stale.
     */
    private void tickOne(int step, boolean stalls) {
        Map<Endpoint, String> before = snapshot();
        int i = random.nextInt(enactors.size());
        Enactor e = enactors.get(i);
        TickPlan held = stalled.remove(i);
        if (held != null) e.apply(held);
        else if (stalls && random.nextInt(4) == 0) stalled.put(i, e.prepare());
        else e.tick();
        check(step, before, snapshot());
    }

    /** The server's data per endpoint: stamp strings and served addresses with TTL, as one comparable text. */
    private Map<Endpoint, String> snapshot() {
        Map<Endpoint, String> out = new HashMap<>();
        for (int i = 0; i < endpoints; i++) out.put(ep(i), stampText(ep(i)) + " | " + served(ep(i)));
        return out;
    }

    private String stampText(Endpoint e) {
        StringBuilder sb = new StringBuilder();
        for (Record r : server.rrset(Name.fromConstantString("_waymark." + e.name()), Type.TXT)) sb.append(((TXTRecord) r).getStrings()).append(';');
        return sb.toString();
    }

    private TreeSet<String> served(Endpoint e) {
        TreeSet<String> out = new TreeSet<>();
        Name n = Name.fromConstantString(e.name());
        for (Record r : server.rrset(n, Type.A)) out.add(((ARecord) r).getAddress().getHostAddress() + "/" + r.getTTL());
        for (Record r : server.rrset(n, Type.AAAA)) out.add(((AAAARecord) r).getAddress().getHostAddress() + "/" + r.getTTL());
        return out;
    }

    private static TreeSet<String> expected(RecordSet rs) {
        TreeSet<String> out = new TreeSet<>();
        for (WeightedAddress a : rs.addresses()) out.add(a.address().getHostAddress() + "/" + rs.ttlSeconds());
        return out;
    }

    /** The generation of the endpoint's stamp record, or empty when there is none. */
    private Optional<Long> stampGeneration(Endpoint e) {
        for (Record r : server.rrset(Name.fromConstantString("_waymark." + e.name()), Type.TXT)) {
            String head = ((TXTRecord) r).getStrings().get(0);
            if (head.startsWith("waymark-stamp g=")) return Optional.of(Long.parseLong(head.split(" ")[1].substring(2)));
        }
        return Optional.empty();
    }

    private void check(int step, Map<Endpoint, String> before, Map<Endpoint, String> after) {
        for (int i = 0; i < endpoints; i++) {
            Endpoint e = ep(i);
            TreeSet<String> served = served(e);
            TreeSet<Integer> families = new TreeSet<>();
            for (String s : served) families.add(s.contains(":") ? 6 : 4);
            TreeSet<Integer> ever = familiesServed.computeIfAbsent(e, k -> new TreeSet<>());
            for (int f : ever) if (!families.contains(f)) violations.add("step " + step + " I1: " + e + " no longer serves IPv" + f + ": " + served);
            ever.addAll(families);
            Optional<Long> g = stampGeneration(e);
            if (g.isPresent()) {
                long high = highestStamp.getOrDefault(e, 0L);
                if (g.get() < high) violations.add("step " + step + " I2: " + e + " stamp went back from g" + high + " to g" + g.get());
                highestStamp.put(e, Math.max(high, g.get()));
            }
            if (!before.get(e).equals(after.get(e)) && g.isPresent()) {
                RecordSet rs = plans.read(Generation.of(g.get())).map(p -> p.recordSets().get(e)).orElse(null);
                if (rs == null || !expected(rs).equals(served)) {
                    violations.add("step " + step + " I3: " + e + " written at g" + g.get() + " serves " + served + " but the plan holds " + (rs == null ? "nothing" : expected(rs)));
                }
            }
        }
    }

    private boolean converged() {
        Plan latest = plans.latest().orElseThrow();
        for (Map.Entry<Endpoint, RecordSet> e : latest.recordSets().entrySet()) {
            if (!stampGeneration(e.getKey()).equals(Optional.of(latest.generation().value())) || !served(e.getKey()).equals(expected(e.getValue()))) return false;
        }
        return true;
    }

    private String notConverged() {
        Plan latest = plans.latest().orElseThrow();
        List<String> out = new ArrayList<>();
        for (Endpoint e : latest.recordSets().keySet()) {
            if (out.size() < 3 && !stampGeneration(e).equals(Optional.of(latest.generation().value()))) out.add(e + " at " + stampText(e));
        }
        return out.toString();
    }
}
