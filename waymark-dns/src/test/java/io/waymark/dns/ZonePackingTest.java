package io.waymark.dns;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Name;
import org.xbill.DNS.Section;

/** A zone hands back exactly the records it was given, in order and as spelled, whatever it packed them into. */
class ZonePackingTest {
    private static org.xbill.DNS.Record record(String text, Name origin) throws Exception {
        String[] f = text.split(" ", 4);
        return org.xbill.DNS.Record.fromString(Name.fromString(f[0], origin), org.xbill.DNS.Type.value(f[2]), org.xbill.DNS.DClass.IN,
                Long.parseLong(f[1]), f[3], origin);
    }

    @Test
    void records_come_back_byte_for_byte_across_chunks_spellings_and_ttls() throws Exception {
        Name origin = Name.fromString("example.test.");
        List<org.xbill.DNS.Record> records = new ArrayList<>();
        records.add(record("@ 300 SOA ns hostmaster 1 2 3 4 5", origin));
        records.add(record("@ 300 NS ns", origin));
        records.add(record("ns 300 A 192.0.2.1", origin));
        // Enough records for several 64 KiB chunks; owners repeat (RRsets), change case, change type, TTL and length.
        for (int i = 0; i < 12_000; i++) {
            String owner = i % 7 == 0 ? "Host" + (i / 3) : "host" + (i / 3);
            records.add(record(owner + " " + (60 + i % 2) + " A 10.0." + (i >> 8 & 255) + "." + (i & 255), origin));
            if (i % 5 == 0) records.add(record(owner + " 60 TXT \"" + "x".repeat(i % 250) + "\"", origin));
            if (i % 11 == 0) records.add(record(owner + " 60 MX 10 Mail." + owner, origin));
        }
        Zone zone = Zone.normalised(origin, records, "test");
        List<org.xbill.DNS.Record> back = zone.records();
        assertThat(back).hasSize(records.size());
        assertThat(zone.recordCount()).isEqualTo(records.size());
        for (int i = 0; i < records.size(); i++) {
            // Record.equals ignores case and TTL: compare the wire forms, which keep both.
            assertThat(back.get(i).toWire(Section.ANSWER)).as("record %d %s", i, records.get(i)).isEqualTo(records.get(i).toWire(Section.ANSWER));
            assertThat(back.get(i).getTTL()).isEqualTo(records.get(i).getTTL());
        }
        assertThat(zone.soa()).isEqualTo(records.get(0));
    }
}
