package io.waymark.adapters.rfc2136;

import static org.assertj.core.api.Assertions.assertThat;

import io.waymark.adapters.rfc2136.StampText.Served;
import io.waymark.core.model.Generation;
import io.waymark.core.model.PlanHash;
import io.waymark.core.model.RecordSet;
import io.waymark.core.model.Stamp;
import io.waymark.core.model.WeightedAddress;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The stamp RRset as written and read back: stamps, high-water, tombstones, drift, garbage. */
class EndpointStateTest {
    private static final Stamp G7 = Stamp.of(7, new PlanHash("a".repeat(64)));
    private static final RecordSet RS = new RecordSet(List.of(WeightedAddress.of("192.0.2.1", 3), WeightedAddress.of("192.0.2.2", 1),
            WeightedAddress.of("2001:db8::1", 2)), 30);

    private static EndpointState written(Stamp s, RecordSet rs) {
        return new EndpointState(List.of(StampText.stamp(s, rs), StampText.high(s.generation())), StampText.served(rs));
    }

    @Test
    void aWrittenStampReadsBackWithItsRecordsAndWeights() {
        EndpointState.Decoded d = written(G7, RS).decode();
        assertThat(d.view().stamp()).isEqualTo(G7);
        assertThat(d.view().records()).contains(RS);
        assertThat(d.high()).isEqualTo(Generation.of(7));
        assertThat(d.retired()).isFalse();
        assertThat(d.drift()).isEmpty();
    }

    @Test
    void uniformWeightsAreOneStringAndManyWeightsSpanStringsOfAtMost255Bytes() {
        RecordSet uniform = new RecordSet(List.of(WeightedAddress.of("192.0.2.1", 100), WeightedAddress.of("192.0.2.2", 100)), 30);
        assertThat(StampText.stamp(G7, uniform)).contains("w=100");
        List<WeightedAddress> many = new ArrayList<>();
        for (int i = 0; i < 400; i++) many.add(WeightedAddress.of("10.0." + (i / 250) + "." + (i % 250), 1000 + i));
        RecordSet big = new RecordSet(many, 60);
        List<String> strings = StampText.stamp(G7, big);
        assertThat(strings).allSatisfy(s -> assertThat(s.length()).isLessThanOrEqualTo(255));
        assertThat(new EndpointState(List.of(strings), StampText.served(big)).decode().view().records()).contains(big);
    }

    @Test
    void recordsChangedBehindTheStampReadAsAnUnreadableStampWithTheExactTextAndKeepTheHighWater() {
        List<Served> changed = new ArrayList<>(StampText.served(RS));
        changed.set(0, new Served(WeightedAddress.parseLiteral("198.51.100.9"), 30));
        EndpointState drifted = new EndpointState(written(G7, RS).txt(), changed);
        EndpointState.Decoded d = drifted.decode();
        assertThat(d.view().stamp().isNone()).isTrue();
        assertThat(d.view().stamp()).isEqualTo(Stamp.unreadable(drifted.raw()));
        assertThat(d.high()).isEqualTo(Generation.of(7));
        assertThat(d.drift()).hasValueSatisfying(w -> assertThat(w).contains("198.51.100.9").contains("g7"));
        // A changed TTL is drift too; so is an endpoint whose addresses were all deleted.
        List<Served> ttl = new ArrayList<>();
        for (Served s : StampText.served(RS)) ttl.add(new Served(s.address(), 3600));
        assertThat(new EndpointState(written(G7, RS).txt(), ttl).decode().drift()).isPresent();
        assertThat(new EndpointState(written(G7, RS).txt(), List.of()).decode().drift()).hasValue("no A/AAAA records served");
    }

    @Test
    void aTombstoneReadsAbsentAndIsStrict() {
        EndpointState.Decoded d = new EndpointState(List.of(StampText.retired(Generation.of(9))), List.of()).decode();
        assertThat(d.view().stamp()).isEqualTo(Stamp.NONE);
        assertThat(d.view().records()).isEmpty();
        assertThat(d.retired()).isTrue();
        assertThat(d.high()).isEqualTo(Generation.of(9));
    }

    @Test
    void aDeletedStampRecordLeavesTheHighWaterAndGarbageIsUnreadableButNeverLowersIt() {
        EndpointState highOnly = new EndpointState(List.of(StampText.high(Generation.of(5))), StampText.served(RS));
        assertThat(highOnly.decode().view().stamp()).isEqualTo(Stamp.NONE);
        assertThat(highOnly.decode().high()).isEqualTo(Generation.of(5));
        assertThat(highOnly.decode().retired()).isFalse();
        EndpointState garbage = new EndpointState(List.of(List.of("hello"), StampText.high(Generation.of(5))), StampText.served(RS));
        assertThat(garbage.decode().view().stamp()).isEqualTo(Stamp.unreadable(garbage.raw()));
        assertThat(garbage.decode().high()).isEqualTo(Generation.of(5));
        for (String bad : List.of("waymark-stamp g=x h=" + "a".repeat(64), "waymark-stamp g=3 h=short", "waymark-stamp g=0 h=" + "a".repeat(64), "waymark-stamp g=3")) {
            assertThat(StampText.parse(List.of(bad))).as(bad).isNull();
        }
        // Order of records in the RRset does not matter: the raw text is canonical.
        EndpointState a = new EndpointState(List.of(List.of("x"), List.of("y")), List.of());
        EndpointState b = new EndpointState(List.of(List.of("y"), List.of("x")), List.of());
        assertThat(a).isEqualTo(b);
        assertThat(a.raw()).isEqualTo(b.raw());
    }
}
