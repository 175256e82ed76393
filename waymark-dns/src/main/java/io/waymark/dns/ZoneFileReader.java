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
        try {
            return new Zone(zoneOrigin, records, file.toString());
        } catch (IllegalArgumentException e) {
            String message = e.getMessage();
            String prefix = file + ": ";
            throw new ZoneLoadException(file, 0, message.startsWith(prefix) ? message.substring(prefix.length()) : message, e);
        }
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
