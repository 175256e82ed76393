package io.waymark.bench.load;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A UDP query load generator that is cheap per query, so that on a two-core machine the server (pinned
 * to one core, this to the other) is what runs out first — dnsperf spends about 6.5 µs of its own CPU
 * per query here and tops out near 150k QPS, below what Waymark, NSD or Knot can answer on one core, so
 * a dnsperf run measures dnsperf. This one sends and receives 64 datagrams per system call
 * (sendmmsg/recvmmsg through FFM) on connected sockets, keeps a bounded number of queries outstanding
 * like dnsperf's {@code -q}, and prints its summary in dnsperf's words so bench/dns-qps reads both alike.
 *
 * <p>Usage (dnsperf's flags): {@code MmsgLoad -s ADDR -p PORT -d QUERYFILE -l SECONDS [-c CLIENTS]
 * [-q OUTSTANDING] [-t TIMEOUT_S] [-e] [-D] [-M]}. The query file is dnsperf's: one {@code name TYPE} per line.
 * {@code -M} (not dnsperf's): half the clients send EDNS with DO, half no EDNS, in one process — what
 * bench/dns-qps's real workload asks of two dnsperf processes, without two generators sharing a core.
 * Queries go out in file order, cycling; each socket ("client") holds {@code q / c} outstanding.
 */
public final class MmsgLoad {
    private static final int AF_INET = 2;
    private static final int SOCK_DGRAM = 2;
    private static final int SOCK_NONBLOCK = 0x800;
    private static final int MSG_DONTWAIT = 0x40;
    private static final int POLLIN = 1;
    private static final int EAGAIN = 11;
    private static final int SOL_SOCKET = 1;
    private static final int SO_SNDBUF = 7;
    private static final int SO_RCVBUF = 8;
    private static final int BATCH = 64;
    private static final int QUERY_MAX = 512;
    private static final int REPLY_MAX = 65_536;
    private static final int IDS = 1 << 16;
    /** Empty passes (nothing sent, nothing received) before blocking in poll: spinning is cheaper than waking, up to a point. */
    private static final int SPINS_BEFORE_POLL = 64;
    private static final int POLL_MS = 10;
    /** After the last send, how long answers are still awaited before the rest count as lost. */
    private static final long DRAIN_NANOS = 1_000_000_000L;
    private static final long TIMEOUT_SCAN_NANOS = 100_000_000L;

    private static final StructLayout MSGHDR = MemoryLayout.structLayout(
            ValueLayout.ADDRESS.withName("msg_name"), ValueLayout.JAVA_INT.withName("msg_namelen"), MemoryLayout.paddingLayout(4),
            ValueLayout.ADDRESS.withName("msg_iov"), ValueLayout.JAVA_LONG.withName("msg_iovlen"),
            ValueLayout.ADDRESS.withName("msg_control"), ValueLayout.JAVA_LONG.withName("msg_controllen"),
            ValueLayout.JAVA_INT.withName("msg_flags"), MemoryLayout.paddingLayout(4));
    private static final long MMSG_BYTES = MSGHDR.byteSize() + 8; // struct mmsghdr: msghdr, unsigned msg_len, padding
    private static final long IOV_OFFSET = MSGHDR.byteOffset(MemoryLayout.PathElement.groupElement("msg_iov"));
    private static final long IOVLEN_OFFSET = MSGHDR.byteOffset(MemoryLayout.PathElement.groupElement("msg_iovlen"));
    private static final long MSG_LEN_OFFSET = MSGHDR.byteSize();
    private static final long IOVEC_BYTES = 16;

    private static final MethodHandle SOCKET;
    private static final MethodHandle CONNECT;
    private static final MethodHandle SETSOCKOPT;
    private static final MethodHandle SENDMMSG;
    private static final MethodHandle RECVMMSG;
    private static final MethodHandle POLL;

    static {
        Linker linker = Linker.nativeLinker();
        var lookup = linker.defaultLookup();
        ValueLayout.OfInt i = ValueLayout.JAVA_INT;
        ValueLayout p = ValueLayout.ADDRESS;
        SOCKET = linker.downcallHandle(lookup.findOrThrow("socket"), FunctionDescriptor.of(i, i, i, i));
        CONNECT = linker.downcallHandle(lookup.findOrThrow("connect"), FunctionDescriptor.of(i, i, p, i));
        SETSOCKOPT = linker.downcallHandle(lookup.findOrThrow("setsockopt"), FunctionDescriptor.of(i, i, i, i, p, i));
        SENDMMSG = linker.downcallHandle(lookup.findOrThrow("sendmmsg"), FunctionDescriptor.of(i, i, p, i, i));
        RECVMMSG = linker.downcallHandle(lookup.findOrThrow("recvmmsg"), FunctionDescriptor.of(i, i, p, i, i, p));
        POLL = linker.downcallHandle(lookup.findOrThrow("poll"), FunctionDescriptor.of(i, p, ValueLayout.JAVA_LONG, i));
    }

    /** The command line, as dnsperf's. */
    record Options(InetAddress server, int port, Path queries, double seconds, int clients, int outstanding, double timeoutS, boolean edns, boolean dnssecOk, boolean mixed) {
        Options {
            if (mixed && (edns || clients < 2)) throw new IllegalArgumentException("-M splits the clients itself: at least 2, and no -e or -D");
            if (!(server instanceof Inet4Address)) throw new IllegalArgumentException("-s must be an IPv4 address");
            if (port < 1 || port > 65_535 || seconds <= 0 || clients < 1 || outstanding < clients || timeoutS <= 0) {
                throw new IllegalArgumentException("need -p 1..65535, -l > 0, -c >= 1, -q >= -c, -t > 0");
            }
        }

        static Options parse(String[] args) throws IOException {
            String server = "127.0.0.1", file = null;
            int port = 53, clients = 1, outstanding = 100;
            double seconds = 0, timeout = 5;
            boolean edns = false, dnssecOk = false, mixed = false;
            for (int a = 0; a < args.length; a++) {
                switch (args[a]) {
                    case "-s" -> server = args[++a];
                    case "-p" -> port = Integer.parseInt(args[++a]);
                    case "-d" -> file = args[++a];
                    case "-l" -> seconds = Double.parseDouble(args[++a]);
                    case "-c" -> clients = Integer.parseInt(args[++a]);
                    case "-q" -> outstanding = Integer.parseInt(args[++a]);
                    case "-t" -> timeout = Double.parseDouble(args[++a]);
                    case "-e" -> edns = true;
                    case "-D" -> dnssecOk = edns = true;
                    case "-M" -> mixed = true;
                    case "-T" -> a++; // dnsperf's thread count: this generator is one thread by design
                    default -> throw new IllegalArgumentException("unknown option " + args[a]);
                }
            }
            if (file == null) throw new IllegalArgumentException("-d QUERYFILE is required");
            return new Options(InetAddress.getByName(server), port, Path.of(file), seconds, clients, outstanding, timeout, edns, dnssecOk, mixed);
        }
    }

    public static void main(String[] args) throws Throwable {
        Options o;
        try {
            o = Options.parse(args);
        } catch (IllegalArgumentException | IOException e) {
            System.err.println("MmsgLoad: " + e.getMessage());
            System.exit(2);
            return;
        }
        byte[][] plain = encode(o.queries(), o.edns(), o.dnssecOk());
        byte[][] withDo = o.mixed() ? encode(o.queries(), true, true) : plain;
        Result r = run(o, plain, withDo);
        System.out.print(r.report(o));
    }

    /** Every line of the query file as a query message with ID 0 (set per send), RD as dnsperf sends it. */
    static byte[][] encode(Path file, boolean edns, boolean dnssecOk) throws IOException {
        List<byte[]> out = new ArrayList<>();
        for (String line : Files.readAllLines(file, StandardCharsets.US_ASCII)) {
            String[] f = line.trim().split("\\s+");
            if (f.length < 2 || f[0].startsWith(";")) continue;
            out.add(query(f[0], org.xbill.DNS.Type.value(f[1].toUpperCase(Locale.ROOT)), edns, dnssecOk));
        }
        if (out.isEmpty()) throw new IOException("no queries in " + file);
        return out.toArray(new byte[0][]);
    }

    /** dnsjava's query (RD set, as dnsperf sends it), in the file's spelling: Name keeps the case it was given. */
    private static byte[] query(String name, int type, boolean edns, boolean dnssecOk) {
        if (type < 0) throw new IllegalArgumentException("unknown type in query file: " + name);
        try {
            org.xbill.DNS.Message m = org.xbill.DNS.Message.newQuery(org.xbill.DNS.Record.newRecord(
                    org.xbill.DNS.Name.fromString(name, org.xbill.DNS.Name.root), type, org.xbill.DNS.DClass.IN));
            if (edns) m.addRecord(new org.xbill.DNS.OPTRecord(4096, 0, 0, dnssecOk ? org.xbill.DNS.ExtendedFlags.DO : 0), org.xbill.DNS.Section.ADDITIONAL);
            byte[] wire = m.toWire();
            if (wire.length > QUERY_MAX) throw new IllegalArgumentException("query longer than " + QUERY_MAX + " bytes: " + name);
            return wire;
        } catch (org.xbill.DNS.TextParseException e) {
            throw new IllegalArgumentException("bad name in query file: " + name, e);
        }
    }

    /** What one run counted. */
    record Result(long sent, long completed, long lost, long latencyNanos, long requestBytes, long responseBytes, long[] rcodes, double runSeconds) {
        String report(Options o) {
            StringBuilder s = new StringBuilder();
            s.append(String.format(Locale.ROOT, "MmsgLoad: %d clients, %d outstanding, %s%n%n", o.clients(), o.outstanding(),
                    o.mixed() ? "half without EDNS, half EDNS + DO" : o.dnssecOk() ? "EDNS + DO" : o.edns() ? "EDNS" : "no EDNS"));
            s.append(String.format(Locale.ROOT, "  Queries sent:         %d%n", sent));
            s.append(String.format(Locale.ROOT, "  Queries completed:    %d (%.2f%%)%n", completed, sent == 0 ? 0 : 100.0 * completed / sent));
            s.append(String.format(Locale.ROOT, "  Queries lost:         %d (%.2f%%)%n%n", lost, sent == 0 ? 0 : 100.0 * lost / sent));
            s.append("  Response codes:       ");
            List<String> codes = new ArrayList<>();
            for (int c = 0; c < rcodes.length; c++) {
                if (rcodes[c] > 0) codes.add(String.format(Locale.ROOT, "%s %d (%.2f%%)", org.xbill.DNS.Rcode.string(c), rcodes[c], 100.0 * rcodes[c] / Math.max(1, completed)));
            }
            s.append(String.join(", ", codes)).append('\n');
            s.append(String.format(Locale.ROOT, "  Average packet size:  request %d, response %d%n", sent == 0 ? 0 : requestBytes / sent, completed == 0 ? 0 : responseBytes / completed));
            s.append(String.format(Locale.ROOT, "  Run time (s):         %.6f%n", runSeconds));
            s.append(String.format(Locale.ROOT, "  Queries per second:   %.6f%n%n", completed / runSeconds));
            s.append(String.format(Locale.ROOT, "  Average Latency (s):  %.6f%n", completed == 0 ? 0 : latencyNanos / 1e9 / completed));
            return s.toString();
        }
    }

    /** One connected socket and its outstanding queries, indexed by message ID. */
    private static final class Client {
        final int fd;
        /** This client's queries: with or without EDNS, as the options give it. */
        final byte[][] queries;
        final long[] sentAt = new long[IDS];
        final boolean[] waiting = new boolean[IDS];
        int nextId;
        int outstanding;

        Client(int fd, byte[][] queries) {
            this.fd = fd;
            this.queries = queries;
        }

        /** The next ID not waiting for an answer; the window is far below 65,536, so one is found within a bounded scan. */
        int takeId() {
            for (int probes = 0; probes < IDS; probes++) {
                int id = nextId;
                nextId = (nextId + 1) & (IDS - 1);
                if (!waiting[id]) return id;
            }
            throw new IllegalStateException("no free message ID");
        }
    }

    /** Clients in the second half ask {@code withDo} (the same queries as {@code plain} when not mixed). */
    static Result run(Options o, byte[][] plain, byte[][] withDo) throws Throwable {
        if (plain.length != withDo.length) throw new IllegalArgumentException("both query lists come from one file");
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment tx = arena.allocate(MMSG_BYTES * BATCH, 8), rx = arena.allocate(MMSG_BYTES * BATCH, 8);
            MemorySegment txIov = arena.allocate(IOVEC_BYTES * BATCH, 8), rxIov = arena.allocate(IOVEC_BYTES * BATCH, 8);
            MemorySegment txSlots = arena.allocate((long) QUERY_MAX * BATCH, 64), rxSlots = arena.allocate((long) REPLY_MAX * BATCH, 64);
            for (int i = 0; i < BATCH; i++) {
                txIov.set(ValueLayout.ADDRESS, i * IOVEC_BYTES, txSlots.asSlice((long) i * QUERY_MAX));
                rxIov.set(ValueLayout.ADDRESS, i * IOVEC_BYTES, rxSlots.asSlice((long) i * REPLY_MAX));
                rxIov.set(ValueLayout.JAVA_LONG, i * IOVEC_BYTES + 8, REPLY_MAX);
                tx.set(ValueLayout.ADDRESS, i * MMSG_BYTES + IOV_OFFSET, txIov.asSlice(i * IOVEC_BYTES));
                tx.set(ValueLayout.JAVA_LONG, i * MMSG_BYTES + IOVLEN_OFFSET, 1);
                rx.set(ValueLayout.ADDRESS, i * MMSG_BYTES + IOV_OFFSET, rxIov.asSlice(i * IOVEC_BYTES));
                rx.set(ValueLayout.JAVA_LONG, i * MMSG_BYTES + IOVLEN_OFFSET, 1);
            }
            Client[] clients = new Client[o.clients()];
            MemorySegment pollFds = arena.allocate(8L * o.clients(), 4);
            MemorySegment address = arena.allocate(16, 8);
            address.set(ValueLayout.JAVA_SHORT, 0, (short) AF_INET);
            address.set(ValueLayout.JAVA_SHORT, 2, Short.reverseBytes((short) o.port()));
            MemorySegment.copy(o.server().getAddress(), 0, address, ValueLayout.JAVA_BYTE, 4, 4);
            MemorySegment bufferSize = arena.allocate(ValueLayout.JAVA_INT);
            bufferSize.set(ValueLayout.JAVA_INT, 0, 4 << 20);
            for (int c = 0; c < clients.length; c++) {
                int fd = (int) SOCKET.invokeExact(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
                if (fd < 0) throw new IOException("socket() failed");
                int ignored = (int) SETSOCKOPT.invokeExact(fd, SOL_SOCKET, SO_RCVBUF, bufferSize, 4);
                ignored = (int) SETSOCKOPT.invokeExact(fd, SOL_SOCKET, SO_SNDBUF, bufferSize, 4);
                if ((int) CONNECT.invokeExact(fd, address, 16) < 0) throw new IOException("connect() failed");
                clients[c] = new Client(fd, c >= clients.length / 2 ? withDo : plain);
                pollFds.set(ValueLayout.JAVA_INT, 8L * c, fd);
                pollFds.set(ValueLayout.JAVA_SHORT, 8L * c + 4, (short) POLLIN);
            }
            int window = o.outstanding() / o.clients();
            long timeoutNanos = (long) (o.timeoutS() * 1e9);
            long sent = 0, completed = 0, lost = 0, latency = 0, requestBytes = 0, responseBytes = 0;
            long[] rcodes = new long[16];
            int next = 0;
            long start = System.nanoTime();
            long stopSending = start + (long) (o.seconds() * 1e9);
            long stopAll = stopSending + Math.min(DRAIN_NANOS, timeoutNanos);
            long nextScan = start + TIMEOUT_SCAN_NANOS;
            int idle = 0;
            int[] batchIds = new int[BATCH];
            for (long now = start; now < stopAll; now = System.nanoTime()) {
                boolean sending = now < stopSending;
                boolean progress = false;
                int waitingTotal = 0;
                for (Client c : clients) {
                    int room = sending ? Math.min(BATCH, window - c.outstanding) : 0;
                    if (room > 0) {
                        for (int i = 0; i < room; i++) {
                            byte[] q = c.queries[next];
                            next = next + 1 == plain.length ? 0 : next + 1;
                            int id = c.takeId();
                            batchIds[i] = id;
                            MemorySegment slot = txSlots.asSlice((long) i * QUERY_MAX, q.length);
                            MemorySegment.copy(q, 0, slot, ValueLayout.JAVA_BYTE, 0, q.length);
                            slot.set(ValueLayout.JAVA_BYTE, 0, (byte) (id >>> 8));
                            slot.set(ValueLayout.JAVA_BYTE, 1, (byte) id);
                            txIov.set(ValueLayout.JAVA_LONG, i * IOVEC_BYTES + 8, q.length);
                            c.sentAt[id] = now;
                            c.waiting[id] = true;
                            requestBytes += q.length;
                        }
                        int n = (int) SENDMMSG.invokeExact(c.fd, tx, room, 0);
                        // Queries the kernel did not take were never sent: free their IDs (they are the last ones taken).
                        int accepted = Math.max(0, n);
                        for (int i = accepted; i < room; i++) {
                            c.waiting[batchIds[i]] = false;
                            requestBytes -= txIov.get(ValueLayout.JAVA_LONG, i * IOVEC_BYTES + 8);
                        }
                        c.outstanding += accepted;
                        sent += accepted;
                        progress |= accepted > 0;
                    }
                    int got = (int) RECVMMSG.invokeExact(c.fd, rx, BATCH, MSG_DONTWAIT, MemorySegment.NULL);
                    if (got > 0) {
                        long at = System.nanoTime();
                        for (int i = 0; i < got; i++) {
                            int length = rx.get(ValueLayout.JAVA_INT, i * MMSG_BYTES + MSG_LEN_OFFSET);
                            if (length < 12) continue;
                            MemorySegment reply = rxSlots.asSlice((long) i * REPLY_MAX, length);
                            int id = ((reply.get(ValueLayout.JAVA_BYTE, 0) & 0xFF) << 8) | (reply.get(ValueLayout.JAVA_BYTE, 1) & 0xFF);
                            if (!c.waiting[id]) continue; // late (already counted lost) or not ours
                            c.waiting[id] = false;
                            c.outstanding--;
                            completed++;
                            latency += at - c.sentAt[id];
                            responseBytes += length;
                            rcodes[reply.get(ValueLayout.JAVA_BYTE, 3) & 0x0F]++;
                        }
                        progress = true;
                    }
                    waitingTotal += c.outstanding;
                }
                if (!sending && waitingTotal == 0) break;
                if (now >= nextScan) {
                    // Queries unanswered for the timeout count as lost and free their place in the window, as in dnsperf.
                    for (Client c : clients) {
                        for (int id = 0; id < IDS; id++) {
                            if (c.waiting[id] && now - c.sentAt[id] > timeoutNanos) {
                                c.waiting[id] = false;
                                c.outstanding--;
                                lost++;
                            }
                        }
                    }
                    nextScan = now + TIMEOUT_SCAN_NANOS;
                }
                if (progress) {
                    idle = 0;
                } else if (++idle >= SPINS_BEFORE_POLL) {
                    int ignored = (int) POLL.invokeExact(pollFds, (long) clients.length, POLL_MS);
                    idle = 0;
                }
            }
            for (Client c : clients) lost += c.outstanding; // unanswered when the drain ended
            double runSeconds = (Math.min(System.nanoTime(), stopSending) - start) / 1e9;
            return new Result(sent, completed, lost, latency, requestBytes, responseBytes, rcodes, runSeconds);
        }
    }

    private MmsgLoad() {}
}
