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

    /** Captures what ZoneFileReader logs while {@code body} runs. */
    private static java.util.List<String> warningsWhile(org.junit.jupiter.api.function.ThrowingSupplier<?> body) throws Throwable {
        ch.qos.logback.classic.Logger logger = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(ZoneFileReader.class);
        ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> appender = new ch.qos.logback.core.read.ListAppender<>();
        appender.start();
        logger.addAppender(appender);
        try {
            body.get();
        } finally {
            logger.detachAppender(appender);
        }
        return appender.list.stream().filter(e -> e.getLevel() == ch.qos.logback.classic.Level.WARN).map(ch.qos.logback.classic.spi.ILoggingEvent::getFormattedMessage).toList();
    }

    @Test
    void a_duplicate_record_is_kept_once_with_a_warning_naming_file_and_line() throws Throwable {
        Path f = write(HEAD + "www A 192.0.2.2\nwww A 192.0.2.3\nwww A 192.0.2.2\n");
        Zone[] zone = new Zone[1];
        java.util.List<String> warnings = warningsWhile(() -> zone[0] = ZoneFileReader.read(f));
        assertThat(zone[0].records().stream().filter(r -> r.getType() == Type.A && r.getName().toString().startsWith("www"))).hasSize(2);
        assertThat(warnings).singleElement().satisfies(w -> assertThat(w).startsWith(f + ":7: duplicate record www.example.test. A 192.0.2.2"));
    }

    @Test
    void mixed_ttls_in_one_rrset_are_served_with_the_lowest_and_each_differing_line_is_named() throws Throwable {
        // The lowest TTL comes second: the first record is the one that changes.
        Path f = write(HEAD + "ttl 600 A 192.0.2.10\nttl 300 A 192.0.2.11\nttl (\n 900 A 192.0.2.12 )\n");
        Zone[] zone = new Zone[1];
        java.util.List<String> warnings = warningsWhile(() -> zone[0] = ZoneFileReader.read(f));
        assertThat(zone[0].records().stream().filter(r -> r.getName().toString().startsWith("ttl"))).extracting(org.xbill.DNS.Record::getTTL).containsOnly(300L);
        assertThat(warnings).hasSize(2);
        assertThat(warnings.get(0)).startsWith(f + ":5: TTL 600 of ttl.example.test. A").contains("lowest, 300", "RFC 2181 §5.2");
        assertThat(warnings.get(1)).startsWith(f + ":8: TTL 900"); // a record over two lines: the line it ends on
    }

    @Test
    void records_below_a_dname_are_refused_because_they_could_never_be_served() throws Exception {
        Path f = write(HEAD + "dn DNAME target\nx.dn A 192.0.2.1\n");
        ZoneLoadException e = catchThrowableOfType(ZoneLoadException.class, () -> ZoneFileReader.read(f));
        assertThat(e.line()).isEqualTo(6);
        assertThat(e.reason()).contains("below the DNAME at dn.example.test.", "RFC 6672");
    }

    @Test
    void two_cnames_at_one_owner_are_refused() throws Exception {
        Path f = write(HEAD + "c CNAME a\nc CNAME b\n");
        ZoneLoadException e = catchThrowableOfType(ZoneLoadException.class, () -> ZoneFileReader.read(f));
        assertThat(e.line()).isEqualTo(6);
        assertThat(e.reason()).contains("second CNAME");
    }
}
