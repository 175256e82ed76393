package io.waymark.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Type;

/**
 * The dnsperf query file of bench/dns-qps ("name TYPE" per line, from bench/peers/gen_zone.py) as
 * wire-format queries, so that the JMH benchmark and the network benchmark ask the same questions
 * in the same order. Each query carries its own ID and RD=1, like dnsperf's (no EDNS: dnsperf sends
 * none without -e).
 */
public record QueryMix(List<byte[]> packets, List<String> lines) {
    /** The generator writes 100k lines; the bound only keeps a wrong file from eating the heap. */
    private static final int LINES_MAX = 1_000_000;

    public QueryMix {
        packets = List.copyOf(packets);
        lines = List.copyOf(lines);
        if (packets.isEmpty() || packets.size() != lines.size()) throw new IllegalArgumentException("empty or inconsistent query mix");
    }

    public static QueryMix read(Path queryFile) throws IOException {
        List<byte[]> packets = new ArrayList<>();
        List<String> lines = new ArrayList<>();
        int id = 0;
        for (String line : Files.readAllLines(queryFile)) {
            String trimmed = line.strip();
            if (trimmed.isEmpty() || trimmed.startsWith(";")) continue;
            if (lines.size() >= LINES_MAX) throw new IOException(queryFile + ": more than " + LINES_MAX + " queries");
            String[] parts = trimmed.split("\\s+");
            if (parts.length != 2) throw new IOException(queryFile + ": expected 'name TYPE', got: " + line);
            int type = Type.value(parts[1]);
            if (type < 0) throw new IOException(queryFile + ": unknown type in: " + line);
            Message query = Message.newQuery(org.xbill.DNS.Record.newRecord(Name.fromString(parts[0], Name.root), type, DClass.IN));
            query.getHeader().setID(id);
            id = (id + 1) & 0xFFFF;
            packets.add(query.toWire());
            lines.add(trimmed);
        }
        return new QueryMix(packets, lines);
    }

    public int size() {
        return packets.size();
    }
}
