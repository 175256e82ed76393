package io.waymark.core.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** RecordSet is where I1 is enforced first: what it accepts, what it refuses, and its canonical form. */
class RecordSetTest {
    static List<WeightedAddress> addresses(int n) {
        List<WeightedAddress> out = new ArrayList<>();
        for (int i = 0; i < n; i++) out.add(WeightedAddress.of("10." + (i >> 16 & 255) + "." + (i >> 8 & 255) + "." + (i & 255), 1));
        return out;
    }

    @Test
    void anEmptyRecordSetIsRefused() {
        assertThatThrownBy(() -> new RecordSet(List.of(), 30)).isInstanceOf(IllegalArgumentException.class).hasMessage("a record set must hold at least one address");
        assertThatThrownBy(() -> new RecordSet(null, 30)).isInstanceOf(IllegalArgumentException.class).hasMessage("a record set must hold at least one address");
    }

    @Test
    void atMostAddressesMaxAddresses() {
        assertThat(new RecordSet(addresses(RecordSet.ADDRESSES_MAX), 30).addresses()).hasSize(RecordSet.ADDRESSES_MAX);
        assertThatThrownBy(() -> new RecordSet(addresses(RecordSet.ADDRESSES_MAX + 1), 30)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("a record set holds at most 4096 addresses, got 4097");
    }

    @Test
    void theTtlIsBoundedOnBothEndsInclusively() {
        assertThat(RecordSet.of(0, WeightedAddress.of("10.0.0.1", 1)).ttlSeconds()).isZero();
        assertThat(RecordSet.of(RecordSet.TTL_SECONDS_MAX, WeightedAddress.of("10.0.0.1", 1)).ttlSeconds()).isEqualTo(604_800);
        assertThatThrownBy(() -> RecordSet.of(-1, WeightedAddress.of("10.0.0.1", 1))).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("TTL must be in 0..604800 s, got -1");
        assertThatThrownBy(() -> RecordSet.of(RecordSet.TTL_SECONDS_MAX + 1, WeightedAddress.of("10.0.0.1", 1))).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("TTL must be in 0..604800 s, got 604801");
    }

    @Test
    void anAddressAppearsOnceWhateverItsWeights() {
        assertThatThrownBy(() -> RecordSet.of(30, WeightedAddress.of("10.0.0.1", 1), WeightedAddress.of("10.0.0.2", 1), WeightedAddress.of("10.0.0.1", 5)))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("address 10.0.0.1 appears twice in a record set");
    }

    @Test
    void orderDoesNotMatterSoEqualContentIsAnEqualValue() {
        RecordSet a = RecordSet.of(30, WeightedAddress.of("10.0.0.9", 2), WeightedAddress.of("2001:db8::1", 1), WeightedAddress.of("10.0.0.10", 3));
        RecordSet b = RecordSet.of(30, WeightedAddress.of("10.0.0.10", 3), WeightedAddress.of("10.0.0.9", 2), WeightedAddress.of("2001:db8::1", 1));
        assertThat(a).isEqualTo(b).hasSameHashCodeAs(b);
        assertThat(a.addresses()).extracting(WeightedAddress::toString).containsExactly("10.0.0.9*2", "10.0.0.10*3", "2001:db8:0:0:0:0:0:1*1");
        assertThat(a.canonical()).isEqualTo(b.canonical()).isEqualTo("30 10.0.0.9*2 10.0.0.10*3 2001:db8:0:0:0:0:0:1*1");
        assertThat(a).isNotEqualTo(RecordSet.of(31, WeightedAddress.of("10.0.0.10", 3), WeightedAddress.of("10.0.0.9", 2), WeightedAddress.of("2001:db8::1", 1)));
    }

    @Test
    void theAddressListCannotBeChangedBehindTheRecordSetsBack() {
        List<WeightedAddress> mutable = new ArrayList<>(List.of(WeightedAddress.of("10.0.0.1", 1)));
        RecordSet rs = new RecordSet(mutable, 30);
        mutable.clear();
        assertThat(rs.addresses()).hasSize(1);
        assertThatThrownBy(() -> rs.addresses().clear()).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void theWeightSumIsTheSumOfTheWeights() {
        assertThat(RecordSet.of(30, WeightedAddress.of("10.0.0.1", 7)).weightSum()).isEqualTo(7);
        assertThat(RecordSet.of(30, WeightedAddress.of("10.0.0.1", 7), WeightedAddress.of("10.0.0.2", WeightedAddress.WEIGHT_MAX)).weightSum())
                .isEqualTo(1_000_007L);
    }
}
