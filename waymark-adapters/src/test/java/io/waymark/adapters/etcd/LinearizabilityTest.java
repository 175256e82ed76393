package io.waymark.adapters.etcd;

import static io.waymark.adapters.Fixtures.stamp;
import static org.assertj.core.api.Assertions.assertThat;

import io.waymark.adapters.etcd.CasModels.Apply;
import io.waymark.adapters.etcd.CasModels.Read;
import io.waymark.adapters.etcd.CasModels.Retire;
import io.waymark.adapters.etcd.CasModels.UpdateFlags;
import io.waymark.adapters.etcd.Linearizability.Operation;
import io.waymark.core.model.ControlFlags;
import io.waymark.core.model.Stamp;
import io.waymark.core.port.ApplyOutcome;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The checker itself: it accepts what is linearizable and rejects what is not, including subtle cases. */
class LinearizabilityTest {
    private final Linearizability<CasModels.Endpoint> records = new Linearizability<>(CasModels.RECORD);

    private static Operation op(int p, long from, long to, Object in, Object out) {
        return new Operation(p, from, to, in, out);
    }

    private static Operation unknown(int p, long from, Object in) {
        return new Operation(p, from, Operation.NEVER, in, null);
    }

    @Test
    void sequentialLegalHistoryIsLinearizable() {
        List<Operation> h = List.of(
                op(0, 0, 1, new Apply(Stamp.NONE, stamp(1)), ApplyOutcome.APPLIED),
                op(1, 2, 3, new Read(), stamp(1)),
                op(0, 4, 5, new Apply(stamp(1), stamp(2)), ApplyOutcome.APPLIED),
                op(1, 6, 7, new Apply(stamp(1), stamp(3)), ApplyOutcome.CONFLICT),
                op(1, 8, 9, new Apply(stamp(2), stamp(2)), ApplyOutcome.SUPERSEDED));
        assertThat(records.check(h).linearizable()).isTrue();
    }

    @Test
    void twoCompareAndSetsFromOneStampCannotBothWin() {
        // Concurrent, so any order is allowed in real time, but no order makes both APPLIED legal.
        List<Operation> h = List.of(
                op(0, 0, 1, new Apply(Stamp.NONE, stamp(1)), ApplyOutcome.APPLIED),
                op(1, 2, 10, new Apply(stamp(1), stamp(2)), ApplyOutcome.APPLIED),
                op(2, 3, 9, new Apply(stamp(1), stamp(3)), ApplyOutcome.APPLIED));
        Linearizability.Result r = records.check(h);
        assertThat(r.linearizable()).isFalse();
        assertThat(r.longestPrefix()).hasSize(2);
    }

    @Test
    void aStaleReadAfterACompletedWriteIsRejectedButAConcurrentOneIsNot() {
        Operation write = op(0, 0, 5, new Apply(Stamp.NONE, stamp(1)), ApplyOutcome.APPLIED);
        // The read began after the write completed and still saw nothing: not linearizable.
        assertThat(records.check(List.of(write, op(1, 6, 7, new Read(), Stamp.NONE))).linearizable()).isFalse();
        // The same read overlapping the write may linearize before it.
        assertThat(records.check(List.of(write, op(1, 4, 7, new Read(), Stamp.NONE))).linearizable()).isTrue();
    }

    @Test
    void readsMustNotGoBackInTime() {
        // p1 sees g2, then p2 (starting later) sees g1: one register cannot do that.
        List<Operation> h = List.of(
                op(0, 0, 100, new Apply(Stamp.NONE, stamp(1)), ApplyOutcome.APPLIED),
                op(0, 101, 200, new Apply(stamp(1), stamp(2)), ApplyOutcome.APPLIED),
                op(1, 150, 160, new Read(), stamp(2)),
                op(2, 170, 180, new Read(), stamp(1)));
        assertThat(records.check(h).linearizable()).isFalse();
    }

    @Test
    void anOperationOfUnknownOutcomeMayHaveTakenEffectOrNot() {
        Operation lost = unknown(0, 0, new Apply(Stamp.NONE, stamp(1)));
        // Took effect (later read sees it) — fine.
        assertThat(records.check(List.of(lost, op(1, 10, 11, new Read(), stamp(1)))).linearizable()).isTrue();
        // Did not (later read sees nothing) — fine too.
        assertThat(records.check(List.of(lost, op(1, 10, 11, new Read(), Stamp.NONE))).linearizable()).isTrue();
        // But it cannot take effect twice, nor un-happen: seen, then not seen, is rejected.
        assertThat(records.check(List.of(lost, op(1, 10, 11, new Read(), stamp(1)), op(1, 12, 13, new Read(), Stamp.NONE))).linearizable()).isFalse();
    }

    @Test
    void retirementKeepsTheHighWater() {
        List<Operation> h = List.of(
                op(0, 0, 1, new Apply(Stamp.NONE, stamp(4)), ApplyOutcome.APPLIED),
                op(0, 2, 3, new Retire(stamp(4)), true),
                op(1, 4, 5, new Apply(Stamp.NONE, stamp(3)), ApplyOutcome.APPLIED)); // would resurrect an old plan
        assertThat(records.check(h).linearizable()).isFalse();
    }

    @Test
    void flagsCompareAndSetLosesNoAcknowledgedWrite() {
        Linearizability<ControlFlags> flags = new Linearizability<>(CasModels.FLAGS);
        ControlFlags paused = ControlFlags.NONE.withPaused(true);
        ControlFlags pinned = ControlFlags.NONE.withPinned(true);
        // Both writers read NONE and both were told "yes": one lost the other's flag.
        List<Operation> h = List.of(
                op(0, 0, 10, new UpdateFlags(ControlFlags.NONE, paused), true),
                op(1, 1, 9, new UpdateFlags(ControlFlags.NONE, pinned), true));
        assertThat(flags.check(h).linearizable()).isFalse();
    }

    @Test
    void randomSequentialHistoriesOfTheRealRuleAreAlwaysAccepted() {
        // Generated by running the model's own rule one operation at a time, then jittered so that
        // operations overlap only with neighbours that keep their order legal: always linearizable.
        SplittableRandom random = new SplittableRandom(7);
        for (int run = 0; run < 50; run++) {
            List<Operation> h = new ArrayList<>();
            Stamp current = Stamp.NONE;
            long t = 0;
            for (int i = 0; i < 40; i++) {
                long from = t;
                long to = t + 1 + random.nextInt(3);
                t = to + 1;
                if (random.nextBoolean()) {
                    h.add(op(i % 3, from, to, new Read(), current));
                } else {
                    Stamp expected = random.nextInt(4) == 0 ? stamp(random.nextInt(5)) : current;
                    Stamp next = stamp(1 + random.nextInt(20));
                    ApplyOutcome o = io.waymark.adapters.record.EmbeddedRecordStore.decide(current, null, expected.generation().value() == 0 ? Stamp.NONE : expected, next);
                    h.add(op(i % 3, from, to, new Apply(expected.generation().value() == 0 ? Stamp.NONE : expected, next), o));
                    if (o == ApplyOutcome.APPLIED) current = next;
                }
            }
            assertThat(records.check(h).linearizable()).as("run %d", run).isTrue();
        }
    }
}
