package io.waymark.server.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import io.waymark.adapters.record.EmbeddedRecordStore;
import io.waymark.core.model.Endpoint;
import io.waymark.core.model.Generation;
import io.waymark.core.model.PlanHash;
import io.waymark.core.model.RecordSet;
import io.waymark.core.model.Stamp;
import io.waymark.core.model.WeightedAddress;
import io.waymark.core.port.ApplyOutcome;
import io.waymark.core.port.ConditionalApply;
import io.waymark.dns.Authority;
import io.waymark.dns.ServingOptions;
import io.waymark.dns.Zone;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 7, defect 1, at the record store's boundary: an apply of an endpoint the DNS authority cannot
 * serve is refused before the real embedded store appends anything (it used to be appended, then
 * refused by the sink, which poisoned the store and every replay); the rest of the batch is applied.
 */
class ServableRecordsTest {
    @TempDir Path dir;

    @Test
    void an_unservable_apply_writes_nothing_and_the_rest_of_the_batch_lands() throws Exception {
        Authority authority = Authority.of(List.of(Zone.withDefaults("example.test.")), ServingOptions.defaults());
        ServingGate gate = new ServingGate(authority);
        Stamp g1 = new Stamp(Generation.of(1), PlanHash.of(new byte[32]));
        RecordSet rs = new RecordSet(List.of(WeightedAddress.of("192.0.2.1", 1)), 5);
        Endpoint ok = Endpoint.of("api.example.test.");
        Endpoint outside = Endpoint.of("api.elsewhere.test.");
        try (EmbeddedRecordStore store = EmbeddedRecordStore.open(dir, gate)) {
            ServableRecords records = new ServableRecords(store, gate);
            long before = Files.size(dir.resolve(EmbeddedRecordStore.LOG_FILE));
            assertThat(records.applyIfNewer(outside, Stamp.NONE, g1, rs)).isEqualTo(ApplyOutcome.SUPERSEDED);
            assertThat(Files.size(dir.resolve(EmbeddedRecordStore.LOG_FILE))).as("nothing appended").isEqualTo(before);
            List<ApplyOutcome> outcomes = records.applyAllIfNewer(List.of(
                    new ConditionalApply(outside, Stamp.NONE, g1, rs), new ConditionalApply(ok, Stamp.NONE, g1, rs)));
            assertThat(outcomes).containsExactly(ApplyOutcome.SUPERSEDED, ApplyOutcome.APPLIED);
            assertThat(records.refused()).isEqualTo(2);
            assertThat(store.endpoints()).containsExactly(ok);
            assertThat(authority.managed(ok)).contains(rs);
            // The store is healthy: it keeps working.
            assertThat(store.read(ok).stamp()).isEqualTo(g1);
        }
        try (EmbeddedRecordStore reopened = EmbeddedRecordStore.open(dir, gate)) {
            assertThat(reopened.endpoints()).containsExactly(ok);
        }
    }
}
