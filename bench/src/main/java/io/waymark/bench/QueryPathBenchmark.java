package io.waymark.bench;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.waymark.core.model.Endpoint;
import io.waymark.core.model.RecordSet;
import io.waymark.core.model.WeightedAddress;
import io.waymark.dns.Authority;
import io.waymark.dns.QueryResponder;
import io.waymark.dns.ServingOptions;
import io.waymark.dns.Transport;
import io.waymark.dns.ZoneFileReader;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Section;

/**
 * The UDP query path without the network: {@link QueryResponder#respond} on the bench/dns-qps zone
 * and query file (parse the query, look the name up in the snapshot, copy the prepared answer bytes),
 * one query per operation, cycling through the file in its order.
 *
 * <ul>
 *   <li>{@code respond}: the reply goes into one reused direct buffer — the responder alone.
 *   <li>{@code respondPooledReply}: a pooled direct reply buffer per query, released after, as the
 *       UDP handler does (minus the socket): what the handler adds on top.
 * </ul>
 * {@code subset} picks the queries: the whole mix (75 % A, 20 % AAAA, 5 % NXDOMAIN, in file order),
 * one kind of them, or {@code managed}: one name whose addresses are managed with weights (16
 * addresses, answers of up to 8 drawn by weight), the answer path enactors will publish through.
 *
 * <p>Setup answers every query once and checks the reply with dnsjava (ID, QR, AA, rcode, non-empty
 * answer unless NXDOMAIN), so a broken path fails the run instead of measuring fast garbage.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class QueryPathBenchmark {
    private static final String MANAGED_NAME = "managed.example.test.";

    /** Set by bench/jmh (system properties keep the long paths out of JMH's result table). */
    private static final String ZONE_FILE_PROPERTY = "waymark.bench.zoneFile";
    private static final String QUERY_FILE_PROPERTY = "waymark.bench.queryFile";

    @Param({"mix", "A", "AAAA", "NXDOMAIN", "managed"})
    public String subset;

    private QueryResponder responder;
    private ByteBuf[] queries;
    private ByteBuf reply;
    private ByteBufAllocator allocator;
    private int next;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        String zoneFile = System.getProperty(ZONE_FILE_PROPERTY, "");
        String queryFile = System.getProperty(QUERY_FILE_PROPERTY, "");
        if (zoneFile.isEmpty() || queryFile.isEmpty()) {
            throw new IllegalArgumentException("run through bench/jmh, which sets -D" + ZONE_FILE_PROPERTY + " and -D" + QUERY_FILE_PROPERTY);
        }
        Authority authority = Authority.of(List.of(ZoneFileReader.read(Path.of(zoneFile))), ServingOptions.defaults());
        QueryMix mix = QueryMix.read(Path.of(queryFile));
        List<byte[]> chosen = new ArrayList<>();
        List<Integer> expected = new ArrayList<>();
        if (subset.equals("managed")) {
            authority.applyManaged(Map.of(Endpoint.of(MANAGED_NAME), managedSet()));
            QueryMix one = QueryMix.read(writeTemp(MANAGED_NAME + " A\n"));
            chosen.add(one.packets().get(0));
            expected.add(Rcode.NOERROR);
        } else {
            for (int i = 0; i < mix.size(); i++) {
                String line = mix.lines().get(i);
                String kind = line.startsWith("nx") ? "NXDOMAIN" : line.endsWith(" AAAA") ? "AAAA" : "A";
                if (subset.equals("mix") || subset.equals(kind)) {
                    chosen.add(mix.packets().get(i));
                    expected.add(kind.equals("NXDOMAIN") ? Rcode.NXDOMAIN : Rcode.NOERROR);
                }
            }
        }
        if (chosen.isEmpty()) throw new IllegalArgumentException("no query in subset " + subset);
        responder = new QueryResponder(authority, 42);
        queries = new ByteBuf[chosen.size()];
        for (int i = 0; i < queries.length; i++) {
            byte[] wire = chosen.get(i);
            // Direct, like the buffers epoll reads datagrams into.
            queries[i] = Unpooled.directBuffer(wire.length).writeBytes(wire);
        }
        reply = Unpooled.directBuffer(4096);
        allocator = PooledByteBufAllocator.DEFAULT;
        for (int i = 0; i < queries.length; i++) check(i, chosen.get(i), expected.get(i));
        next = 0;
    }

    private void check(int i, byte[] wire, int rcode) throws IOException {
        reply.clear();
        if (!responder.respond(queries[i], reply, Transport.UDP)) throw new IllegalStateException("no reply to query " + i);
        byte[] bytes = new byte[reply.readableBytes()];
        reply.getBytes(reply.readerIndex(), bytes);
        Message m = new Message(bytes);
        Message q = new Message(wire);
        boolean ok = m.getHeader().getID() == q.getHeader().getID()
                && m.getHeader().getFlag(Flags.QR) && m.getHeader().getFlag(Flags.AA)
                && m.getRcode() == rcode
                && (rcode == Rcode.NXDOMAIN || m.getSection(Section.ANSWER).size() > 0)
                && m.getQuestion().equals(q.getQuestion());
        if (!ok) throw new IllegalStateException("wrong reply to " + q.getQuestion() + " (expected " + Rcode.string(rcode) + "):\n" + m);
    }

    private static RecordSet managedSet() {
        List<WeightedAddress> addresses = new ArrayList<>();
        for (int k = 1; k <= 16; k++) addresses.add(WeightedAddress.of("198.51.100." + k, k));
        return new RecordSet(addresses, 60);
    }

    private static Path writeTemp(String content) throws IOException {
        Path f = java.nio.file.Files.createTempFile("waymark-jmh-", ".txt");
        f.toFile().deleteOnExit();
        return java.nio.file.Files.writeString(f, content);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        for (ByteBuf q : queries) q.release();
        reply.release();
    }

    private ByteBuf nextQuery() {
        ByteBuf q = queries[next];
        if (++next == queries.length) next = 0;
        return q;
    }

    @Benchmark
    public int respond() {
        reply.clear();
        responder.respond(nextQuery(), reply, Transport.UDP);
        return reply.writerIndex();
    }

    @Benchmark
    public int respondPooledReply() {
        ByteBuf out = allocator.directBuffer(512);
        try {
            responder.respond(nextQuery(), out, Transport.UDP);
            return out.writerIndex();
        } finally {
            out.release();
        }
    }
}
