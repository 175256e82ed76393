package io.waymark.adapters.etcd;

import static io.waymark.adapters.Fixtures.endpoint;
import static io.waymark.adapters.Fixtures.records;
import static io.waymark.adapters.Fixtures.stamp;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.waymark.adapters.etcd.Linearizability.Operation;
import io.waymark.core.model.ControlFlags;
import io.waymark.core.model.Endpoint;
import io.waymark.core.model.Generation;
import io.waymark.core.model.Plan;
import io.waymark.core.model.PlanDraft;
import io.waymark.core.model.PlanHash;
import io.waymark.core.model.Stamp;
import io.waymark.core.port.ApplyOutcome;
import io.waymark.core.port.PublishOutcome;
import io.waymark.core.port.StoreUnavailableException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;

/**
 * The etcd stores under member faults, Jepsen's way at our scale: clients record every operation
 * (invocation, completion, result — or "unknown" when the request failed) while a nemesis kills,
 * restarts, pauses and resumes members; afterwards each key's history must be linearizable for its
 * compare-and-set model ({@link CasModels}). And with quorum lost, writes stop and resume on their own.
 */
@Timeout(value = 6, unit = TimeUnit.MINUTES)
class EtcdFaultTest extends SharedEtcdCluster {
    private static final int CLIENTS = 4;
    private static final Duration RUN = Duration.ofSeconds(25);
    private static final int ENDPOINTS = 3;

    private static Etcd connect(String prefix, long timeoutMs) {
        return Etcd.connect(EtcdSettings.plain(cluster.endpoints(), prefix).withRequestTimeoutMs(timeoutMs));
    }

    /** Thread-safe history of one run, per object. */
    private static final class History {
        final Map<String, List<Operation>> byKey = new HashMap<>();

        synchronized void add(String key, Operation op) {
            byKey.computeIfAbsent(key, k -> new ArrayList<>()).add(op);
        }
    }

    @Test
    void historiesUnderMemberKillsAndPausesAreLinearizable(TestInfo info) throws Exception {
        String prefix = "/t/" + info.getTestMethod().orElseThrow().getName() + "/";
        History history = new History();
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicLong nextGeneration = new AtomicLong(1);
        Map<PlanHash, Integer> publishedDrafts = Collections.synchronizedMap(new HashMap<>());
        List<Operation> unknownPublishes = Collections.synchronizedList(new ArrayList<>());
        Map<Operation, PlanHash> unknownPublishHashes = Collections.synchronizedMap(new HashMap<>());
        ExecutorService pool = Executors.newFixedThreadPool(CLIENTS + 1);
        List<Future<Long>> clients = new ArrayList<>();
        List<String> faults = Collections.synchronizedList(new ArrayList<>());
        try {
            for (int c = 0; c < CLIENTS; c++) {
                int id = c;
                clients.add(pool.submit(() -> client(id, prefix, running, history, nextGeneration, unknownPublishes, unknownPublishHashes)));
            }
            Future<?> nemesis = pool.submit(() -> nemesis(running, faults));
            Thread.sleep(RUN.toMillis());
            running.set(false);
            nemesis.get(2, TimeUnit.MINUTES);
            long ops = 0;
            for (Future<Long> f : clients) ops += f.get(2, TimeUnit.MINUTES);
            assertThat(ops).as("operations completed").isGreaterThan(100);
        } finally {
            running.set(false);
            pool.shutdownNow();
            for (int i = 0; i < cluster.size(); i++) {
                if (!cluster.running(i)) cluster.restart(i);
            }
            for (int i = 0; i < cluster.size(); i++) cluster.awaitHealthy(i);
        }
        // Resolve publishes whose answer was lost: found in the store → took effect at that generation.
        try (Etcd e = connect(prefix, 30_000)) {
            EtcdPlanStore store = new EtcdPlanStore(e);
            Map<PlanHash, Plan> stored = new HashMap<>();
            for (Generation g : store.history()) {
                Optional<Plan> p = store.read(g);
                if (p.isPresent()) assertThat(stored.put(p.get().hash(), p.get())).as("two stored plans with the hash of %s: lost publishes cannot be matched", g).isNull();
            }
            for (Operation u : unknownPublishes) {
                Plan p = stored.get(unknownPublishHashes.get(u));
                history.add("plans", p == null ? u : new Operation(u.process(), u.invokedNanos(), Operation.NEVER, u.input(), new PublishOutcome.Published(p)));
            }
        }
        assertThat(faults).as("faults injected").isNotEmpty();
        int unknown = 0;
        for (Map.Entry<String, List<Operation>> e : history.byKey.entrySet()) {
            Linearizability.Model<?> model = e.getKey().equals("plans") ? CasModels.PLANS : e.getKey().equals("flags") ? CasModels.FLAGS : CasModels.RECORD;
            Linearizability.Result r = new Linearizability<>(model).check(e.getValue());
            for (Operation o : e.getValue()) if (o.output() == null) unknown++;
            assertThat(r.linearizable()).as("history of %s (%d operations, faults %s) not linearizable; longest legal prefix %s",
                    e.getKey(), e.getValue().size(), faults, r.longestPrefix()).isTrue();
        }
        System.out.printf("linearizability: %d keys, %d operations (%d of unknown outcome), faults %s%n", history.byKey.size(),
                history.byKey.values().stream().mapToInt(List::size).sum(), unknown, faults);
    }

    /** One client: random operations on three endpoints, the plan store and the flags, each recorded. */
    private long client(int id, String prefix, AtomicBoolean running, History history, AtomicLong nextGeneration,
            List<Operation> unknownPublishes, Map<Operation, PlanHash> unknownPublishHashes) {
        SplittableRandom random = new SplittableRandom(id * 7919L + 1);
        long ops = 0;
        // Every attempt publishes a draft of its own: publishes whose answer was lost are matched to
        // the store's plans by hash afterwards, and two attempts with one draft (the count of completed
        // operations does not move on a lost answer) made that match ambiguous — a lost publish that
        // never took effect was credited with its twin's plan, and the history failed the check.
        long attempts = 0;
        try (Etcd e = connect(prefix, 3_000)) {
            EtcdRecordStore records = new EtcdRecordStore(e);
            EtcdPlanStore plans = new EtcdPlanStore(e);
            Map<Endpoint, Stamp> lastSeen = new HashMap<>();
            Generation lastLatest = Generation.ZERO;
            ControlFlags lastFlags = ControlFlags.NONE;
            while (running.get()) { // bounded by RUN: every request is bounded by the client's timeout
                int kind = random.nextInt(10);
                Endpoint ep = endpoint(random.nextInt(ENDPOINTS));
                long t0 = System.nanoTime();
                Object input;
                String key;
                if (kind < 3) {
                    key = ep.name();
                    input = new CasModels.Read();
                } else if (kind < 6) {
                    key = ep.name();
                    Stamp expected = random.nextInt(5) == 0 ? Stamp.NONE : lastSeen.getOrDefault(ep, Stamp.NONE);
                    input = new CasModels.Apply(expected, stamp(nextGeneration.getAndIncrement()));
                } else if (kind < 7) {
                    key = "plans";
                    input = new CasModels.Latest();
                } else if (kind < 8) {
                    key = "plans";
                    input = new CasModels.Publish(lastLatest);
                } else if (kind < 9) {
                    key = "flags";
                    input = new CasModels.Flags();
                } else {
                    key = "flags";
                    input = new CasModels.UpdateFlags(lastFlags, lastFlags.withPaused(random.nextBoolean()).withPinned(random.nextBoolean()));
                }
                PlanDraft draft = input instanceof CasModels.Publish ? EtcdStoresTest.draft(id * 1_000_000L + attempts, 2) : null;
                attempts++;
                Object output;
                try {
                    output = switch (input) {
                        case CasModels.Read r -> records.read(ep).stamp();
                        case CasModels.Apply a -> records.applyIfNewer(ep, a.expected(), a.next(), records(ep, a.next().generation().value()));
                        case CasModels.Latest l -> plans.latest().map(Plan::generation).orElse(Generation.ZERO);
                        case CasModels.Publish p -> plans.publish(p.expected(), draft);
                        case CasModels.Flags f -> plans.flags();
                        case CasModels.UpdateFlags u -> plans.updateFlags(u.expected(), u.next());
                        default -> throw new IllegalStateException();
                    };
                } catch (StoreUnavailableException ex) {
                    Operation op = new Operation(id, t0, Operation.NEVER, input, null);
                    if (input instanceof CasModels.Publish) {
                        unknownPublishes.add(op);
                        unknownPublishHashes.put(op, draft.hash());
                    } else {
                        history.add(key, op);
                    }
                    continue;
                }
                long t1 = System.nanoTime();
                history.add(key, new Operation(id, t0, t1, input, output));
                ops++;
                switch (output) {
                    case Stamp s -> lastSeen.put(ep, s);
                    case Generation g -> lastLatest = g;
                    case PublishOutcome.Published p -> lastLatest = p.plan().generation();
                    case PublishOutcome.Conflict c -> lastLatest = c.actualLatest();
                    case ControlFlags f -> lastFlags = f;
                    case ApplyOutcome o when o == ApplyOutcome.APPLIED -> lastSeen.put(ep, ((CasModels.Apply) input).next());
                    default -> { }
                }
            }
        }
        return ops;
    }

    /** Every ~3 s one fault on one member (never two at once): kill -9 and restart, or SIGSTOP and SIGCONT. */
    private void nemesis(AtomicBoolean running, List<String> faults) {
        SplittableRandom random = new SplittableRandom(42);
        try {
            Thread.sleep(2_000);
            while (running.get()) {
                int m = random.nextInt(cluster.size());
                if (random.nextBoolean()) {
                    faults.add("kill m" + m);
                    cluster.kill(m);
                    Thread.sleep(2_500);
                    cluster.restart(m);
                    cluster.awaitHealthy(m);
                } else {
                    faults.add("pause m" + m);
                    cluster.pause(m);
                    Thread.sleep(2_500);
                    cluster.resume(m);
                }
                Thread.sleep(1_000);
            }
        } catch (Exception e) {
            throw new IllegalStateException("nemesis failed", e);
        }
    }

    @Test
    void withQuorumLostWritesStopAndResumeOnTheirOwn(TestInfo info) throws Exception {
        String prefix = "/t/" + info.getTestMethod().orElseThrow().getName() + "/";
        Map<Endpoint, io.waymark.core.model.RecordSet> dns = new java.util.concurrent.ConcurrentHashMap<>();
        try (Etcd e = connect(prefix, 2_000); Etcd dnsSide = connect(prefix, 2_000);
                EtcdRecordFeed feed = new EtcdRecordFeed(dnsSide, io.waymark.adapters.record.ServingSink.removing((changed, removed) -> {
                    dns.putAll(changed);
                    dns.keySet().removeAll(removed);
                }))) {
            EtcdRecordStore records = new EtcdRecordStore(e);
            EtcdPlanStore plans = new EtcdPlanStore(e);
            Endpoint api = endpoint(1);
            assertThat(records.applyIfNewer(api, Stamp.NONE, stamp(1), records(api, 1))).isEqualTo(ApplyOutcome.APPLIED);
            plans.publish(Generation.ZERO, EtcdStoresTest.draft(1, 2));
            assertThat(feed.step(System.nanoTime()).reachable()).isTrue();
            assertThat(dns).containsEntry(api, records(api, 1));
            cluster.stop(1);
            cluster.stop(2);
            try {
                // The DNS side keeps what it had and says that etcd is unreachable.
                EtcdRecordFeed.Status down = feed.step(System.nanoTime());
                assertThat(down.reachable()).isFalse();
                assertThat(down.unreachableSinceNanos()).isNotZero();
                assertThat(down.loaded()).isTrue();
                assertThat(dns).containsEntry(api, records(api, 1));
                // One member alone has no quorum: it refuses writes and linearizable reads; nothing is written.
                assertThatThrownBy(() -> records.applyIfNewer(api, stamp(1), stamp(2), records(api, 2))).isInstanceOf(StoreUnavailableException.class);
                assertThatThrownBy(() -> plans.publish(Generation.of(1), EtcdStoresTest.draft(2, 2))).isInstanceOf(StoreUnavailableException.class);
                assertThatThrownBy(plans::flags).isInstanceOf(StoreUnavailableException.class);
            } finally {
                cluster.restart(1);
                cluster.restart(2);
            }
            // The same client, no operator action: writes resume once quorum is back. (The refused
            // writes' outcome was unknown, not "nothing": the lone member may have logged them, and a
            // leader elected with that log commits them. So the next write compares with what is there.)
            await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(500)).ignoreExceptions()
                    .until(() -> records.applyIfNewer(api, records.read(api).stamp(), stamp(3), records(api, 3)) == ApplyOutcome.APPLIED);
            assertThat(records.read(api).stamp()).isEqualTo(stamp(3));
            // ...and the DNS side follows again, by itself.
            await().atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofMillis(200)).until(() -> feed.step(System.nanoTime()).reachable() && records(api, 3).equals(dns.get(api)));
            assertThat(plans.latest().orElseThrow().generation().value()).isBetween(1L, 2L);
        } finally {
            for (int i = 0; i < cluster.size(); i++) cluster.awaitHealthy(i);
        }
    }

    @Test
    void theCheckerRejectsARealHistoryFromAStoreThatReadsThenWritesWithoutComparing(TestInfo info) throws Exception {
        // A store with the classic bug (the incident's): decide on a read, then put unconditionally.
        // Both clients read the empty endpoint before either writes (a barrier makes the race certain),
        // both are told APPLIED: the recorded history, taken against real etcd, must be rejected.
        String prefix = "/t/" + info.getTestMethod().orElseThrow().getName() + "/";
        Endpoint api = endpoint(1);
        java.util.concurrent.CyclicBarrier bothRead = new java.util.concurrent.CyclicBarrier(2);
        History history = new History();
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            List<Future<?>> clients = new ArrayList<>();
            for (int c = 0; c < 2; c++) {
                int id = c;
                clients.add(pool.submit(() -> {
                    try (Etcd e = connect(prefix, 10_000)) {
                        EtcdRecordStore store = new EtcdRecordStore(e);
                        Stamp next = stamp(10 + id);
                        long t0 = System.nanoTime();
                        Stamp seen = store.read(api).stamp();
                        bothRead.await(1, TimeUnit.MINUTES);
                        ApplyOutcome o = io.waymark.adapters.record.EmbeddedRecordStore.decide(seen, null, Stamp.NONE, next);
                        if (o == ApplyOutcome.APPLIED) {
                            e.await(e.client().getKVClient().put(e.key("records/" + api.name()),
                                    io.etcd.jetcd.ByteSequence.from(io.waymark.adapters.record.StampedRecordCodec.encode(api, next, records(api, 10 + id)))), "naive put");
                        }
                        history.add(api.name(), new Operation(id, t0, System.nanoTime(), new CasModels.Apply(Stamp.NONE, next), o));
                    }
                    return null;
                }));
            }
            for (Future<?> f : clients) f.get(2, TimeUnit.MINUTES);
        } finally {
            pool.shutdownNow();
        }
        List<Operation> ops = history.byKey.get(api.name());
        assertThat(ops).extracting(Operation::output).containsOnly(ApplyOutcome.APPLIED);
        assertThat(new Linearizability<>(CasModels.RECORD).check(ops).linearizable()).isFalse();
        // The real store on the same race: one APPLIED, one CONFLICT, and the history checks out.
        History real = new History();
        Endpoint web = endpoint(2);
        try (Etcd a = connect(prefix, 10_000); Etcd b = connect(prefix, 10_000)) {
            long t0 = System.nanoTime();
            ApplyOutcome first = new EtcdRecordStore(a).applyIfNewer(web, Stamp.NONE, stamp(10), records(web, 10));
            real.add(web.name(), new Operation(0, t0, System.nanoTime(), new CasModels.Apply(Stamp.NONE, stamp(10)), first));
            long t1 = System.nanoTime();
            ApplyOutcome second = new EtcdRecordStore(b).applyIfNewer(web, Stamp.NONE, stamp(11), records(web, 11));
            real.add(web.name(), new Operation(1, t1, System.nanoTime(), new CasModels.Apply(Stamp.NONE, stamp(11)), second));
            assertThat(List.of(first, second)).containsExactly(ApplyOutcome.APPLIED, ApplyOutcome.CONFLICT);
        }
        assertThat(new Linearizability<>(CasModels.RECORD).check(real.byKey.get(web.name())).linearizable()).isTrue();
    }
}
