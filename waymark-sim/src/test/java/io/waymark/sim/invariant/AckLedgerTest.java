package io.waymark.sim.invariant;

import static org.assertj.core.api.Assertions.assertThat;

import io.waymark.core.memory.InMemoryPlanStore;
import io.waymark.core.memory.InMemoryRecordStore;
import io.waymark.core.model.ControlFlags;
import io.waymark.core.model.Endpoint;
import io.waymark.core.model.Generation;
import io.waymark.core.model.Plan;
import io.waymark.core.model.PlanDraft;
import io.waymark.core.model.RecordSet;
import io.waymark.core.model.WeightedAddress;
import io.waymark.core.port.PublishOutcome;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** I5's checker: a reopened store that returns less than was acknowledged is caught; in-doubt writes are accepted either way. */
class AckLedgerTest {
    static final Endpoint E = Endpoint.of("api.example.test.");
    static final RecordSet RS = RecordSet.of(5, WeightedAddress.of("192.0.2.1", 1));

    @Test
    void aStoreThatComesBackWithLessThanWasAcknowledgedIsCaught() {
        AckLedger acks = new AckLedger();
        InMemoryPlanStore before = new InMemoryPlanStore();
        Plan g1 = ((PublishOutcome.Published) before.publish(Generation.ZERO, PlanDraft.of(Map.of(E, RS)))).plan();
        Plan g2 = ((PublishOutcome.Published) before.publish(g1.generation(), PlanDraft.of(Map.of(E, RecordSet.of(6, WeightedAddress.of("192.0.2.2", 1)))))).plan();
        acks.published(g1);
        acks.published(g2);
        acks.flags(new ControlFlags(true, false));
        InMemoryRecordStore records = new InMemoryRecordStore();
        records.applyIfNewer(E, io.waymark.core.model.Stamp.NONE, g1.stamp(), RS);
        acks.applied(E, g1.stamp());

        List<String> found = new ArrayList<>();
        // Reopened with g2 lost (a rewound log) and the pause lost.
        InMemoryPlanStore rewound = new InMemoryPlanStore();
        rewound.publish(Generation.ZERO, PlanDraft.of(Map.of(E, RS)));
        acks.check(rewound, records, 1, (inv, line) -> found.add(inv + " " + line));
        assertThat(found).singleElement().asString().contains("I5_NOTHING_ACKNOWLEDGED_LOST").contains("g2");

        AckLedger ok = new AckLedger();
        ok.published(g1);
        ok.flagsInDoubt(new ControlFlags(true, false));
        List<String> none = new ArrayList<>();
        ok.check(before, records, 1, (inv, line) -> none.add(line));
        assertThat(none).isEmpty();
    }
}
