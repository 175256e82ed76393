package io.waymark.core.planner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.waymark.core.memory.InMemoryPlanStore;
import io.waymark.core.model.AddressFamily;
import io.waymark.core.model.Endpoint;
import io.waymark.core.model.Generation;
import io.waymark.core.model.Plan;
import io.waymark.core.model.PlanDraft;
import io.waymark.core.model.RecordSet;
import io.waymark.core.model.Target;
import io.waymark.core.model.WeightedAddress;
import io.waymark.core.port.PublishOutcome;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** The boundaries of "removed in the window", exactly. */
class RemovalHistoryTest {
    static final long WINDOW = 60_000;
    static final Endpoint A = Endpoint.of("a.test.");
    static final Endpoint B = Endpoint.of("b.test.");
    final InMemoryPlanStore store = new InMemoryPlanStore();
    final RemovalHistory history = new RemovalHistory(8, WINDOW);

    /** a.test. and b.test. behind t1 (10.0.0.1, capacity 7), t2 (10.0.0.2, 5) and t6 (2001:db8::6, 3). */
    static Topology topology() {
        List<Target> t = List.of(new Target("t1", WeightedAddress.parseLiteral("10.0.0.1"), "z", 7),
                new Target("t2", WeightedAddress.parseLiteral("10.0.0.2"), "z", 5),
                new Target("t6", WeightedAddress.parseLiteral("2001:db8::6"), "z", 3));
        return Topology.of(List.of(new EndpointSpec(A, 30, t), new EndpointSpec(B, 30, t)));
    }

    static RecordSet rs(String... addresses) {
        List<WeightedAddress> list = new ArrayList<>();
        for (String a : addresses) list.add(WeightedAddress.of(a, 1));
        return new RecordSet(list, 30);
    }

    Plan publish(long atMillis, Map<Endpoint, RecordSet> sets) {
        Generation latest = store.latest().map(Plan::generation).orElse(Generation.ZERO);
        PlanDraft d = new PlanDraft(new TreeMap<>(sets), false).publishedAt(atMillis);
        return ((PublishOutcome.Published) store.publish(latest, d)).plan();
    }

    Map<Endpoint, Map<AddressFamily, Long>> at(long wall) {
        return history.removedInWindow(store, topology(), new TickTime(wall, 0)); // monotonic unused: nothing seen appear
    }

    Map<Endpoint, Map<AddressFamily, Long>> at(long wall, long monotonicNanos) {
        return history.removedInWindow(store, topology(), new TickTime(wall, monotonicNanos));
    }

    @Test
    void theFirstLookCountsEveryScannedPlanAsSeenNow() {
        // Seed 115 (V1): publish times are other processes' wall clocks, which can be behind this one's;
        // on its first look a process cannot tell an old removal from a fresh one stamped by a slow clock.
        publish(1_000_000, Map.of(A, rs("10.0.0.1", "10.0.0.2", "2001:db8::6")));
        publish(1_000_000, Map.of(A, rs("10.0.0.2")));
        // t1 (7, IPv4) and t6 (3, IPv6) removed "ten windows ago" by the publisher's clock: inside, for a
        // window of this process's monotonic clock from its first look.
        assertThat(at(1_000_000 + 10 * WINDOW, 0)).isEqualTo(Map.of(A, Map.of(AddressFamily.IPV4, 7L, AddressFamily.IPV6, 3L)));
        assertThat(at(1_000_000 + 10 * WINDOW, WINDOW * 1_000_000L - 1)).containsKey(A);
        assertThat(at(1_000_000, WINDOW * 1_000_000L)).isEmpty();
    }

    @Test
    void plansSeenAppearAreAgedOnTheMonotonicClock() {
        publish(1_000_000, Map.of(A, rs("10.0.0.1", "10.0.0.2")));
        assertThat(history.removedInWindow(store, topology(), new TickTime(1_000_000, 0))).isEmpty(); // first look
        publish(1_000_000, Map.of(A, rs("10.0.0.2")));
        long seen = 5_000_000_000L;
        assertThat(history.removedInWindow(store, topology(), new TickTime(1_000_000, seen))).containsKey(A);
        // The wall clock says long ago, the monotonic one says just now: inside.
        assertThat(history.removedInWindow(store, topology(), new TickTime(9_000_000, seen + WINDOW * 1_000_000 - 1))).containsKey(A);
        // The wall clock says just now, the monotonic one says a window ago: outside.
        assertThat(history.removedInWindow(store, topology(), new TickTime(1_000_000, seen + WINDOW * 1_000_000))).isEmpty();
    }

    @Test
    void planPublishedHereIsAgedFromItsPublication() {
        Plan p1 = publish(1_000_000, Map.of(A, rs("10.0.0.1", "10.0.0.2")));
        history.published(p1.generation(), new TickTime(1_000_000, 0));
        Plan p2 = publish(0, Map.of(A, rs("10.0.0.2"))); // no publish time at all
        history.published(p2.generation(), new TickTime(1_000_000, 10));
        assertThat(history.removedInWindow(store, topology(), new TickTime(1_000_000, 10 + WINDOW * 1_000_000 - 1))).containsKey(A);
    }

    @Test
    void aPlanWithoutPublishTimeCountsFromTheFirstLook() {
        publish(0, Map.of(A, rs("10.0.0.1", "10.0.0.2")));
        publish(0, Map.of(A, rs("10.0.0.2")));
        assertThat(at(1_000_000, 0)).containsKey(A);
        assertThat(at(1_000_000, WINDOW * 1_000_000L)).isEmpty();
    }

    @Test
    void onlyConfiguredTargetsCountAtTheirConfiguredCapacity() {
        publish(1_000_000, Map.of(A, rs("10.0.0.1", "10.0.0.9", "10.0.0.2"), B, rs("10.0.0.1", "10.0.0.2")));
        // 10.0.0.9 is configured nowhere; b.test. left the plan (not a removal); a.test. loses 10.0.0.1 and .9.
        publish(1_000_000, Map.of(A, rs("10.0.0.2")));
        assertThat(at(1_000_000)).isEqualTo(Map.of(A, Map.of(AddressFamily.IPV4, 7L)));
        // Removals add up over the pairs in the window; an unchanged endpoint removes nothing.
        publish(1_000_001, Map.of(A, rs("10.0.0.1", "10.0.0.2"), B, rs("10.0.0.2")));
        publish(1_000_002, Map.of(A, rs("10.0.0.2"), B, rs("10.0.0.2")));
        assertThat(at(1_000_002)).isEqualTo(Map.of(A, Map.of(AddressFamily.IPV4, 14L)));
    }

    @Test
    void aRemovalStillCountsAfterCleanUpDeletedItsPlans() {
        publish(1_000_000, Map.of(A, rs("10.0.0.1", "10.0.0.2")));
        publish(1_000_000, Map.of(A, rs("10.0.0.2")));
        assertThat(at(1_000_000)).containsKey(A);
        publish(1_000_001, Map.of(A, rs("10.0.0.2"), B, rs("10.0.0.2")));
        store.delete(Generation.of(1));
        store.delete(Generation.of(2)); // retention 1: only g3 is left
        assertThat(at(1_000_001)).isEqualTo(Map.of(A, Map.of(AddressFamily.IPV4, 7L)));
        assertThat(at(1_000_000 + WINDOW, WINDOW * 1_000_000L)).isEmpty();
        // A fresh process cannot know: plans cleaned up before it started are gone (hence the retention advice).
        assertThat(new RemovalHistory(8, WINDOW).removedInWindow(store, topology(), new TickTime(1_000_001, 0))).isEmpty();
    }

    @Test
    void aFinerDiffIsKeptWhenItsPredecessorIsDeleted() {
        publish(1_000_000, Map.of(A, rs("10.0.0.1", "10.0.0.2")));
        publish(1_000_000, Map.of(A, rs("10.0.0.2")));       // g2 removes t1
        publish(1_000_000, Map.of(A, rs("10.0.0.1", "10.0.0.2"))); // g3 adds it back
        publish(1_000_000, Map.of(A, rs("10.0.0.2")));       // g4 removes it again
        assertThat(at(1_000_000)).isEqualTo(Map.of(A, Map.of(AddressFamily.IPV4, 14L)));
        store.delete(Generation.of(3)); // g2 → g4 now looks like no change; the removal of g4 was seen already
        assertThat(at(1_000_000)).isEqualTo(Map.of(A, Map.of(AddressFamily.IPV4, 14L)));
    }

    @Test
    void onlyTheNewestPlansAreScanned() {
        publish(1_000_000, Map.of(A, rs("10.0.0.1", "10.0.0.2")));
        publish(1_000_000, Map.of(A, rs("10.0.0.2")));
        for (int i = 0; i < 7; i++) publish(1_000_000, Map.of(A, rs("10.0.0.2"), B, rs(i % 2 == 0 ? "10.0.0.1" : "10.0.0.2")));
        // 9 plans, 8 scanned: the first pair (t1 leaving a.test.) is out of reach.
        assertThat(at(1_000_000).get(A)).isNull();
        assertThatThrownBy(() -> new RemovalHistory(1, WINDOW)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new RemovalHistory(2, 0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aFreshProcessCountsEveryRemovalInTheWindowNotOnlyTheNewest() {
        // A restart finds two consecutive removals in history: t1 (7) in g2, then t2 (5) in g3.
        publish(1_000_000, Map.of(A, rs("10.0.0.1", "10.0.0.2", "2001:db8::6")));
        publish(1_000_000, Map.of(A, rs("10.0.0.2", "2001:db8::6")));
        publish(1_000_000, Map.of(A, rs("2001:db8::6")));
        assertThat(at(1_000_000)).isEqualTo(Map.of(A, Map.of(AddressFamily.IPV4, 12L)));
    }

    @Test
    void itScansAtLeastAPairOfPlans() {
        assertThat(new RemovalHistory(2, 1).removedInWindow(store, topology(), new TickTime(0, 0))).isEmpty();
        assertThatThrownBy(() -> new RemovalHistory(1, 1)).isInstanceOf(IllegalArgumentException.class).hasMessage("plansScannedMax must be >= 2, got 1");
        assertThatThrownBy(() -> new RemovalHistory(2, 0)).isInstanceOf(IllegalArgumentException.class).hasMessage("windowMillis must be >= 1, got 0");
    }

    @Test
    void aPlanFoundOnTheFirstLookIsAgedOnThisProcesssClockNotByItsPublishTime() {
        // Seed 115 (V1): judging plans found at a start by their stored publish time (another process's wall
        // clock) let a restarted planner spend a window's budget twice. Found on the first look = seen now.
        publish(1_000_000, Map.of(A, rs("10.0.0.1", "10.0.0.2")));
        publish(1_000_000, Map.of(A, rs("10.0.0.2"))); // removed t1, stamped a window ago
        history.removedInWindow(store, topology(), new TickTime(1_000_000 + WINDOW, 0)); // first look, at monotonic 0
        publish(1_000_000 + WINDOW, Map.of(A, rs("10.0.0.2"), B, rs("10.0.0.2")));
        assertThat(history.removedInWindow(store, topology(), new TickTime(1_000_000 + WINDOW, 1)))
                .as("g2's removal holds the budget for a window from the first look").isEqualTo(Map.of(A, Map.of(AddressFamily.IPV4, 7L)));
        assertThat(history.removedInWindow(store, topology(), new TickTime(1_000_000 + WINDOW, WINDOW * 1_000_000L)))
                .as("and no longer once that window has passed on the monotonic clock").isEmpty();
    }

    @Test
    void theNewestPlansSeenAppearAndTheirDiffsAreAllRemembered() {
        // Two plans scanned: the diff of g2 is cached from an earlier tick when g3 is scanned. Neither
        // carries a publish time, so only this process's own memory of seeing them keeps them in the window.
        RemovalHistory two = new RemovalHistory(2, WINDOW);
        publish(0, Map.of(A, rs("10.0.0.1", "10.0.0.2", "2001:db8::6")));
        assertThat(two.removedInWindow(store, topology(), new TickTime(1_000_000, 0))).isEmpty();
        publish(0, Map.of(A, rs("10.0.0.2", "2001:db8::6"))); // g2: t1 (7) goes
        assertThat(two.removedInWindow(store, topology(), new TickTime(1_000_000, 1))).isEqualTo(Map.of(A, Map.of(AddressFamily.IPV4, 7L)));
        publish(0, Map.of(A, rs("2001:db8::6"))); // g3: t2 (5) goes
        assertThat(two.removedInWindow(store, topology(), new TickTime(1_000_000, 2))).isEqualTo(Map.of(A, Map.of(AddressFamily.IPV4, 12L)));
    }

    /**
     * Two plans remembered. g1 → g2 removed t1; clean-up then deleted both and two newer plans appeared, so
     * g2's diff is still cached (removals keep counting after clean-up) while the moment this process saw g2
     * appear has been evicted: only g2's stored publish time (another process's wall clock) is left.
     */
    Map<Endpoint, Map<AddressFamily, Long>> removalOfAForgottenPlan(long g2PublishedAt, long wallNow) {
        InMemoryPlanStore s = new InMemoryPlanStore();
        RemovalHistory two = new RemovalHistory(2, WINDOW);
        PlanDraft g1 = new PlanDraft(new TreeMap<>(Map.of(A, rs("10.0.0.1", "10.0.0.2"))), false).publishedAt(g2PublishedAt);
        s.publish(Generation.ZERO, g1);
        s.publish(Generation.of(1), new PlanDraft(new TreeMap<>(Map.of(A, rs("10.0.0.2"))), false).publishedAt(g2PublishedAt));
        assertThat(two.removedInWindow(s, topology(), new TickTime(wallNow, 0))).containsKey(A); // first look: seen now
        s.publish(Generation.of(2), new PlanDraft(new TreeMap<>(Map.of(A, rs("10.0.0.2"), B, rs("10.0.0.2"))), false).publishedAt(wallNow));
        s.delete(Generation.of(1));
        s.delete(Generation.of(2));
        assertThat(two.removedInWindow(s, topology(), new TickTime(wallNow, 1))).containsKey(A); // still remembered
        s.publish(Generation.of(3), new PlanDraft(new TreeMap<>(Map.of(A, rs("10.0.0.2"), B, rs("10.0.0.1", "10.0.0.2"))), false).publishedAt(wallNow)); // adds only
        return two.removedInWindow(s, topology(), new TickTime(wallNow, 2));
    }

    @Test
    void aRemovalWhosePlanThisProcessNoLongerRemembersIsAgedByItsPublishTime() {
        long now = 10 * WINDOW;
        assertThat(removalOfAForgottenPlan(now - WINDOW + 1, now)).as("published just inside the window")
                .isEqualTo(Map.of(A, Map.of(AddressFamily.IPV4, 7L)));
        assertThat(removalOfAForgottenPlan(now - WINDOW, now)).as("published exactly a window ago").isEmpty();
        assertThat(removalOfAForgottenPlan(now + 5 * WINDOW, now)).as("published in this clock's future (it stepped back): inside")
                .isEqualTo(Map.of(A, Map.of(AddressFamily.IPV4, 7L)));
        assertThat(removalOfAForgottenPlan(0, now)).as("no publish time (an old log): outside").isEmpty();
    }
}
