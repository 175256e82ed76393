package io.waymark.adapters.etcd;

import static io.waymark.adapters.Fixtures.endpoint;
import static io.waymark.adapters.Fixtures.records;
import static io.waymark.adapters.Fixtures.stamp;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.options.GetOption;
import io.waymark.core.model.ControlFlags;
import io.waymark.core.model.Endpoint;
import io.waymark.core.model.Generation;
import io.waymark.core.model.Plan;
import io.waymark.core.model.PlanDraft;
import io.waymark.core.model.RecordSet;
import io.waymark.core.model.Stamp;
import io.waymark.core.port.ApplyOutcome;
import io.waymark.core.port.ConditionalApply;
import io.waymark.core.port.PublishOutcome;
import io.waymark.core.port.StampedRecords;
import io.waymark.core.port.StoreUnavailableException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;

/**
 * The etcd plan and record stores against a real 3-member etcd cluster (one per class, each test under
 * its own key prefix): the same semantics as the file and embedded stores.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class EtcdStoresTest extends SharedEtcdCluster {
    private Etcd connect(TestInfo info) {
        return Etcd.connect(EtcdSettings.plain(cluster.endpoints(), "/t/" + info.getTestMethod().orElseThrow().getName() + "/").withRequestTimeoutMs(20_000));
    }

    static PlanDraft draft(long seed, int endpoints) {
        Map<Endpoint, RecordSet> sets = new TreeMap<>();
        for (int i = 0; i < endpoints; i++) sets.put(endpoint(i), records(endpoint(i), seed + i % 7));
        return PlanDraft.of(sets);
    }

    @Test
    void publishIsACompareAndSetOnTheLatestGeneration(TestInfo info) {
        try (Etcd e = connect(info)) {
            EtcdPlanStore store = new EtcdPlanStore(e);
            assertThat(store.latest()).isEmpty();
            assertThat(store.publish(Generation.of(3), draft(1, 3))).isEqualTo(new PublishOutcome.Conflict(Generation.ZERO));
            Plan p1 = ((PublishOutcome.Published) store.publish(Generation.ZERO, draft(1, 3))).plan();
            assertThat(p1.generation()).isEqualTo(Generation.of(1));
            // A stale publisher (it read g0) is refused and told the latest.
            assertThat(store.publish(Generation.ZERO, draft(2, 3))).isEqualTo(new PublishOutcome.Conflict(Generation.of(1)));
            Plan p2 = ((PublishOutcome.Published) store.publish(Generation.of(1), draft(2, 3))).plan();
            assertThat(p2.generation()).isEqualTo(Generation.of(2));
            // A second process sees exactly what was published, hash verified.
            try (Etcd other = connect(info)) {
                EtcdPlanStore seen = new EtcdPlanStore(other);
                assertThat(seen.latest()).contains(p2);
                assertThat(seen.read(Generation.of(1))).contains(p1);
                assertThat(seen.read(Generation.of(7))).isEmpty();
                assertThat(seen.history()).containsExactly(Generation.of(1), Generation.of(2));
            }
        }
    }

    @Test
    void concurrentPublishersFromOneGenerationHaveExactlyOneWinner(TestInfo info) throws Exception {
        int publishers = 6;
        List<Etcd> conns = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(publishers);
        try {
            for (int i = 0; i < publishers; i++) conns.add(connect(info));
            new EtcdPlanStore(conns.get(0)).publish(Generation.ZERO, draft(0, 2));
            for (int round = 1; round <= 5; round++) {
                CountDownLatch go = new CountDownLatch(1);
                List<Future<PublishOutcome>> outcomes = new ArrayList<>();
                for (int i = 0; i < publishers; i++) {
                    EtcdPlanStore s = new EtcdPlanStore(conns.get(i));
                    PlanDraft d = draft(round * 100 + i, 2);
                    Generation expected = Generation.of(round);
                    outcomes.add(pool.submit(() -> {
                        go.await();
                        return s.publish(expected, d);
                    }));
                }
                go.countDown();
                int won = 0;
                for (Future<PublishOutcome> f : outcomes) {
                    PublishOutcome o = f.get(2, TimeUnit.MINUTES);
                    if (o instanceof PublishOutcome.Published p) {
                        won++;
                        assertThat(p.plan().generation()).isEqualTo(Generation.of(round + 1));
                    } else {
                        assertThat(o).isEqualTo(new PublishOutcome.Conflict(Generation.of(round + 1)));
                    }
                }
                assertThat(won).as("round %d", round).isEqualTo(1);
            }
            // Losers' chunks were cleaned up: one chunk set per retained plan.
            GetResponseCount chunks = countKeys(conns.get(0), "plan/chunk/");
            assertThat(chunks.keys()).isEqualTo(6);
        } finally {
            pool.shutdownNow();
            conns.forEach(Etcd::close);
        }
    }

    private record GetResponseCount(long keys) {}

    private static GetResponseCount countKeys(Etcd e, String suffix) {
        var r = e.await(e.client().getKVClient().get(e.key(suffix), GetOption.builder().isPrefix(true).withCountOnly(true).build()), "count");
        return new GetResponseCount(r.getCount());
    }

    @Test
    void aPlanLargerThanEtcdsRequestLimitIsChunkedAndReadBackWhole(TestInfo info) {
        try (Etcd e = connect(info)) {
            EtcdPlanStore store = new EtcdPlanStore(e);
            PlanDraft big = draft(5, 30_000); // ~2.5 MB of JSON: etcd refuses requests over 1.5 MiB
            Plan p = ((PublishOutcome.Published) store.publish(Generation.ZERO, big)).plan();
            assertThat(countKeys(e, "plan/chunk/").keys()).isGreaterThan(1);
            try (Etcd other = connect(info)) {
                Plan back = new EtcdPlanStore(other).latest().orElseThrow();
                assertThat(back).isEqualTo(p);
                assertThat(back.verifyHash()).isTrue();
            }
        }
    }

    @Test
    void aDamagedChunkIsRefusedNeverServedAsAPlan(TestInfo info) {
        try (Etcd e = connect(info)) {
            EtcdPlanStore store = new EtcdPlanStore(e);
            store.publish(Generation.ZERO, draft(1, 50));
            store.publish(Generation.of(1), draft(2, 50));
            KeyValue chunk = e.await(e.client().getKVClient().get(e.key("plan/chunk/"), GetOption.builder().isPrefix(true).withLimit(1)
                    .withSortField(GetOption.SortTarget.CREATE).withSortOrder(GetOption.SortOrder.ASCEND).build()), "first chunk").getKvs().get(0);
            byte[] b = chunk.getValue().getBytes();
            b[b.length / 2] ^= 1;
            e.await(e.client().getKVClient().put(chunk.getKey(), ByteSequence.from(b)), "damage");
            try (Etcd other = connect(info)) {
                EtcdPlanStore fresh = new EtcdPlanStore(other);
                assertThatThrownBy(() -> fresh.read(Generation.of(1))).isInstanceOf(StoreUnavailableException.class).hasMessageContaining("SHA-256");
                assertThat(fresh.latest().orElseThrow().generation()).isEqualTo(Generation.of(2)); // the other plan is unaffected
            }
        }
    }

    @Test
    void deleteRefusesTheLatestAndIsIdempotent(TestInfo info) {
        try (Etcd e = connect(info)) {
            EtcdPlanStore store = new EtcdPlanStore(e);
            store.publish(Generation.ZERO, draft(1, 3));
            store.publish(Generation.of(1), draft(2, 3));
            assertThatThrownBy(() -> store.delete(Generation.of(2))).isInstanceOf(IllegalArgumentException.class);
            assertThat(store.delete(Generation.of(1))).isTrue();
            assertThat(store.delete(Generation.of(1))).isFalse();
            assertThat(store.history()).containsExactly(Generation.of(2));
            assertThat(store.read(Generation.of(1))).isEmpty();
            assertThat(countKeys(e, "plan/chunk/").keys()).isEqualTo(1);
        }
    }

    @Test
    void theGenerationFloorOutlivesALostLatestPointer(TestInfo info) {
        try (Etcd e = connect(info)) {
            EtcdPlanStore store = new EtcdPlanStore(e);
            for (int g = 0; g < 4; g++) store.publish(Generation.of(g), draft(g, 2));
            // An operator wipes the plans (not the floor): generations still never repeat (I6).
            e.await(e.client().getKVClient().delete(e.key("plan/latest")), "wipe latest");
            e.await(e.client().getKVClient().delete(e.key("plan/g/"), io.etcd.jetcd.options.DeleteOption.builder().isPrefix(true).build()), "wipe plans");
            assertThat(store.latest()).isEmpty();
            Plan next = ((PublishOutcome.Published) store.publish(Generation.ZERO, draft(9, 2))).plan();
            assertThat(next.generation()).isEqualTo(Generation.of(5));
        }
    }

    @Test
    void flagsAreACompareAndSetThatLosesNoWritersFlag(TestInfo info) throws Exception {
        try (Etcd a = connect(info); Etcd b = connect(info)) {
            EtcdPlanStore sa = new EtcdPlanStore(a);
            EtcdPlanStore sb = new EtcdPlanStore(b);
            assertThat(sa.flags()).isEqualTo(ControlFlags.NONE);
            assertThat(sa.updateFlags(ControlFlags.NONE, ControlFlags.NONE.withPaused(true))).isTrue();
            // b read NONE before a's write: its CAS is stale and refused, nothing written.
            assertThat(sb.updateFlags(ControlFlags.NONE, ControlFlags.NONE.withPinned(true))).isFalse();
            assertThat(sb.flags()).isEqualTo(new ControlFlags(true, false));
            // Many concurrent read-modify-writes of different flags: every acknowledged one holds.
            AtomicInteger pinAcks = new AtomicInteger();
            ExecutorService pool = Executors.newFixedThreadPool(2);
            try {
                Future<?> pin = pool.submit(() -> {
                    while (true) {
                        ControlFlags f = sb.flags();
                        if (sb.updateFlags(f, f.withPinned(true))) {
                            pinAcks.incrementAndGet();
                            return null;
                        }
                    }
                });
                Future<?> toggle = pool.submit(() -> {
                    for (int i = 0; i < 20; i++) {
                        ControlFlags f = sa.flags();
                        sa.updateFlags(f, f.withPaused(!f.paused()));
                    }
                    return null;
                });
                pin.get(2, TimeUnit.MINUTES);
                toggle.get(2, TimeUnit.MINUTES);
            } finally {
                pool.shutdownNow();
            }
            assertThat(pinAcks).hasValue(1);
            assertThat(sa.flags().pinned()).isTrue();
        }
    }

    @Test
    void applyIfNewerIsACompareAndSetOnTheStamp(TestInfo info) {
        try (Etcd e = connect(info)) {
            EtcdRecordStore store = new EtcdRecordStore(e);
            Endpoint api = endpoint(1);
            assertThat(store.read(api)).isEqualTo(StampedRecords.ABSENT);
            assertThat(store.applyIfNewer(api, Stamp.NONE, stamp(2), records(api, 2))).isEqualTo(ApplyOutcome.APPLIED);
            assertThat(store.read(api)).isEqualTo(new StampedRecords(stamp(2), java.util.Optional.of(records(api, 2))));
            // Older or equal plan: superseded. Wrong expectation: conflict. Neither writes.
            assertThat(store.applyIfNewer(api, stamp(2), stamp(1), records(api, 1))).isEqualTo(ApplyOutcome.SUPERSEDED);
            assertThat(store.applyIfNewer(api, stamp(2), stamp(2), records(api, 2))).isEqualTo(ApplyOutcome.SUPERSEDED);
            assertThat(store.applyIfNewer(api, Stamp.NONE, stamp(3), records(api, 3))).isEqualTo(ApplyOutcome.CONFLICT);
            assertThat(store.read(api).stamp()).isEqualTo(stamp(2));
            assertThat(store.applyIfNewer(api, stamp(2), stamp(3), records(api, 3))).isEqualTo(ApplyOutcome.APPLIED);
            assertThat(store.endpoints()).containsExactly(api);
            assertThatThrownBy(() -> store.applyIfNewer(api, stamp(3), stamp(4), null)).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void retiredEndpointsKeepTheirHighWater(TestInfo info) {
        try (Etcd e = connect(info)) {
            EtcdRecordStore store = new EtcdRecordStore(e);
            Endpoint old = endpoint(7);
            store.applyIfNewer(old, Stamp.NONE, stamp(4), records(old, 4));
            assertThat(store.retire(old, stamp(3))).isFalse();
            assertThat(store.retire(old, stamp(4))).isTrue();
            assertThat(store.read(old)).as("a tombstone: no stamp, no records, retired at g4").isEqualTo(StampedRecords.tombstone(Generation.of(4)));
            assertThat(store.endpoints()).doesNotContain(old);
            assertThat(store.retire(old, Stamp.NONE)).isTrue(); // idempotent
            // A stale enactor still applying g4 (or older) cannot bring it back; a newer plan can.
            assertThat(store.applyIfNewer(old, Stamp.NONE, stamp(4), records(old, 4))).isEqualTo(ApplyOutcome.SUPERSEDED);
            assertThat(store.applyIfNewer(old, Stamp.NONE, stamp(5), records(old, 5))).isEqualTo(ApplyOutcome.APPLIED);
            assertThat(store.endpoints()).containsExactly(old);
        }
    }

    @Test
    void batchedAppliesHaveTheOutcomesOfOneCompareAndSetEach(TestInfo info) {
        try (Etcd e = connect(info)) {
            EtcdRecordStore store = new EtcdRecordStore(e);
            int n = 150; // three batches
            for (int i = 0; i < n; i += 3) store.applyIfNewer(endpoint(i), Stamp.NONE, stamp(5), records(endpoint(i), 5));
            List<ConditionalApply> applies = new ArrayList<>();
            for (int i = 0; i < n; i++) applies.add(new ConditionalApply(endpoint(i), Stamp.NONE, stamp(4), records(endpoint(i), 4)));
            List<ApplyOutcome> outcomes = store.applyAllIfNewer(applies);
            for (int i = 0; i < n; i++) {
                assertThat(outcomes.get(i)).as("endpoint %d", i).isEqualTo(i % 3 == 0 ? ApplyOutcome.SUPERSEDED : ApplyOutcome.APPLIED);
                assertThat(store.read(endpoint(i)).stamp()).isEqualTo(i % 3 == 0 ? stamp(5) : stamp(4));
            }
            assertThat(store.endpoints()).hasSize(n);
        }
    }

    @Test
    void anUndecodableValueReadsAsUnreadableAndIsHealedByItsExactValue(TestInfo info) {
        try (Etcd e = connect(info)) {
            EtcdRecordStore store = new EtcdRecordStore(e);
            Endpoint api = endpoint(3);
            e.await(e.client().getKVClient().put(e.key("records/" + api.name()), ByteSequence.from("garbage", StandardCharsets.UTF_8)), "garble");
            Stamp unreadable = store.read(api).stamp();
            assertThat(unreadable.isNone()).isTrue();
            assertThat(store.applyIfNewer(api, Stamp.NONE, stamp(1), records(api, 1))).isEqualTo(ApplyOutcome.CONFLICT);
            assertThat(store.applyIfNewer(api, unreadable, stamp(1), records(api, 1))).isEqualTo(ApplyOutcome.APPLIED);
            assertThat(store.read(api).stamp()).isEqualTo(stamp(1));
        }
    }

    @Test
    void theDnsFeedLoadsThenFollowsAppliesAndRetirementsInOrder(TestInfo info) {
        Map<Endpoint, RecordSet> dns = new java.util.concurrent.ConcurrentHashMap<>();
        java.util.concurrent.atomic.AtomicInteger snapshots = new java.util.concurrent.atomic.AtomicInteger();
        try (Etcd e = connect(info); Etcd dnsSide = connect(info);
                EtcdRecordFeed feed = new EtcdRecordFeed(dnsSide, io.waymark.adapters.record.ServingSink.removing((changed, removed) -> {
                    snapshots.incrementAndGet();
                    dns.putAll(changed);
                    dns.keySet().removeAll(removed);
                }))) {
            EtcdRecordStore store = new EtcdRecordStore(e);
            int n = 2 * EtcdRecordFeed.PAGE_KEYS + 10; // the full read takes three pages
            List<ConditionalApply> applies = new ArrayList<>();
            for (int i = 0; i < n; i++) applies.add(new ConditionalApply(endpoint(i), Stamp.NONE, stamp(1), records(endpoint(i), 1)));
            store.applyAllIfNewer(applies);
            EtcdRecordFeed.Status s = feed.step(System.nanoTime());
            assertThat(s.loaded()).isTrue();
            assertThat(s.endpoints()).isEqualTo(n);
            assertThat(dns).hasSize(n).containsEntry(endpoint(5), records(endpoint(5), 1));
            assertThat(snapshots).hasValue(1); // one snapshot for the whole load
            store.applyIfNewer(endpoint(5), stamp(1), stamp(2), records(endpoint(5), 2));
            store.retire(endpoint(6), stamp(1));
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofMinutes(1))
                    .until(() -> records(endpoint(5), 2).equals(dns.get(endpoint(5))) && !dns.containsKey(endpoint(6)));
            assertThat(feed.served(endpoint(5))).contains(stamp(2));
            assertThat(dns).hasSize(n - 1);
        }
    }

    @Test
    void oneLeaderAtATimeAndALeaderThatLostItsLeaseCannotPublish(TestInfo info) {
        try (Etcd a = connect(info); Etcd b = connect(info)) {
            EtcdLeadership la = new EtcdLeadership(a, new EtcdLease(a, 2), "planner", "planner-a");
            EtcdLeadership lb = new EtcdLeadership(b, new EtcdLease(b, 2), "planner", "planner-b");
            assertThat(la.step(System.nanoTime())).isTrue();
            assertThat(lb.step(System.nanoTime())).isFalse();
            assertThat(lb.leader()).contains("planner-a");
            EtcdPlanStore storeA = new EtcdPlanStore(a).fencedBy(la.fence());
            EtcdPlanStore storeB = new EtcdPlanStore(b).fencedBy(lb.fence());
            assertThat(storeA.publish(Generation.ZERO, draft(1, 2))).isInstanceOf(PublishOutcome.Published.class);
            assertThatThrownBy(() -> storeB.publish(Generation.of(1), draft(2, 2))).isInstanceOf(StoreUnavailableException.class)
                    .hasMessageContaining("does not lead");
            // a stops stepping (a paused process): it stops believing it leads before etcd expires its key...
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30)).until(() -> !la.leads(System.nanoTime()));
            // ...and b takes over once etcd has expired it.
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(60)).pollInterval(java.time.Duration.ofMillis(200))
                    .until(() -> lb.step(System.nanoTime()));
            // The old leader's publish, had it been on the wire, is refused by the fence.
            assertThatThrownBy(() -> storeA.publish(Generation.of(1), draft(3, 2))).isInstanceOf(StoreUnavailableException.class);
            assertThat(storeB.publish(Generation.of(1), draft(4, 2))).isInstanceOf(PublishOutcome.Published.class);
            assertThat(la.step(System.nanoTime())).isFalse();
            assertThat(la.leader()).contains("planner-b");
        }
    }

    @Test
    void presenceKeysListLiveProcessesAndVanishWithTheirLease(TestInfo info) {
        try (Etcd a = connect(info); Etcd b = connect(info)) {
            EtcdLease leaseA = new EtcdLease(a, 2);
            EtcdPresence pa = new EtcdPresence(a, leaseA, 0);
            EtcdPresence pb = new EtcdPresence(b, new EtcdLease(b, 30), 0);
            assertThat(pa.step(System.nanoTime(), "enactor", "az1", "{\"zone\":\"az1\"}")).isTrue();
            assertThat(pb.step(System.nanoTime(), "dns", "dns-1", "{}")).isTrue();
            assertThat(EtcdPresence.list(a)).extracting(EtcdPresence.Member::role, EtcdPresence.Member::id)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple("dns", "dns-1"), org.assertj.core.groups.Tuple.tuple("enactor", "az1"));
            // az1 stops refreshing (killed): its entry expires with its lease.
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(60)).pollInterval(java.time.Duration.ofMillis(300))
                    .until(() -> EtcdPresence.list(b).stream().noneMatch(m -> m.id().equals("az1")));
            assertThat(EtcdPresence.list(b)).extracting(EtcdPresence.Member::id).containsExactly("dns-1");
        }
    }

    @Test
    void contendedBatchesStillGiveExactlyOneWinnerPerEndpoint(TestInfo info) throws Exception {
        int n = 20 * EtcdRecordStore.BATCH_ENDPOINTS_MAX; // more than one wave of batches in flight
        try (Etcd a = connect(info); Etcd b = connect(info)) {
            List<List<ConditionalApply>> requests = new ArrayList<>();
            for (long g : new long[] {4, 5}) {
                List<ConditionalApply> applies = new ArrayList<>();
                for (int i = 0; i < n; i++) applies.add(new ConditionalApply(endpoint(i), Stamp.NONE, stamp(g), records(endpoint(i), g)));
                java.util.Collections.shuffle(applies, new java.util.Random(g)); // different orders: the batches collide
                requests.add(applies);
            }
            ExecutorService pool = Executors.newFixedThreadPool(2);
            try {
                CountDownLatch go = new CountDownLatch(1);
                Future<List<ApplyOutcome>> fa = pool.submit(() -> {
                    go.await();
                    return new EtcdRecordStore(a).applyAllIfNewer(requests.get(0));
                });
                Future<List<ApplyOutcome>> fb = pool.submit(() -> {
                    go.await();
                    return new EtcdRecordStore(b).applyAllIfNewer(requests.get(1));
                });
                go.countDown();
                Map<Endpoint, ApplyOutcome> byA = new java.util.HashMap<>();
                Map<Endpoint, ApplyOutcome> byB = new java.util.HashMap<>();
                List<ApplyOutcome> oa = fa.get(3, TimeUnit.MINUTES);
                List<ApplyOutcome> ob = fb.get(3, TimeUnit.MINUTES);
                for (int i = 0; i < n; i++) {
                    byA.put(requests.get(0).get(i).endpoint(), oa.get(i));
                    byB.put(requests.get(1).get(i).endpoint(), ob.get(i));
                }
                EtcdRecordStore reader = new EtcdRecordStore(a);
                for (int i = 0; i < n; i++) {
                    Endpoint e = endpoint(i);
                    Stamp now = reader.read(e).stamp();
                    // Both expected an empty endpoint: exactly one of them wrote it, and what is stored is the winner's.
                    assertThat(List.of(byA.get(e), byB.get(e))).as("%s", e).containsOnlyOnce(ApplyOutcome.APPLIED);
                    assertThat(now).as("%s", e).isEqualTo(byA.get(e) == ApplyOutcome.APPLIED ? stamp(4) : stamp(5));
                }
            } finally {
                pool.shutdownNow();
            }
        }
    }
}
