package io.waymark.adapters.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.waymark.core.model.Endpoint;
import io.waymark.core.model.Generation;
import io.waymark.core.model.Plan;
import io.waymark.core.model.PlanDraft;
import io.waymark.core.model.Provenance;
import io.waymark.core.model.RecordSet;
import io.waymark.core.model.WeightedAddress;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class PlanCodecTest {
    final PlanCodec codec = new PlanCodec();

    static PlanDraft draft() {
        TreeMap<Endpoint, RecordSet> m = new TreeMap<>(Map.of(Endpoint.of("api.example.test."),
                new RecordSet(List.of(WeightedAddress.of("192.0.2.1", 10), WeightedAddress.of("2001:db8::1", 5)), 30)));
        return new PlanDraft(m, false);
    }

    @Test
    void publishTimeAndReasonSurviveARoundTrip() throws IOException {
        Plan plan = Plan.publish(Generation.of(7), draft().publishedAt(1_764_576_000_000L).forcedBecause("drain az1"));
        PlanCodec.Entry.Publish back = (PlanCodec.Entry.Publish) codec.decode(codec.publish(plan));
        assertThat(back.plan().provenance()).isEqualTo(new Provenance(1_764_576_000_000L, java.util.Optional.of("drain az1")));
        assertThat(back.plan().forced()).isTrue();
        assertThat(back.plan().verifyHash()).isTrue();
        assertThat(back.plan()).isEqualTo(plan);
    }

    @Test
    void entriesWrittenBeforeProvenanceStillDecodeAndVerify() throws Exception {
        String hash = sha256("api.example.test.\t30 2001:db8:0:0:0:0:0:1*5 192.0.2.1*10\nN");
        String old = "{\"op\":\"publish\",\"generation\":3,\"hash\":\"" + hash + "\",\"forced\":false,"
                + "\"recordSets\":{\"api.example.test.\":{\"ttl\":30,\"addresses\":{\"192.0.2.1\":10,\"2001:db8::1\":5}}}}";
        PlanCodec.Entry.Publish back = (PlanCodec.Entry.Publish) codec.decode(old.getBytes(StandardCharsets.UTF_8));
        assertThat(back.plan().provenance()).isEqualTo(Provenance.UNKNOWN);
        assertThat(back.plan().verifyHash()).as("an old log's plans hash as they always did").isTrue();
        // And a plan without provenance is written without the new fields.
        assertThat(new String(codec.publish(back.plan()), StandardCharsets.UTF_8)).doesNotContain("publishedAtMillis").doesNotContain("reason");
    }

    @Test
    void theProvenanceIsCoveredByTheHash() {
        assertThat(draft().publishedAt(1).hash()).isNotEqualTo(draft().publishedAt(2).hash());
        assertThat(draft().forcedBecause("a").hash()).isNotEqualTo(draft().forcedBecause("b").hash());
        assertThatThrownBy(() -> new PlanDraft(draft().recordSets(), false, Provenance.at(1).because("why")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("forced");
    }

    /** The log's bytes, pinned: how an entry is produced may change (it is on every publish's path), its form may not. */
    @Test
    void aPublishEntryKeepsItsExactForm() {
        TreeMap<Endpoint, RecordSet> m = new TreeMap<>(Map.of(
                Endpoint.of("api.example.test."), new RecordSet(List.of(WeightedAddress.of("192.0.2.1", 10), WeightedAddress.of("2001:db8::1", 5)), 30),
                Endpoint.of("b.example.test."), new RecordSet(List.of(WeightedAddress.of("198.51.100.7", 1)), 5)));
        Plan plan = Plan.publish(Generation.of(7), new PlanDraft(m, false).publishedAt(1_764_576_000_000L).forcedBecause("drain \"az1\" \u00e9"));
        assertThat(new String(codec.publish(plan), StandardCharsets.UTF_8)).isEqualTo("{\"op\":\"publish\",\"generation\":7,\"hash\":\"" + plan.hash().hex()
                + "\",\"forced\":true,\"publishedAtMillis\":1764576000000,\"reason\":\"drain \\\"az1\\\" \u00e9\",\"recordSets\":{"
                + "\"api.example.test.\":{\"ttl\":30,\"addresses\":{\"2001:db8:0:0:0:0:0:1\":5,\"192.0.2.1\":10}},"
                + "\"b.example.test.\":{\"ttl\":5,\"addresses\":{\"198.51.100.7\":1}}}}");
        assertThat(new String(codec.publish(Plan.publish(Generation.of(8), draft())), StandardCharsets.UTF_8))
                .startsWith("{\"op\":\"publish\",\"generation\":8,\"hash\":\"").contains("\"forced\":false,\"recordSets\":{");
        assertThat(new String(codec.delete(Generation.of(3)), StandardCharsets.UTF_8)).isEqualTo("{\"op\":\"delete\",\"generation\":3}");
        assertThat(new String(codec.flags(new io.waymark.core.model.ControlFlags(true, false)), StandardCharsets.UTF_8)).isEqualTo("{\"op\":\"flags\",\"paused\":true,\"pinned\":false}");
    }

    @Test
    void anInvalidProvenanceIsACorruptEntryNotACrash() {
        String bad = "{\"op\":\"publish\",\"generation\":3,\"hash\":\"x\",\"forced\":false,\"publishedAtMillis\":-5,"
                + "\"recordSets\":{\"api.example.test.\":{\"ttl\":30,\"addresses\":{\"192.0.2.1\":10}}}}";
        assertThatThrownBy(() -> codec.decode(bad.getBytes(StandardCharsets.UTF_8))).isInstanceOf(IOException.class).hasMessageContaining("provenance");
    }

    static String sha256(String text) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    }
}
