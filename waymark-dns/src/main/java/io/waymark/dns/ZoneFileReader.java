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
    /** Normalisation warnings logged one by one; the rest are counted in one line. */
    private static final int WARNINGS_MAX = 20;
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(ZoneFileReader.class);

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
        records = normalise(file, origin, records);
        ZoneRules.Problem problem = ZoneRules.check(zoneOrigin, records);
        if (problem != null) {
            int line = problem.recordIndex() < 0 ? 0 : lineOfRecord(file, origin, problem.recordIndex());
            throw new ZoneLoadException(file, line, problem.reason(), null);
        }
        return Zone.normalised(zoneOrigin, records, file.toString());
    }

    /** RFC 2181 §5 at load: duplicates dropped, one TTL per RRset, each change a warning with file and line. */
    private static List<org.xbill.DNS.Record> normalise(Path file, Name origin, List<org.xbill.DNS.Record> records) {
        ZoneNormaliser.Result result = ZoneNormaliser.normalise(records);
        if (result.findings().isEmpty()) return records;
        int shown = Math.min(result.findings().size(), WARNINGS_MAX);
        int[] lines = linesOfRecords(file, origin, records, result.findings().get(shown - 1).recordIndex());
        for (int i = 0; i < shown; i++) {
            ZoneNormaliser.Finding f = result.findings().get(i);
            int line = f.recordIndex() < lines.length ? lines[f.recordIndex()] : 0;
            log.warn("{}{}: {}", file, line > 0 ? ":" + line : "", f.message());
        }
        if (result.findings().size() > shown) log.warn("{}: {} more records normalised (duplicates or mixed TTLs)", file, result.findings().size() - shown);
        return result.records();
    }

    /**
     * The line on which each record up to {@code lastIndex} ends, from one more parse of the file
     * through a stream that counts the line ends the tokenizer has consumed; 0 where it cannot be told
     * (a record from an $INCLUDE, which this pass does not follow).
     */
    private static int[] linesOfRecords(Path file, Name origin, List<org.xbill.DNS.Record> records, int lastIndex) {
        int[] lines = new int[lastIndex + 1];
        try (LineCountingStream in = new LineCountingStream(Files.newInputStream(file));
                Master master = new Master(in, origin)) {
            master.disableIncludes(true);
            for (int i = 0; i <= lastIndex; i++) {
                org.xbill.DNS.Record r = master.nextRecord();
                if (r == null || !r.equals(records.get(i))) break; // out of step (an $INCLUDE): leave the rest unknown
                // The tokenizer has read the record's closing line end: the count is the line it ends on.
                lines[i] = in.lineEnds();
            }
        } catch (IOException | RuntimeException e) {
            // lines stay 0: a warning without a line still names the file and the record
        }
        return lines;
    }

    /** Counts line ends as they are handed to dnsjava's tokenizer (it reads one byte at a time from a buffered stream). */
    private static final class LineCountingStream extends java.io.BufferedInputStream {
        private int lineEnds;

        LineCountingStream(java.io.InputStream in) {
            super(in);
        }

        @Override
        public synchronized int read() throws IOException {
            int b = super.read();
            if (b == '\n') lineEnds++;
            return b;
        }

        @Override
        public synchronized int read(byte[] buf, int off, int len) throws IOException {
            int n = super.read(buf, off, len);
            for (int i = 0; i < n; i++) if (buf[off + i] == '\n') lineEnds++;
            return n;
        }

        int lineEnds() {
            return lineEnds;
        }
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
