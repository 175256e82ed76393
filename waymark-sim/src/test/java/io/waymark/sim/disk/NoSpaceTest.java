package io.waymark.sim.disk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.waymark.adapters.plan.FilePlanStore;
import io.waymark.adapters.record.EmbeddedRecordStore;
import io.waymark.adapters.record.ServingSink;
import io.waymark.core.model.ControlFlags;
import io.waymark.core.model.Endpoint;
import io.waymark.core.model.Generation;
import io.waymark.core.model.Plan;
import io.waymark.core.model.PlanDraft;
import io.waymark.core.model.RecordSet;
import io.waymark.core.model.Stamp;
import io.waymark.core.model.WeightedAddress;
import io.waymark.core.port.ApplyOutcome;
import io.waymark.core.port.PublishOutcome;
import io.waymark.core.port.StoreUnavailableException;
import java.io.IOException;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** ENOSPC on the simulated disk, then space again: reopen (also after a power cut), nothing acknowledged lost. */
class NoSpaceTest {
    private static final Endpoint API = Endpoint.of("api.sim.test.");

    private static PlanDraft draft(int weight) {
        return PlanDraft.of(Map.of(API, RecordSet.of(30, WeightedAddress.of("10.0.0.1", weight))));
    }

    @Test
    void aFullDiskFailsTheStoresUntilReopenedAndLosesNothingAcknowledged() throws IOException {
        for (long seed = 0; seed < 50; seed++) {
            SimDisk disk = new SimDisk(new SplittableRandom(seed), DiskFaults.NONE);
            FilePlanStore plans = FilePlanStore.open(disk);
            EmbeddedRecordStore records = EmbeddedRecordStore.open(disk, ServingSink.NONE);
            Plan p1 = ((PublishOutcome.Published) plans.publish(Generation.ZERO, draft(1))).plan();
            assertThat(plans.updateFlags(ControlFlags.NONE, new ControlFlags(false, true))).isTrue();
            assertThat(records.applyIfNewer(API, Stamp.NONE, p1.stamp(), p1.recordSets().get(API))).isEqualTo(ApplyOutcome.APPLIED);

            disk.full(true);
            assertThatThrownBy(() -> plans.publish(p1.generation(), draft(2))).isInstanceOf(StoreUnavailableException.class);
            assertThatThrownBy(() -> records.applyIfNewer(API, p1.stamp(), Stamp.of(2, p1.hash()), p1.recordSets().get(API))).isInstanceOf(StoreUnavailableException.class);
            disk.full(false);
            assertThatThrownBy(plans::latest).as("stays failed until reopened").isInstanceOf(StoreUnavailableException.class);
            plans.close();
            records.close();
            if (seed % 2 == 1) disk.crash();

            try (FilePlanStore p = FilePlanStore.open(disk); EmbeddedRecordStore r = EmbeddedRecordStore.open(disk, ServingSink.NONE)) {
                assertThat(p.latest()).contains(p1);
                assertThat(p.flags()).isEqualTo(new ControlFlags(false, true));
                assertThat(r.read(API).stamp()).isEqualTo(p1.stamp());
                Plan p2 = ((PublishOutcome.Published) p.publish(p1.generation(), draft(2))).plan();
                assertThat(r.applyIfNewer(API, p1.stamp(), p2.stamp(), p2.recordSets().get(API))).isEqualTo(ApplyOutcome.APPLIED);
            }
        }
    }
}
