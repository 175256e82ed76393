package io.waymark.dns;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.xbill.DNS.Master;
import org.xbill.DNS.Name;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/**
 * Reads an RFC 1035 master file with dnsjava. The origin is the owner of the SOA record (files carry
 * it through $ORIGIN or absolute names), unless one is given. Nothing is returned unless the whole
 * file parses and passes {@link ZoneRules}: a zone is never served half-loaded.
 */
public final class ZoneFileReader {
    /** dnsjava's tokenizer reports problems as "file:line: reason". */
    private static final Pattern TOKENIZER_MESSAGE = Pattern.compile("^(.*?):(\\d+): (.*)$", Pattern.DOTALL);
    /** A bound on records per file: zone files are trusted operator input, but a loop needs a limit. */
    private static final int RECORDS_MAX = 10_000_000;

    private ZoneFileReader() {}

    public static Zone read(Path file) throws ZoneLoadException {
        return read(file, null);
    }

    public static Zone read(Path file, Name origin) throws ZoneLoadException {
        if (!Files.isReadable(file)) throw new ZoneLoadException(file, 0, "cannot read the file", null);
        List<org.xbill.DNS.Record> records = new ArrayList<>();
        try (Master master = origin == null ? new Master(file.toString()) : new Master(file.toString(), origin)) {
            for (org.xbill.DNS.Record r = master.nextRecord(); r != null; r = master.nextRecord()) {
                if (records.size() >= RECORDS_MAX) throw new ZoneLoadException(file, 0, "more than " + RECORDS_MAX + " records", null);
                records.add(r);
            }
        } catch (TextParseException e) {
            throw fromParser(file, e);
        } catch (IOException e) {
            throw new ZoneLoadException(file, 0, "cannot read: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            // dnsjava signals some rdata problems (e.g. a name too long) with unchecked exceptions.
            throw new ZoneLoadException(file, 0, String.valueOf(e.getMessage()), e);
        }
        Name zoneOrigin = origin != null ? origin : soaOwner(file, records);
        ZoneRules.Problem problem = ZoneRules.check(zoneOrigin, records);
        if (problem != null) {
            int line = problem.recordIndex() < 0 ? 0 : lineOfRecord(file, origin, problem.recordIndex());
            throw new ZoneLoadException(file, line, problem.reason(), null);
        }
        return new Zone(zoneOrigin, records, file.toString());
    }

    /**
     * The line on which record {@code index} ends, found (on the error path only) by parsing ever
     * longer prefixes of the file: the first prefix that yields index+1 records ends on that line.
     * 0 when it cannot be told (e.g. the record came from an $INCLUDE).
     */
    private static int lineOfRecord(Path file, Name origin, int index) {
        try {
            List<String> lines = Files.readAllLines(file);
            int low = 1;
            int high = lines.size();
            if (recordsIn(lines, high, origin) <= index) return 0;
            while (low < high) { // binary search: at most log2(lines) parses
                int mid = (low + high) >>> 1;
                if (recordsIn(lines, mid, origin) > index) high = mid;
                else low = mid + 1;
            }
            return low;
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    /** Records parsed from the first {@code lineCount} lines (a cut record or a parse error ends the count). */
    private static int recordsIn(List<String> lines, int lineCount, Name origin) {
        String text = String.join("\n", lines.subList(0, lineCount)) + "\n";
        int count = 0;
        try (Master master = new Master(new java.io.ByteArrayInputStream(text.getBytes(java.nio.charset.StandardCharsets.UTF_8)), origin)) {
            master.disableIncludes(true);
            while (master.nextRecord() != null && count <= RECORDS_MAX) count++;
        } catch (IOException | RuntimeException e) {
            // a prefix may end inside a parenthesised record: count what parsed before it
        }
        return count;
    }

    private static Name soaOwner(Path file, List<org.xbill.DNS.Record> records) throws ZoneLoadException {
        for (org.xbill.DNS.Record r : records) if (r.getType() == Type.SOA) return r.getName();
        throw new ZoneLoadException(file, 0, "no SOA record: cannot tell the zone origin", null);
    }

    private static ZoneLoadException fromParser(Path file, TextParseException e) {
        Matcher m = TOKENIZER_MESSAGE.matcher(String.valueOf(e.getMessage()));
        if (m.matches()) {
            try {
                return new ZoneLoadException(file, Integer.parseInt(m.group(2)), m.group(3), e);
            } catch (NumberFormatException ignored) {
                // fall through: the message did not carry a usable line
            }
        }
        return new ZoneLoadException(file, 0, String.valueOf(e.getMessage()), e);
    }
}
