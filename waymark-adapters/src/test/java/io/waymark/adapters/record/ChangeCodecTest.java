package io.waymark.adapters.record;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.waymark.core.model.Endpoint;
import io.waymark.core.model.Generation;
import io.waymark.core.model.PlanHash;
import io.waymark.core.model.RecordSet;
import io.waymark.core.model.Stamp;
import io.waymark.core.model.WeightedAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The record log's entry format: what is written reads back exactly, old entries still read, and a plan's stamp is written once. */
class ChangeCodecTest {
    private static final String HEX = "ab".repeat(32);
    private static final Stamp G7 = new Stamp(Generation.of(7), new PlanHash(HEX));
    private static final Stamp G8 = new Stamp(Generation.of(8), new PlanHash("cd".repeat(32)));
    private static final Stamp G9 = new Stamp(Generation.of(9), new PlanHash("0f".repeat(32)));

    private static RecordSet records(String... addresses) {
        List<WeightedAddress> list = new ArrayList<>();
        for (String a : addresses) list.add(WeightedAddress.of(a, 3));
        return new RecordSet(list, 30);
    }

    private static EndpointChange change(int i, Stamp stamp, RecordSet records) {
        return new EndpointChange(Endpoint.of("e" + i + ".bench.waymark.test."), stamp, records);
    }

    @Test
    void changes_with_several_stamps_retirements_and_both_families_read_back_exactly() {
        List<EndpointChange> changes = List.of(
                change(1, G7, records("10.0.0.1", "10.0.0.2")),
                change(2, G8, records("2001:db8::1")),
                change(3, G7, records("10.0.0.3", "2001:db8::3")),
                EndpointChange.retirement(Endpoint.of("gone.bench.waymark.test."), G8),
                change(4, G9, records("10.0.0.4")));
        List<byte[]> entries = ChangeCodec.encode(changes, 1 << 20);
        assertThat(entries).hasSize(1);
        assertThat(entries.get(0)[0]).isEqualTo(ChangeCodec.VERSION);
        assertThat(ChangeCodec.decode(ByteBuffer.wrap(entries.get(0)))).isEqualTo(changes);
    }

    @Test
    void a_restamp_of_a_hundred_endpoints_writes_the_plan_stamp_once() {
        List<EndpointChange> changes = new ArrayList<>();
        for (int i = 0; i < 100; i++) changes.add(change(i, G7, records("10.1.0." + i)));
        byte[] entry = ChangeCodec.encode(changes, 1 << 20).get(0);
        // Name (~24 bytes) + stamp index + ttl + count + one IPv4 with its weight: under 48 bytes a
        // change; version 1 spent 41 more on the stamp in every change (about 80 a change).
        assertThat(entry.length).isLessThan(100 * 48);
        byte[] hash = HexFormat.of().parseHex(HEX);
        assertThat(occurrences(entry, hash)).isEqualTo(1);
        assertThat(ChangeCodec.decode(ByteBuffer.wrap(entry))).isEqualTo(changes);
    }

    @Test
    void version_1_entries_written_before_still_read() {
        List<EndpointChange> changes = List.of(change(1, G7, records("10.0.0.1")), change(2, G8, records("2001:db8::2", "10.0.0.2")),
                EndpointChange.retirement(Endpoint.of("gone.bench.waymark.test."), G8), change(3, G9, records("10.0.0.3")));
        assertThat(ChangeCodec.decode(ByteBuffer.wrap(version1(changes)))).isEqualTo(changes);
    }

    @Test
    void a_group_larger_than_an_entry_is_split_and_every_part_reads_back() {
        List<EndpointChange> changes = new ArrayList<>();
        for (int i = 0; i < 1000; i++) changes.add(change(i, i % 3 == 0 ? G8 : G7, records("10.2." + (i / 250) + "." + (i % 250))));
        List<byte[]> entries = ChangeCodec.encode(changes, 4096);
        assertThat(entries.size()).isGreaterThan(1);
        List<EndpointChange> back = new ArrayList<>();
        for (byte[] e : entries) {
            assertThat(e.length).isLessThanOrEqualTo(4096);
            back.addAll(ChangeCodec.decode(ByteBuffer.wrap(e)));
        }
        assertThat(back).isEqualTo(changes);
    }

    @Test
    void a_change_naming_a_stamp_the_entry_lacks_is_refused() {
        byte[] entry = ChangeCodec.encode(List.of(change(1, G7, records("10.0.0.1"))), 1 << 20).get(0);
        // Header: version, u16 stamps (1), the stamp (8 + 33), u32 count; then u16 name length, the name, u16 stamp index.
        int nameLength = "e1.bench.waymark.test.".length();
        int indexAt = 1 + 2 + 8 + 33 + 4 + 2 + nameLength;
        assertThat(entry[indexAt + 1]).isZero();
        entry[indexAt + 1] = 1;
        assertThatThrownBy(() -> ChangeCodec.decode(ByteBuffer.wrap(entry))).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("names stamp 1 of 1");
        byte[] unknown = entry.clone();
        unknown[0] = 3;
        assertThatThrownBy(() -> ChangeCodec.decode(ByteBuffer.wrap(unknown))).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("version 3");
    }

    private static int occurrences(byte[] haystack, byte[] needle) {
        int n = 0;
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            if (java.util.Arrays.equals(haystack, i, i + needle.length, needle, 0, needle.length)) n++;
        }
        return n;
    }

    /** Version 1 as it was written (u8 1, u32 count, per change: name, generation, hash, record set). */
    private static byte[] version1(List<EndpointChange> changes) {
        ByteBuffer b = ByteBuffer.allocate(1 << 16);
        b.put((byte) 1).putInt(changes.size());
        for (EndpointChange c : changes) {
            byte[] name = c.endpoint().name().getBytes(StandardCharsets.UTF_8);
            b.putShort((short) name.length).put(name).putLong(c.stamp().generation().value());
            if (c.stamp().planHash().isWellFormed()) b.put((byte) 1).put(HexFormat.of().parseHex(c.stamp().planHash().hex()));
            else {
                byte[] text = c.stamp().planHash().hex().getBytes(StandardCharsets.UTF_8);
                b.put((byte) 0).put((byte) text.length).put(text);
            }
            List<WeightedAddress> addresses = c.isRetirement() ? List.of() : c.records().addresses();
            b.putInt(c.isRetirement() ? 0 : c.records().ttlSeconds()).putShort((short) addresses.size());
            for (WeightedAddress a : addresses) {
                byte[] raw = a.address().getAddress();
                b.put((byte) raw.length).put(raw).putInt(a.weight());
            }
        }
        return java.util.Arrays.copyOf(b.array(), b.position());
    }
}
