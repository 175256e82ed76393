package io.waymark.core.invariant;

import static io.waymark.core.Fixtures.draft;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.waymark.core.invariant.LeverLedger.Lever;
import io.waymark.core.memory.InMemoryPlanStore;
import io.waymark.core.model.ControlFlags;
import io.waymark.core.model.Generation;
import io.waymark.core.model.Plan;
import io.waymark.core.model.Stamp;
import io.waymark.core.operator.Switches;
import io.waymark.core.port.PublishOutcome;
import org.junit.jupiter.api.Test;

/** I6 and I7 as pure checks over observations, each shown catching the bug it exists for. */
class LedgersTest {
    static Plan published(InMemoryPlanStore store, Generation expected, int octet) {
        return ((PublishOutcome.Published) store.publish(expected, draft(1, octet))).plan();
    }

    @Test
    void i6CatchesAGenerationHandedOutTwiceWithOtherContent() {
        // A plan store that rewound (issue 7, defect 3: a flipped byte truncated the log to g1) hands
        // g2 out again, with other content.
        InMemoryPlanStore before = new InMemoryPlanStore();
        published(before, Generation.ZERO, 1);
        Plan g2 = published(before, Generation.of(1), 2);
        GenerationLedger ledger = GenerationLedger.EMPTY;
        for (Generation g : before.history()) ledger = ledger.observe(before.read(g).orElseThrow(), "history").ledger();

        InMemoryPlanStore rewound = new InMemoryPlanStore();
        published(rewound, Generation.ZERO, 1);
        Plan again = published(rewound, Generation.of(1), 3);
        assertThat(ledger.observe(rewound.read(Generation.of(1)).orElseThrow(), "after restart").violation()).isEmpty();
        GenerationLedger.Seen seen = ledger.observe(again, "after restart");
        assertThat(seen.violation()).isPresent();
        assertThat(seen.violation().get().invariant()).isEqualTo(Invariant.I6_NO_REUSED_GENERATION);
        assertThat(seen.violation().get().endpoint()).isEmpty();
        assertThat(seen.violation().get().toString()).startsWith("I6_NO_REUSED_GENERATION: g2 was handed out twice");
        // A stamp naming the first g2 is evidence too, and generation 0 names nothing.
        GenerationLedger fromStamp = GenerationLedger.EMPTY.observe(g2.stamp(), "record store").ledger();
        assertThat(fromStamp.observe(again, "latest").violation()).isPresent();
        assertThat(fromStamp.observe(Stamp.NONE, "record store").ledger()).isEqualTo(fromStamp);
        assertThat(ledger.observe(g2, "again").violation()).isEmpty();
    }

    @Test
    void i7CatchesAPauseLostToAStaleReadModifyWrite() {
        // Issue 7, defect 6, as it was: pin read the flags, pause was acknowledged meanwhile, and pin
        // wrote back its stale copy with paused=false.
        InMemoryPlanStore store = new InMemoryPlanStore();
        LeverLedger ledger = LeverLedger.INITIAL.started(Lever.PINNED);
        ControlFlags pinRead = store.flags();
        ledger = ledger.started(Lever.PAUSED);
        new Switches(store).pause();
        ledger = ledger.acknowledged(Lever.PAUSED, true);
        store.updateFlags(store.flags(), pinRead.withPinned(true)); // the blind write of old
        ledger = ledger.acknowledged(Lever.PINNED, true);
        assertThat(ledger.check(store.flags())).singleElement().satisfies(v -> {
            assertThat(v.invariant()).isEqualTo(Invariant.I7_LEVERS_HOLD);
            assertThat(v.detail()).contains("PAUSED=true lost");
        });
    }

    @Test
    void i7HoldsForCompareAndSetSwitchesAndIgnoresLeversInFlightOrUnknown() {
        InMemoryPlanStore store = new InMemoryPlanStore();
        LeverLedger ledger = LeverLedger.INITIAL.started(Lever.PAUSED).started(Lever.PINNED);
        new Switches(store).pause();
        assertThat(ledger.check(store.flags())).isEmpty(); // both in flight: either value is fine
        ledger = ledger.acknowledged(Lever.PAUSED, true);
        new Switches(store).pin();
        ledger = ledger.acknowledged(Lever.PINNED, true);
        assertThat(ledger.check(store.flags())).isEmpty();
        // A resume that failed with an unknown outcome: PAUSED is not judged until acknowledged again.
        ledger = ledger.started(Lever.PAUSED).unacknowledged(Lever.PAUSED);
        assertThat(ledger.check(ControlFlags.NONE.withPinned(true))).isEmpty();
        assertThat(ledger.check(ControlFlags.NONE)).singleElement().satisfies(v -> assertThat(v.detail()).contains("PINNED=true lost"));
        assertThatThrownBy(() -> LeverLedger.INITIAL.acknowledged(Lever.PAUSED, true)).isInstanceOf(IllegalStateException.class);
    }
}
