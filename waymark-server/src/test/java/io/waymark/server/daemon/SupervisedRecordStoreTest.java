package io.waymark.server.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.waymark.adapters.record.EmbeddedRecordStore;
import io.waymark.adapters.record.ServingSink;
import io.waymark.core.model.Endpoint;
import io.waymark.core.model.Generation;
import io.waymark.core.model.PlanHash;
import io.waymark.core.model.RecordSet;
import io.waymark.core.model.Stamp;
import io.waymark.core.model.WeightedAddress;
import io.waymark.core.port.StoreUnavailableException;
import io.waymark.core.role.Reopenable;
import io.waymark.dns.Authority;
import io.waymark.dns.ServingOptions;
import io.waymark.dns.Zone;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The supervised handle over a real embedded record store: salvage of a damaged log, then a repair picked up by reopen. */
class SupervisedRecordStoreTest {
    @TempDir Path dir;

    @Test
    void a_damaged_log_is_served_read_only_and_a_repaired_one_takes_over_without_stale_names() throws Exception {
        Stamp g1 = new Stamp(Generation.of(1), PlanHash.of(new byte[32]));
        Endpoint a = Endpoint.of("a.example.test.");
        Endpoint b = Endpoint.of("b.example.test.");
        RecordSet rs = new RecordSet(List.of(WeightedAddress.of("192.0.2.2", 1)), 5);
        try (EmbeddedRecordStore store = EmbeddedRecordStore.open(dir, ServingSink.NONE)) {
            store.applyIfNewer(a, Stamp.NONE, g1, rs);
            store.applyIfNewer(b, Stamp.NONE, g1, rs);
        }
        Path log = dir.resolve(EmbeddedRecordStore.LOG_FILE);
        try (FileChannel c = FileChannel.open(log, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            long at = Files.size(log) / 4;
            ByteBuffer one = ByteBuffer.allocate(1);
            c.read(one, at);
            one.put(0, (byte) (one.get(0) ^ 0x5a)).rewind();
            c.write(one, at);
        }
        Authority authority = Authority.of(List.of(Zone.withDefaults("example.test.")), ServingOptions.defaults());
        try (SupervisedRecordStore store = SupervisedRecordStore.open(dir, new ServingGate(authority))) {
            assertThat(store.failure()).hasValueSatisfying(f -> assertThat(f).contains("salvaged read-only"));
            assertThat(store.read(b).records()).contains(rs);
            assertThat(authority.managed(b)).contains(rs);
            assertThatThrownBy(() -> store.applyIfNewer(b, g1, new Stamp(Generation.of(2), PlanHash.of(new byte[32])), rs))
                    .isInstanceOf(StoreUnavailableException.class);
            assertThat(store.reopen()).isInstanceOf(Reopenable.Outcome.Damaged.class);

            Files.move(log, dir.resolve("records.log.damaged")); // the operator moves it aside
            assertThat(store.reopen()).isInstanceOf(Reopenable.Outcome.Reopened.class);
            assertThat(store.failure()).isEmpty();
            assertThat(store.endpoints()).isEmpty();
            assertThat(authority.managed(b)).as("no store holds it any more: not served").isEmpty();
        }
    }
}
