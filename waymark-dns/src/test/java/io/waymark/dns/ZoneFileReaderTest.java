package io.waymark.dns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.Name;
import org.xbill.DNS.Type;

/** Zone files load whole or not at all, and a refusal names the file, the line and the reason. */
class ZoneFileReaderTest {
    @TempDir
    Path dir;

    private Path write(String text) throws Exception {
        Path f = dir.resolve("zone.txt");
        Files.writeString(f, text);
        return f;
    }

    private static final String HEAD = "$ORIGIN example.test.\n$TTL 60\n@ SOA ns hostmaster 1 2 3 4 5\n@ NS ns\n";

    @Test
    void a_good_file_loads_with_its_origin_and_records() throws Exception {
        Zone zone = ZoneFileReader.read(write(HEAD + "ns A 192.0.2.1\nwww A 192.0.2.2\n"));
        assertThat(zone.origin()).isEqualTo(Name.fromString("example.test."));
        assertThat(zone.records()).hasSize(4);
        assertThat(zone.soa().getMinimum()).isEqualTo(5);
    }

    @Test
    void a_syntax_error_is_refused_with_file_line_and_reason() throws Exception {
        Path f = write(HEAD + "www A 192.0.2.2\nbad A 300.1.2.3\n");
        ZoneLoadException e = catchThrowableOfType(ZoneLoadException.class, () -> ZoneFileReader.read(f));
        assertThat(e.file()).isEqualTo(f);
        assertThat(e.line()).isEqualTo(6);
        assertThat(e.reason()).isNotBlank();
        assertThat(e.getMessage()).startsWith(f + ":6: ");
    }

    @Test
    void an_unknown_type_is_refused_with_its_line() throws Exception {
        Path f = write(HEAD + "www BOGUS 192.0.2.2\n");
        ZoneLoadException e = catchThrowableOfType(ZoneLoadException.class, () -> ZoneFileReader.read(f));
        assertThat(e.line()).isEqualTo(5);
    }

    @Test
    void zones_breaking_the_rules_are_refused_with_the_reason() throws Exception {
        assertThat(catchThrowableOfType(ZoneLoadException.class, () -> ZoneFileReader.read(write("$ORIGIN example.test.\nwww 60 A 192.0.2.2\n"))).reason())
                .contains("no SOA");
        assertThat(catchThrowableOfType(ZoneLoadException.class, () -> ZoneFileReader.read(write(HEAD + "www.other.test. A 192.0.2.2\n"))).reason())
                .contains("outside the zone origin");
        assertThat(catchThrowableOfType(ZoneLoadException.class, () -> ZoneFileReader.read(write(HEAD + "x CNAME www\nx A 192.0.2.2\n"))).reason())
                .contains("CNAME");
        assertThat(catchThrowableOfType(ZoneLoadException.class, () -> ZoneFileReader.read(dir.resolve("missing.zone"))).reason())
                .contains("cannot read");
    }

    @Test
    void a_record_breaking_a_rule_is_refused_with_its_line() throws Exception {
        Path outside = write(HEAD + "www A 192.0.2.2\n\n; comment\nwww.other.test. A 192.0.2.2\n");
        ZoneLoadException e = catchThrowableOfType(ZoneLoadException.class, () -> ZoneFileReader.read(outside));
        assertThat(e.line()).isEqualTo(8);
        assertThat(e.getMessage()).startsWith(outside + ":8: record www.other.test. lies outside");
        Path cname = write(HEAD + "x CNAME www\nwww A 192.0.2.2\nx (\n  A\n  192.0.2.3 )\n");
        assertThat(catchThrowableOfType(ZoneLoadException.class, () -> ZoneFileReader.read(cname)).line()).isEqualTo(9);
        Path secondSoa = write(HEAD + "@ SOA ns hostmaster 2 2 3 4 5\n");
        assertThat(catchThrowableOfType(ZoneLoadException.class, () -> ZoneFileReader.read(secondSoa)).line()).isEqualTo(5);
    }

    @Test
    void a_default_zone_has_soa_and_ns_at_its_apex() throws Exception {
        Zone zone = Zone.withDefaults(Name.fromString("waymark.test."));
        assertThat(zone.records()).extracting(org.xbill.DNS.Record::getType).containsExactlyInAnyOrder(Type.SOA, Type.NS);
        assertThat(zone.soa().getMinimum()).isLessThanOrEqualTo(60);
    }
}
