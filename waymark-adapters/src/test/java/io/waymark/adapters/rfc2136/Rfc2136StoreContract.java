package io.waymark.adapters.rfc2136;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.waymark.core.enactor.Enactor;
import io.waymark.core.enactor.EnactorConfig;
import io.waymark.core.enactor.TickResult;
import io.waymark.core.enactor.TickStatus;
import io.waymark.core.memory.InMemoryPlanStore;
import io.waymark.core.model.Endpoint;
import io.waymark.core.model.Generation;
import io.waymark.core.model.Plan;
import io.waymark.core.model.PlanDraft;
import io.waymark.core.model.RecordSet;
import io.waymark.core.model.Stamp;
import io.waymark.core.model.WeightedAddress;
import io.waymark.core.port.ApplyOutcome;
import io.waymark.core.port.ConditionalApply;
import io.waymark.core.port.PublishOutcome;
import io.waymark.core.port.StampedRecords;
import io.waymark.core.port.StoreUnavailableException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

/**
 * The RFC 2136 record store against a real authoritative server, one process per test class (BIND,
 * Knot, PowerDNS: the subclasses). Each test uses endpoint names of its own, so they share the zone
 * without seeing each other. What is served is checked with a separate DNS client over UDP, as a
 * resolver would see it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class Rfc2136StoreContract {
    private static final Duration CONVERGE = Duration.ofSeconds(90);
    LocalDnsServer server;
    private Path dir;
    private final List<Rfc2136RecordStore> stores = new CopyOnWriteArrayList<>();

    abstract LocalDnsServer.Kind kind();

    /** Endpoints of the plans applied while the server restarts and goes down. */
    int streamEndpoints() {
        return 1_500;
    }

    @BeforeAll
    void startServer() throws Exception {
        dir = Files.createTempDirectory("waymark-rfc2136-" + kind().name().toLowerCase(java.util.Locale.ROOT) + "-");
        server = LocalDnsServer.start(kind(), dir);
    }

    @AfterAll
    void stopServer() throws Exception {
        if (server != null) server.close();
    }

    Rfc2136Settings settings() {
        // Short refresh so tests see each other's writes quickly; short backoff so recovery is quick.
        return Rfc2136Settings.defaults(server.address(), LocalDnsServer.ZONE, TsigKey.fromBase64(LocalDnsServer.KEY_NAME, "hmac-sha256", server.secret()))
                .withReadRefreshMs(200, 5_000).withBackoffMs(50, 1_000).withTimeoutMs(3_000);
    }

    Rfc2136RecordStore store(Rfc2136Settings s, Rfc2136RecordStore.DriftListener listener) {
        Rfc2136RecordStore st = Rfc2136RecordStore.open(s, new SplittableRandom(7), listener);
        stores.add(st);
        return st;
    }

    Rfc2136RecordStore store() {
        return store(settings(), Rfc2136RecordStore.DriftListener.NONE);
    }

    static Endpoint ep(String test, int i) {
        return Endpoint.of(test + "-" + i + "." + LocalDnsServer.ZONE);
    }

    static RecordSet dualStack(int gen, int i) {
        return new RecordSet(List.of(WeightedAddress.of("10." + (gen % 250) + "." + (i / 250) + "." + (i % 250 + 1), 3),
                WeightedAddress.of("10." + (gen % 250) + "." + (i / 250) + "." + (i % 250 + 2), 1),
                WeightedAddress.of("fd00::" + Integer.toHexString(gen) + ":" + Integer.toHexString(i + 1), 2)), 30);
    }

    static PlanDraft draft(String test, int endpoints, int gen) {
        TreeMap<Endpoint, RecordSet> m = new TreeMap<>();
        for (int i = 0; i < endpoints; i++) m.put(ep(test, i), dualStack(gen, i));
        return new PlanDraft(m, true);
    }

    static Plan publish(InMemoryPlanStore plans, PlanDraft draft) {
        Generation latest = plans.latest().map(Plan::generation).orElse(Generation.ZERO);
        return ((PublishOutcome.Published) plans.publish(latest, draft)).plan();
    }

    /** What a resolver gets over UDP: the addresses of one name (A and AAAA), sorted. */
    Set<String> served(Endpoint e) throws IOException {
        SimpleResolver r = new SimpleResolver(server.address());
        r.setTimeout(Duration.ofSeconds(3));
        Set<String> out = new TreeSet<>();
        for (int type : new int[] {Type.A, Type.AAAA}) {
            Message m = r.send(Message.newQuery(Record.newRecord(Name.fromString(e.name()), type, DClass.IN)));
            for (Record rec : m.getSection(Section.ANSWER)) if (rec.getType() == type) out.add(rec.rdataToString());
        }
        return out;
    }

    static Set<String> addresses(RecordSet rs) {
        Set<String> out = new TreeSet<>();
        for (WeightedAddress a : rs.addresses()) out.add(a.address().getHostAddress());
        return out;
    }

    long serial() throws IOException {
        SimpleResolver r = new SimpleResolver(server.address());
        r.setTCP(true);
        Message m = r.send(Message.newQuery(Record.newRecord(Name.fromString(LocalDnsServer.ZONE), Type.SOA, DClass.IN)));
        return ((SOARecord) m.getSection(Section.ANSWER).get(0)).getSerial();
    }

    static Enactor enactor(String id, InMemoryPlanStore plans, Rfc2136RecordStore store, long seed) {
        return new Enactor(id, plans, store, new SplittableRandom(seed), EnactorConfig.DEFAULTS.withApplyBatchSize(512).withChangeThreshold(1.0, 0));
    }

    // ------------------------------------------------------------------------------------------

    @Test
    void appliesABatchThatResolversSeeAndReadsItBackWithWeights() throws Exception {
        Rfc2136RecordStore store = store();
        PlanDraft d = draft("apply", 300, 1);
        Stamp stamp = Stamp.of(1, d.hash());
        List<ConditionalApply> applies = new ArrayList<>();
        d.recordSets().forEach((e, rs) -> applies.add(new ConditionalApply(e, Stamp.NONE, stamp, rs)));
        long sentBefore = store.updatesSent();

        List<ApplyOutcome> outcomes = store.applyAllIfNewer(applies);

        assertThat(outcomes).containsOnly(ApplyOutcome.APPLIED).hasSize(300);
        // Many endpoints per UPDATE: 300 endpoints in a handful of messages, not 300.
        assertThat(store.updatesSent() - sentBefore).isBetween(1L, 20L);
        for (Endpoint e : List.of(ep("apply", 0), ep("apply", 150), ep("apply", 299))) {
            assertThat(served(e)).isEqualTo(addresses(d.recordSets().get(e)));
        }
        // A second store (nothing cached) reads stamp and records, weights included, from the server.
        Rfc2136RecordStore fresh = store();
        for (Endpoint e : List.of(ep("apply", 7), ep("apply", 299))) {
            StampedRecords sr = fresh.read(e);
            assertThat(sr.stamp()).isEqualTo(stamp);
            assertThat(sr.records()).contains(d.recordSets().get(e));
        }
        assertThat(fresh.endpoints()).contains(ep("apply", 0), ep("apply", 299));
        // Applying the same plan again changes nothing.
        long serial = serial();
        List<ConditionalApply> again = new ArrayList<>();
        d.recordSets().forEach((e, rs) -> again.add(new ConditionalApply(e, stamp, stamp, rs)));
        assertThat(fresh.applyAllIfNewer(again)).containsOnly(ApplyOutcome.SUPERSEDED);
        assertThat(serial()).isEqualTo(serial);
    }

    @Test
    void aStaleStampIsRejectedByTheServerWithNothingChangedAndDoesNotHoldBackTheRestOfItsBatch() throws Exception {
        // Store B keeps its view for a minute: its prerequisites name what it read, which A then changes.
        Rfc2136RecordStore a = store();
        Rfc2136RecordStore b = store(settings().withReadRefreshMs(60_000, 60_000), Rfc2136RecordStore.DriftListener.NONE);
        PlanDraft g1 = draft("stale", 40, 1);
        Stamp s1 = Stamp.of(1, g1.hash());
        List<ConditionalApply> first = new ArrayList<>();
        g1.recordSets().forEach((e, rs) -> first.add(new ConditionalApply(e, Stamp.NONE, s1, rs)));
        assertThat(a.applyAllIfNewer(first)).containsOnly(ApplyOutcome.APPLIED);
        assertThat(b.read(ep("stale", 5)).stamp()).isEqualTo(s1); // B's view: g1 everywhere

        // A moves endpoint 5 to g2 behind B's back.
        PlanDraft g2 = draft("stale", 40, 2);
        Stamp s2 = Stamp.of(2, g2.hash());
        assertThat(a.applyIfNewer(ep("stale", 5), s1, s2, g2.recordSets().get(ep("stale", 5)))).isEqualTo(ApplyOutcome.APPLIED);
        long serialAfterA = serial();

        // B, still believing g1, sends one stale apply alone: the server refuses it and nothing changes.
        PlanDraft g3 = draft("stale", 40, 3);
        Stamp s3 = Stamp.of(3, g3.hash());
        long rejectedBefore = b.updatesRejected();
        assertThat(b.applyIfNewer(ep("stale", 5), s1, s3, g3.recordSets().get(ep("stale", 5)))).isEqualTo(ApplyOutcome.CONFLICT);
        assertThat(b.updatesRejected()).isGreaterThan(rejectedBefore);
        assertThat(serial()).isEqualTo(serialAfterA);
        assertThat(served(ep("stale", 5))).isEqualTo(addresses(g2.recordSets().get(ep("stale", 5))));

        // A moves endpoint 17 to g2 too; B then sends a whole batch at g3 from its stale view of g1:
        // the one UPDATE is rejected, re-read, and every other endpoint lands in one more message.
        assertThat(a.applyIfNewer(ep("stale", 17), s1, s2, g2.recordSets().get(ep("stale", 17)))).isEqualTo(ApplyOutcome.APPLIED);
        List<ConditionalApply> batch = new ArrayList<>();
        g3.recordSets().forEach((e, rs) -> batch.add(new ConditionalApply(e, e.equals(ep("stale", 5)) ? s2 : s1, s3, rs)));
        List<ApplyOutcome> outcomes = b.applyAllIfNewer(batch);
        Map<Endpoint, ApplyOutcome> byEndpoint = new HashMap<>();
        for (int i = 0; i < batch.size(); i++) byEndpoint.put(batch.get(i).endpoint(), outcomes.get(i));
        assertThat(byEndpoint.get(ep("stale", 17))).isEqualTo(ApplyOutcome.CONFLICT);
        assertThat(byEndpoint.get(ep("stale", 5))).isEqualTo(ApplyOutcome.APPLIED); // B learnt g2 from its fresh read
        assertThat(byEndpoint.values().stream().filter(o -> o == ApplyOutcome.APPLIED).count()).isEqualTo(39);
        assertThat(served(ep("stale", 17))).isEqualTo(addresses(g2.recordSets().get(ep("stale", 17))));
        assertThat(served(ep("stale", 30))).isEqualTo(addresses(g3.recordSets().get(ep("stale", 30))));
        assertThat(a.read(ep("stale", 17)).stamp()).isEqualTo(s2);
    }

    /**
     * The real wire, counting the UPDATEs outstanding on it at once (a probe around the real client, not a
     * stand-in). Each answer is handed on 50 ms after it arrived, as over a WAN link: on loopback a fast
     * server answered before the next message was built, so whether two were ever outstanding depended on
     * the machine's load (PowerDNS: 1 in a loaded run), not on whether the store pipelines.
     */
    static final class CountingWire implements DnsWire {
        private final DnsWire real;
        private final java.util.concurrent.atomic.AtomicInteger outstanding = new java.util.concurrent.atomic.AtomicInteger();
        final java.util.concurrent.atomic.AtomicInteger outstandingMax = new java.util.concurrent.atomic.AtomicInteger();

        CountingWire(DnsWire real) {
            this.real = real;
        }

        @Override
        public java.util.concurrent.CompletableFuture<Message> send(Message message, boolean sign) {
            if (message.getHeader().getOpcode() != org.xbill.DNS.Opcode.UPDATE) return real.send(message, sign);
            outstandingMax.accumulateAndGet(outstanding.incrementAndGet(), Math::max);
            java.util.concurrent.Executor later = java.util.concurrent.CompletableFuture.delayedExecutor(50, java.util.concurrent.TimeUnit.MILLISECONDS);
            return real.send(message, sign).thenApplyAsync(m -> m, later).whenComplete((m, t) -> outstanding.decrementAndGet());
        }

        @Override
        public List<Record> transfer(Name zone) throws IOException {
            return real.transfer(zone);
        }

        @Override
        public Incremental incremental(Name zone, long fromSerial) throws IOException {
            return real.incremental(zone, fromSerial);
        }
    }

    @Test
    void aBatchOfManyMessagesGoesOutPipelinedWithinTheWindowAndAStaleMessageHoldsBackOnlyItsOwnEndpoints() throws Exception {
        // Small messages, so that 400 endpoints take dozens of them.
        Rfc2136Settings small = settings().withUpdateBytesMax(4_096);
        CountingWire wire = new CountingWire(new TcpWire(small));
        Rfc2136RecordStore store = Rfc2136RecordStore.open(small, wire, System::nanoTime, new SplittableRandom(3), Rfc2136RecordStore.DriftListener.NONE);
        stores.add(store);
        PlanDraft g1 = draft("pipe", 400, 1);
        Stamp s1 = Stamp.of(1, g1.hash());
        List<ConditionalApply> first = new ArrayList<>();
        g1.recordSets().forEach((e, rs) -> first.add(new ConditionalApply(e, Stamp.NONE, s1, rs)));
        long sentBefore = store.updatesSent();
        assertThat(store.applyAllIfNewer(first)).containsOnly(ApplyOutcome.APPLIED);
        assertThat(store.updatesSent() - sentBefore).isGreaterThan(10L);
        assertThat(wire.outstandingMax.get()).as("UPDATEs in flight at once").isBetween(2, small.updatesInFlightMax());
        for (Endpoint e : List.of(ep("pipe", 0), ep("pipe", 200), ep("pipe", 399))) assertThat(served(e)).isEqualTo(addresses(g1.recordSets().get(e)));

        // Another writer moves three endpoints on; the pipelined batch from the old view loses exactly those.
        Rfc2136RecordStore other = store();
        PlanDraft g2 = draft("pipe", 400, 2);
        Stamp s2 = Stamp.of(2, g2.hash());
        for (int i : new int[] {3, 150, 390}) assertThat(other.applyIfNewer(ep("pipe", i), s1, s2, g2.recordSets().get(ep("pipe", i)))).isEqualTo(ApplyOutcome.APPLIED);
        PlanDraft g3 = draft("pipe", 400, 3);
        Stamp s3 = Stamp.of(3, g3.hash());
        List<ConditionalApply> stale = new ArrayList<>();
        g3.recordSets().forEach((e, rs) -> stale.add(new ConditionalApply(e, s1, s3, rs)));
        List<ApplyOutcome> outcomes = store.applyAllIfNewer(stale);
        Map<Endpoint, ApplyOutcome> byEndpoint = new HashMap<>();
        for (int i = 0; i < stale.size(); i++) byEndpoint.put(stale.get(i).endpoint(), outcomes.get(i));
        for (int i : new int[] {3, 150, 390}) {
            assertThat(byEndpoint.get(ep("pipe", i))).isEqualTo(ApplyOutcome.CONFLICT);
            assertThat(served(ep("pipe", i))).isEqualTo(addresses(g2.recordSets().get(ep("pipe", i))));
        }
        assertThat(byEndpoint.values().stream().filter(o -> o == ApplyOutcome.APPLIED).count()).isEqualTo(397);
        assertThat(served(ep("pipe", 200))).isEqualTo(addresses(g3.recordSets().get(ep("pipe", 200))));
        assertThat(wire.outstandingMax.get()).isLessThanOrEqualTo(small.updatesInFlightMax());
    }

    @Test
    void threeEnactorsWithTheirOwnStoresConvergeOnOneServerAndNoEndpointEverGoesBack() throws Exception {
        InMemoryPlanStore plans = new InMemoryPlanStore();
        int endpoints = Math.min(400, streamEndpoints() / 3);
        List<Enactor> enactors = List.of(enactor("e1", plans, store(), 1), enactor("e2", plans, store(), 2), enactor("e3", plans, store(), 3));
        Rfc2136RecordStore observer = store();
        Map<Endpoint, Long> seen = new ConcurrentHashMap<>();
        AtomicBoolean regressed = new AtomicBoolean();
        AtomicBoolean stop = new AtomicBoolean();
        List<Throwable> failures = new CopyOnWriteArrayList<>();
        List<Thread> threads = new ArrayList<>();
        for (Enactor en : enactors) {
            threads.add(Thread.ofPlatform().name(en.id()).start(() -> {
                while (!stop.get()) {
                    try {
                        en.tick();
                    } catch (RuntimeException | Error t) {
                        failures.add(t);
                        return;
                    }
                }
            }));
        }
        Plan last = null;
        for (int g = 1; g <= 4; g++) {
            last = publish(plans, draft("three", endpoints, g));
            Thread.sleep(700);
            for (int i = 0; i < endpoints; i += 37) {
                Endpoint e = ep("three", i);
                long now = observer.read(e).stamp().generation().value();
                Long before = seen.put(e, now);
                if (before != null && now < before) regressed.set(true);
            }
        }
        Plan latest = last;
        await().atMost(CONVERGE).pollInterval(Duration.ofMillis(300)).untilAsserted(() -> {
            assertThat(failures).isEmpty();
            for (int i = 0; i < endpoints; i++) assertThat(observer.read(ep("three", i)).stamp()).as("endpoint %d", i).isEqualTo(latest.stamp());
        });
        stop.set(true);
        for (Thread t : threads) t.join(30_000);
        assertThat(regressed).isFalse();
        for (int i = 0; i < endpoints; i += 50) assertThat(served(ep("three", i))).isEqualTo(addresses(latest.recordSets().get(ep("three", i))));
    }

    @Test
    void aWrongTsigKeyIsAClearErrorWritesNothingAndDoesNotStormTheServer() throws Exception {
        byte[] wrong = new byte[32];
        new SplittableRandom(99).nextBytes(wrong);
        Rfc2136Settings bad = settings().withTsig(Optional.of(TsigKey.fromBase64(LocalDnsServer.KEY_NAME, "hmac-sha256", Base64.getEncoder().encodeToString(wrong))))
                .withBackoffMs(2_000, 10_000);
        Rfc2136RecordStore store = store(bad, Rfc2136RecordStore.DriftListener.NONE);
        PlanDraft d = draft("badkey", 10, 1);
        Stamp s = Stamp.of(1, d.hash());
        List<ConditionalApply> applies = new ArrayList<>();
        d.recordSets().forEach((e, rs) -> applies.add(new ConditionalApply(e, Stamp.NONE, s, rs)));
        long serial = serial();

        assertThatThrownBy(() -> store.applyAllIfNewer(applies)).isInstanceOf(StoreUnavailableException.class)
                .hasMessageMatching("(?s).*(NOTAUTH|REFUSED).*").hasMessageContaining(LocalDnsServer.KEY_NAME).hasMessageContaining("recordStore.tsig");
        assertThat(store.failure()).hasValueSatisfying(f -> assertThat(f).containsAnyOf("NOTAUTH", "REFUSED"));
        assertThat(store.toString()).doesNotContain(server.secret()).doesNotContain(Base64.getEncoder().encodeToString(wrong));
        // An enactor ticking as fast as it can sends nothing more while the store backs off.
        InMemoryPlanStore plans = new InMemoryPlanStore();
        publish(plans, d);
        Enactor en = enactor("badkey", plans, store, 5);
        long sent = store.updatesSent();
        for (int i = 0; i < 200; i++) {
            TickResult r = en.tick();
            assertThat(r.applied()).isZero();
        }
        assertThat(store.updatesSent() - sent).isLessThanOrEqualTo(1);
        assertThat(serial()).isEqualTo(serial);
        assertThat(served(ep("badkey", 0))).isEmpty();
        // The probe (a signed UPDATE that changes nothing) tells a wrong key from a right one, and writes nothing either way.
        assertThat(store.probe()).isPresent();
        assertThat(store().probe()).isEmpty();
        assertThat(serial()).isEqualTo(serial);
    }

    @Test
    void aDriftedRecordIsFoundAndPutBackWithACompareAndSet() throws Exception {
        List<String> found = new CopyOnWriteArrayList<>();
        List<String> repaired = new CopyOnWriteArrayList<>();
        Rfc2136RecordStore store = store(settings(), new Rfc2136RecordStore.DriftListener() {
            @Override
            public void found(Endpoint endpoint, String what) {
                found.add(endpoint + " " + what);
            }

            @Override
            public void repaired(Endpoint endpoint, String what, Stamp stamp) {
                repaired.add(endpoint + " " + stamp);
            }
        });
        InMemoryPlanStore plans = new InMemoryPlanStore();
        Plan plan = publish(plans, draft("drift", 20, 1));
        Enactor en = enactor("drift", plans, store, 9);
        await().atMost(CONVERGE).until(() -> {
            en.tick();
            return store.read(ep("drift", 3)).stamp().equals(plan.stamp()) && store.read(ep("drift", 19)).stamp().equals(plan.stamp());
        });
        Endpoint victim = ep("drift", 3);
        // Behind Waymark's back: one address replaced by hand; the stamp stays.
        String gone = dualStack(1, 3).addresses().get(0).address().getHostAddress();
        server.nsupdate("update delete " + victim.name() + " A " + gone, "update add " + victim.name() + " 30 A 192.0.2.66");
        assertThat(served(victim)).contains("192.0.2.66").doesNotContain(gone);

        // Found within the read refresh (200 ms here) plus one walk, and put back by an ordinary enactor tick.
        await().atMost(CONVERGE).pollInterval(Duration.ofMillis(100)).until(() -> {
            en.tick();
            return !repaired.isEmpty();
        });
        assertThat(found).anySatisfy(f -> assertThat(f).startsWith(victim.name()).contains("192.0.2.66"));
        assertThat(repaired).anySatisfy(r -> assertThat(r).startsWith(victim.name()).contains(plan.stamp().toString()));
        assertThat(served(victim)).isEqualTo(addresses(plan.recordSets().get(victim)));
        assertThat(store.read(victim).stamp()).isEqualTo(plan.stamp());
    }

    @Test
    void retirementLeavesATombstoneThatOnlyANewerPlanPasses() throws Exception {
        Rfc2136RecordStore store = store();
        Endpoint e = ep("retire", 0);
        PlanDraft g1 = draft("retire", 1, 1);
        Stamp s1 = Stamp.of(1, g1.hash());
        assertThat(store.applyIfNewer(e, Stamp.NONE, s1, g1.recordSets().get(e))).isEqualTo(ApplyOutcome.APPLIED);
        assertThat(store.retire(e, Stamp.NONE)).isFalse();
        assertThat(store.retire(e, s1)).isTrue();
        assertThat(served(e)).isEmpty();
        Rfc2136RecordStore fresh = store();
        assertThat(fresh.read(e)).as("a tombstone: no stamp, no records, retired at g1").isEqualTo(StampedRecords.tombstone(Generation.of(1)));
        assertThat(fresh.endpoints()).doesNotContain(e);
        assertThat(fresh.retire(e, Stamp.NONE)).isTrue(); // idempotent
        // A stale enactor still applying g1 cannot bring it back; g2 can.
        assertThat(fresh.applyIfNewer(e, Stamp.NONE, s1, g1.recordSets().get(e))).isEqualTo(ApplyOutcome.SUPERSEDED);
        PlanDraft g2 = draft("retire", 1, 2);
        Stamp s2 = Stamp.of(2, g2.hash());
        assertThat(fresh.applyIfNewer(e, Stamp.NONE, s2, g2.recordSets().get(e))).isEqualTo(ApplyOutcome.APPLIED);
        assertThat(served(e)).isEqualTo(addresses(g2.recordSets().get(e)));
    }

    @Test
    void enactorsBackOffWhileTheServerIsDownAndRecoverOnTheirOwnAlsoAcrossARestartMidStream() throws Exception {
        InMemoryPlanStore plans = new InMemoryPlanStore();
        int endpoints = streamEndpoints();
        Rfc2136RecordStore s1 = store();
        Rfc2136RecordStore s2 = store();
        List<Enactor> enactors = List.of(enactor("d1", plans, s1, 11), enactor("d2", plans, s2, 12));
        AtomicBoolean stop = new AtomicBoolean();
        List<Throwable> failures = new CopyOnWriteArrayList<>();
        List<TickResult> unavailable = new CopyOnWriteArrayList<>();
        List<Thread> threads = new ArrayList<>();
        for (Enactor en : enactors) {
            threads.add(Thread.ofPlatform().name(en.id()).start(() -> {
                while (!stop.get()) {
                    try {
                        TickResult r = en.tick();
                        if (r.status() == TickStatus.STORE_UNAVAILABLE || r.failed() > 0) unavailable.add(r);
                        Thread.sleep(5);
                    } catch (InterruptedException x) {
                        return;
                    } catch (RuntimeException | Error t) {
                        failures.add(t);
                        return;
                    }
                }
            }));
        }
        try {
            // Mid-stream: the server restarts while a large plan is being applied.
            Plan p1 = publish(plans, draft("down", endpoints, 1));
            await().atMost(CONVERGE).until(() -> countAt(s1, "down", endpoints, p1) > 0);
            server.restart();
            Plan p2 = publish(plans, draft("down", endpoints, 2));
            awaitConverged(s1, "down", endpoints, p2, failures);

            // Down: both enactors fail fast while backing off, sending little.
            server.stop();
            Plan p3 = publish(plans, draft("down", endpoints, 3));
            long sent = s1.updatesSent() + s2.updatesSent();
            Thread.sleep(3_000);
            assertThat(unavailable).isNotEmpty();
            long sentWhileDown = s1.updatesSent() + s2.updatesSent() - sent;
            // Backoff from 50 ms to 1 s: a handful of probes in 3 s, not one per tick.
            assertThat(sentWhileDown).isLessThanOrEqualTo(30);
            assertThat(s1.refusedWhileBackingOff() + s2.refusedWhileBackingOff()).isPositive();
            server.startProcess();
            awaitConverged(s1, "down", endpoints, p3, failures);
        } finally {
            stop.set(true);
            for (Thread t : threads) t.join(30_000);
        }
        assertThat(failures).isEmpty();
    }

    private static int countAt(Rfc2136RecordStore s, String test, int endpoints, Plan plan) {
        int n = 0;
        for (int i = 0; i < endpoints; i++) if (s.read(ep(test, i)).stamp().equals(plan.stamp())) n++;
        return n;
    }

    private void awaitConverged(Rfc2136RecordStore s, String test, int endpoints, Plan plan, List<Throwable> failures) {
        await().atMost(CONVERGE).pollInterval(Duration.ofMillis(500)).ignoreExceptionsInstanceOf(StoreUnavailableException.class).untilAsserted(() -> {
            assertThat(failures).isEmpty();
            assertThat(countAt(s, test, endpoints, plan)).isEqualTo(endpoints);
        });
    }
}
