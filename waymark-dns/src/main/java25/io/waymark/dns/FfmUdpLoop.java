package io.waymark.dns;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The UDP side on one thread calling recvmmsg and sendmmsg through the Foreign Function & Memory API
 * (Linux, JDK 22+), over fixed off-heap buffers: a batch of datagrams per system call each way, no
 * object per packet, answers written straight into the send slots (BENCHMARKS.md's probe: 2.7 µs per
 * query against Netty's 3.3). Compiled only on JDK 25 (the {@code ffm} profile of this module);
 * {@link UdpLoop#ffm} falls back to Netty where it is absent or cannot start.
 *
 * <p>It serves everything the Netty path serves over UDP, so that choosing it loses nothing: queries
 * (counted in {@link QueryStats} like Netty's), IXFR (answered on the loop, bounded to one datagram,
 * as {@link UdpQueryHandler} does) and RFC 2136 UPDATE (handed to the {@link UpdateWorkers}, whose
 * answer comes back on a worker thread and goes out with its own {@code sendto}). Only the rare
 * IXFR and UPDATE allocate.
 */
final class FfmUdpLoop implements UdpLoop {
    private static final Logger log = LoggerFactory.getLogger(FfmUdpLoop.class);
    // Linux x86-64 and aarch64 constants (asm-generic).
    private static final int AF_INET = 2;
    private static final int AF_INET6 = 10;
    private static final int SOCK_DGRAM = 2;
    private static final int SOL_SOCKET = 1;
    private static final int SO_SNDBUF = 7;
    private static final int SO_RCVBUF = 8;
    private static final int SO_RCVTIMEO = 20;
    private static final int MSG_WAITFORONE = 0x10000;
    private static final int EINTR = 4;
    private static final int EAGAIN = 11;
    /** Datagrams per system call, each way; query slots as large as DnsServer reads with Netty. */
    private static final int BATCH = DnsServer.DATAGRAMS_PER_READ;
    private static final int QUERY_SLOT_BYTES = DnsServer.QUERY_DATAGRAM_MAX;
    /** A reply slot: the responder writes a whole answer before it truncates, so room for any message. */
    private static final int REPLY_SLOT_BYTES = 65_536;
    /** sizeof(struct sockaddr_storage). */
    private static final int SOCKADDR_BYTES = 128;
    private static final int SOCKET_BUFFER_BYTES = DnsServer.SOCKET_BUFFER_BYTES;
    /** How often the blocked receive wakes to see whether the loop should stop. */
    private static final int STOP_CHECK_MS = 100;
    private static final int SEND_ATTEMPTS_MAX = 8;
    /** Offsets in struct sockaddr_in / sockaddr_in6 of the family, the port and the address. */
    private static final int SOCKADDR_PORT = 2;
    private static final int SOCKADDR_IN_ADDRESS = 4;
    private static final int SOCKADDR_IN6_ADDRESS = 8;

    // struct msghdr and struct mmsghdr as the kernel lays them out on 64-bit Linux.
    private static final StructLayout MSGHDR = MemoryLayout.structLayout(
            ValueLayout.ADDRESS.withName("msg_name"), ValueLayout.JAVA_INT.withName("msg_namelen"), MemoryLayout.paddingLayout(4),
            ValueLayout.ADDRESS.withName("msg_iov"), ValueLayout.JAVA_LONG.withName("msg_iovlen"),
            ValueLayout.ADDRESS.withName("msg_control"), ValueLayout.JAVA_LONG.withName("msg_controllen"),
            ValueLayout.JAVA_INT.withName("msg_flags"), MemoryLayout.paddingLayout(4));
    private static final StructLayout MMSGHDR = MemoryLayout.structLayout(MSGHDR.withName("msg_hdr"), ValueLayout.JAVA_INT.withName("msg_len"), MemoryLayout.paddingLayout(4));
    private static final StructLayout IOVEC = MemoryLayout.structLayout(ValueLayout.ADDRESS.withName("iov_base"), ValueLayout.JAVA_LONG.withName("iov_len"));
    private static final long MMSG_BYTES = MMSGHDR.byteSize();
    private static final long NAME = offset("msg_hdr", "msg_name");
    private static final long NAMELEN = offset("msg_hdr", "msg_namelen");
    private static final long IOV = offset("msg_hdr", "msg_iov");
    private static final long IOVLEN = offset("msg_hdr", "msg_iovlen");
    private static final long MSG_LEN = MMSGHDR.byteOffset(MemoryLayout.PathElement.groupElement("msg_len"));
    private static final VarHandle ERRNO;

    private static final MethodHandle SOCKET;
    private static final MethodHandle SETSOCKOPT;
    private static final MethodHandle BIND;
    private static final MethodHandle GETSOCKNAME;
    private static final MethodHandle RECVMMSG;
    private static final MethodHandle SENDMMSG;
    private static final MethodHandle SENDTO;
    private static final MethodHandle CLOSE;

    static {
        Linker linker = Linker.nativeLinker();
        Linker.Option errno = Linker.Option.captureCallState("errno");
        StructLayout state = Linker.Option.captureStateLayout();
        ERRNO = state.varHandle(MemoryLayout.PathElement.groupElement("errno"));
        var lookup = linker.defaultLookup();
        ValueLayout.OfInt i = ValueLayout.JAVA_INT;
        ValueLayout p = ValueLayout.ADDRESS;
        SOCKET = linker.downcallHandle(lookup.findOrThrow("socket"), FunctionDescriptor.of(i, i, i, i), errno);
        SETSOCKOPT = linker.downcallHandle(lookup.findOrThrow("setsockopt"), FunctionDescriptor.of(i, i, i, i, p, i), errno);
        BIND = linker.downcallHandle(lookup.findOrThrow("bind"), FunctionDescriptor.of(i, i, p, i), errno);
        GETSOCKNAME = linker.downcallHandle(lookup.findOrThrow("getsockname"), FunctionDescriptor.of(i, i, p, p), errno);
        RECVMMSG = linker.downcallHandle(lookup.findOrThrow("recvmmsg"), FunctionDescriptor.of(i, i, p, i, i, p), errno);
        SENDMMSG = linker.downcallHandle(lookup.findOrThrow("sendmmsg"), FunctionDescriptor.of(i, i, p, i, i), errno);
        SENDTO = linker.downcallHandle(lookup.findOrThrow("sendto"), FunctionDescriptor.of(ValueLayout.JAVA_LONG, i, p, ValueLayout.JAVA_LONG, i, p, i));
        CLOSE = linker.downcallHandle(lookup.findOrThrow("close"), FunctionDescriptor.of(i, i));
    }

    private static long offset(String outer, String inner) {
        return MMSGHDR.byteOffset(MemoryLayout.PathElement.groupElement(outer), MemoryLayout.PathElement.groupElement(inner));
    }

    private final Arena arena = Arena.ofShared();
    private final MemorySegment callState = arena.allocate(Linker.Option.captureStateLayout());
    private final int fd;
    private final InetSocketAddress localAddress;
    private final QueryResponder responder;
    private final QueryStats stats;
    /** Null when UPDATE is off: it then reaches the responder, which answers NOTIMP. */
    private final UpdateWorkers updates;
    /** Null when transfers are off: IXFR then reaches the responder, which refuses it. */
    private final ZoneTransfers transfers;
    private final Thread thread;
    private volatile boolean stopping;
    /** Set under this object's lock when the socket is closed: a late UPDATE answer must not write to a reused fd. */
    private boolean closed;
    // Fixed off-heap buffers: headers, iovecs, addresses and slots, with a ByteBuf view of each slot.
    private final MemorySegment rxHeaders = arena.allocate(MMSG_BYTES * BATCH, 8);
    private final MemorySegment txHeaders = arena.allocate(MMSG_BYTES * BATCH, 8);
    private final MemorySegment rxIovecs = arena.allocate(IOVEC.byteSize() * BATCH, 8);
    private final MemorySegment txIovecs = arena.allocate(IOVEC.byteSize() * BATCH, 8);
    private final MemorySegment addresses = arena.allocate((long) SOCKADDR_BYTES * BATCH, 8);
    private final MemorySegment rxSlots = arena.allocate((long) QUERY_SLOT_BYTES * BATCH, 64);
    private final MemorySegment txSlots = arena.allocate((long) REPLY_SLOT_BYTES * BATCH, 64);
    private final ByteBuf[] queries = new ByteBuf[BATCH];
    private final ByteBuf[] replies = new ByteBuf[BATCH];
    /** Replies of the current batch by RCODE, handed to {@link QueryStats} once per batch. */
    private final int[] batchRcodes = new int[QueryStats.RCODES];

    /** Binds {@code listen}:{@code port} (0: a free port) and starts the loop thread; {@code updates} and {@code transfers} may be null (off). */
    FfmUdpLoop(Authority authority, InetAddress listen, int port, QueryStats stats, UpdateWorkers updates, ZoneTransfers transfers) throws IOException {
        if (authority == null || listen == null || stats == null) throw new IllegalArgumentException("a UDP loop needs an authority, an address and its stats");
        this.responder = new QueryResponder(authority);
        this.stats = stats;
        this.updates = updates;
        this.transfers = transfers;
        try {
            fd = (int) SOCKET.invokeExact(callState, listen instanceof Inet4Address ? AF_INET : AF_INET6, SOCK_DGRAM, 0);
            if (fd < 0) throw new IOException("socket() failed, errno " + errno());
            setInt(SO_RCVBUF, SOCKET_BUFFER_BYTES);
            setInt(SO_SNDBUF, SOCKET_BUFFER_BYTES);
            MemorySegment timeout = arena.allocate(16, 8);
            timeout.set(ValueLayout.JAVA_LONG, 0, 0);
            timeout.set(ValueLayout.JAVA_LONG, 8, STOP_CHECK_MS * 1000L);
            check((int) SETSOCKOPT.invokeExact(callState, fd, SOL_SOCKET, SO_RCVTIMEO, timeout, 16), "setsockopt(SO_RCVTIMEO)");
            MemorySegment address = arena.allocate(SOCKADDR_BYTES, 8);
            int length = writeSockaddr(address, listen, port);
            if ((int) BIND.invokeExact(callState, fd, address, length) < 0) {
                int e = errno();
                closeFd();
                throw new IOException("cannot bind UDP port " + port + ": errno " + e);
            }
            MemorySegment lengthOut = arena.allocate(ValueLayout.JAVA_INT);
            lengthOut.set(ValueLayout.JAVA_INT, 0, SOCKADDR_BYTES);
            check((int) GETSOCKNAME.invokeExact(callState, fd, address, lengthOut), "getsockname");
            localAddress = new InetSocketAddress(listen, Short.toUnsignedInt(Short.reverseBytes(address.get(ValueLayout.JAVA_SHORT, 2))));
        } catch (IOException e) {
            arena.close();
            throw e;
        } catch (Throwable e) {
            arena.close();
            throw new IOException("FFM UDP socket failed: " + e, e);
        }
        prepareBuffers();
        thread = new Thread(this::run, "dns-udp-ffm");
        thread.setDaemon(true);
        thread.start();
    }

    private void prepareBuffers() {
        for (int i = 0; i < BATCH; i++) {
            MemorySegment rxSlot = rxSlots.asSlice((long) i * QUERY_SLOT_BYTES, QUERY_SLOT_BYTES);
            MemorySegment txSlot = txSlots.asSlice((long) i * REPLY_SLOT_BYTES, REPLY_SLOT_BYTES);
            queries[i] = Unpooled.wrappedBuffer(rxSlot.asByteBuffer());
            replies[i] = Unpooled.wrappedBuffer(txSlot.asByteBuffer());
            rxIovecs.set(ValueLayout.ADDRESS, i * IOVEC.byteSize(), rxSlot);
            rxIovecs.set(ValueLayout.JAVA_LONG, i * IOVEC.byteSize() + 8, QUERY_SLOT_BYTES);
            txIovecs.set(ValueLayout.ADDRESS, i * IOVEC.byteSize(), txSlot);
            long rx = i * MMSG_BYTES;
            rxHeaders.set(ValueLayout.ADDRESS, rx + NAME, addresses.asSlice((long) i * SOCKADDR_BYTES, SOCKADDR_BYTES));
            rxHeaders.set(ValueLayout.ADDRESS, rx + IOV, rxIovecs.asSlice(i * IOVEC.byteSize(), IOVEC.byteSize()));
            rxHeaders.set(ValueLayout.JAVA_LONG, rx + IOVLEN, 1);
            txHeaders.set(ValueLayout.ADDRESS, rx + IOV, txIovecs.asSlice(i * IOVEC.byteSize(), IOVEC.byteSize()));
            txHeaders.set(ValueLayout.JAVA_LONG, rx + IOVLEN, 1);
        }
    }

    @Override
    public InetSocketAddress localAddress() {
        return localAddress;
    }

    @Override
    public String kind() {
        return "ffm recvmmsg/sendmmsg";
    }

    private void run() {
        try {
            while (!stopping) {
                for (int i = 0; i < BATCH; i++) rxHeaders.set(ValueLayout.JAVA_INT, i * MMSG_BYTES + NAMELEN, SOCKADDR_BYTES);
                int received = (int) RECVMMSG.invokeExact(callState, fd, rxHeaders, BATCH, MSG_WAITFORONE, MemorySegment.NULL);
                if (received < 0) {
                    int e = errno();
                    if (e != EAGAIN && e != EINTR) pauseAfterError("recvmmsg", e);
                    continue;
                }
                send(answer(received));
            }
        } catch (Throwable e) {
            log.error("FFM UDP loop stopped (bug): {}", e.toString());
        } finally {
            closeFd();
        }
    }

    /** Answers the received datagrams into the send slots; returns how many replies to send. */
    private int answer(int received) {
        long arrived = System.nanoTime(); // the batch's arrival: what QueryStats times for Netty's handler too
        java.util.Arrays.fill(batchRcodes, 0);
        int replyCount = 0;
        for (int j = 0; j < received; j++) {
            long rx = j * MMSG_BYTES;
            int length = rxHeaders.get(ValueLayout.JAVA_INT, rx + MSG_LEN);
            ByteBuf query = queries[j].setIndex(0, Math.min(length, QUERY_SLOT_BYTES));
            ByteBuf reply = replies[replyCount].clear();
            boolean send;
            try {
                if (updates != null && ZoneUpdates.isUpdate(query)) {
                    submitUpdate(query, j);
                    continue;
                }
                send = transfers != null && ZoneTransfers.isIxfr(query) && ixfr(query, j, reply);
                if (!send) {
                    send = responder.respond(query, reply, Transport.UDP);
                    if (send && reply.writerIndex() >= 4) batchRcodes[reply.getByte(3) & 0x0F]++;
                }
            } catch (RuntimeException e) {
                log.warn("query handler failed (bug): {}", e.toString());
                continue;
            }
            if (!send) continue;
            long tx = replyCount * MMSG_BYTES;
            txIovecs.set(ValueLayout.JAVA_LONG, replyCount * IOVEC.byteSize() + 8, reply.writerIndex());
            // The reply goes where the query came from: the receive slot's address, as a raw pointer (no object).
            txHeaders.set(ValueLayout.JAVA_LONG, tx + NAME, addresses.address() + (long) j * SOCKADDR_BYTES);
            txHeaders.set(ValueLayout.JAVA_INT, tx + NAMELEN, rxHeaders.get(ValueLayout.JAVA_INT, rx + NAMELEN));
            replyCount++;
        }
        stats.repliedBatch(Transport.UDP, batchRcodes, System.nanoTime() - arrived);
        return replyCount;
    }

    /**
     * IXFR over UDP (RFC 1995 §2) into {@code reply}: true when there is an answer to send, false to
     * let the responder answer as for any other query (a message that does not parse).
     */
    private boolean ixfr(ByteBuf query, int slot, ByteBuf reply) {
        byte[] wire = new byte[query.readableBytes()];
        query.getBytes(query.readerIndex(), wire);
        byte[] answer = transfers.answerUdp(wire, sender(slot).getAddress());
        if (answer == null) return false;
        if (answer.length > REPLY_SLOT_BYTES) throw new IllegalStateException("a UDP IXFR answer of " + answer.length + " bytes");
        reply.writeBytes(answer);
        return true;
    }

    /** Hands an UPDATE to the workers; its answer goes back to the sender from the worker's thread. */
    private void submitUpdate(ByteBuf query, int slot) {
        long rx = slot * MMSG_BYTES;
        int nameLength = rxHeaders.get(ValueLayout.JAVA_INT, rx + NAMELEN);
        byte[] sockaddr = addresses.asSlice((long) slot * SOCKADDR_BYTES, Math.min(nameLength, SOCKADDR_BYTES)).toArray(ValueLayout.JAVA_BYTE);
        updates.submit(query, sender(slot).getAddress(), answer -> sendTo(answer, sockaddr));
    }

    /** The address a received datagram came from (rare paths only: it allocates). */
    private InetSocketAddress sender(int slot) {
        MemorySegment a = addresses.asSlice((long) slot * SOCKADDR_BYTES, SOCKADDR_BYTES);
        int port = Short.toUnsignedInt(Short.reverseBytes(a.get(ValueLayout.JAVA_SHORT, SOCKADDR_PORT)));
        boolean v4 = a.get(ValueLayout.JAVA_SHORT, 0) == AF_INET;
        byte[] bytes = a.asSlice(v4 ? SOCKADDR_IN_ADDRESS : SOCKADDR_IN6_ADDRESS, v4 ? 4 : 16).toArray(ValueLayout.JAVA_BYTE);
        try {
            return new InetSocketAddress(InetAddress.getByAddress(bytes), port);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException("the kernel gave a " + bytes.length + "-byte address", e);
        }
    }

    /**
     * One datagram from a thread other than the loop's (an UPDATE's answer). It takes this object's
     * lock with {@link #closeFd} so it never writes to a descriptor number the process has since reused;
     * a send the kernel refuses is dropped, as any UDP reply would be.
     */
    private synchronized void sendTo(byte[] message, byte[] sockaddr) {
        if (closed) return;
        try (Arena call = Arena.ofConfined()) {
            long n = (long) SENDTO.invokeExact(fd, call.allocateFrom(ValueLayout.JAVA_BYTE, message), (long) message.length, 0,
                    call.allocateFrom(ValueLayout.JAVA_BYTE, sockaddr), sockaddr.length);
            if (n < 0) log.debug("UPDATE answer not sent (sendto failed)");
        } catch (Throwable e) {
            log.warn("UPDATE answer not sent: {}", e.toString());
        }
    }

    /** Sends replies 0..count-1, resuming after a partial send; a send the kernel refuses is dropped (UDP). */
    private void send(int count) throws Throwable {
        int sent = 0;
        for (int attempt = 0; sent < count && attempt < SEND_ATTEMPTS_MAX; attempt++) {
            // The whole batch in one call is the rule; a slice (an object) only to resume after a partial send.
            MemorySegment from = sent == 0 ? txHeaders : txHeaders.asSlice(sent * MMSG_BYTES);
            int n = (int) SENDMMSG.invokeExact(callState, fd, from, count - sent, 0);
            if (n > 0) {
                sent += n;
            } else if (n < 0) {
                int e = errno();
                if (e == EAGAIN || e == EINTR) continue;
                // This datagram's destination refused it (e.g. an unreachable address): skip it, send the rest.
                sent++;
            }
        }
    }

    private void pauseAfterError(String call, int errno) throws InterruptedException {
        log.warn("{} failed, errno {}", call, errno);
        TimeUnit.MILLISECONDS.sleep(10); // bounded: an unexpected error does not spin the core
    }

    private void setInt(int option, int value) throws Throwable {
        MemorySegment v = arena.allocate(ValueLayout.JAVA_INT);
        v.set(ValueLayout.JAVA_INT, 0, value);
        check((int) SETSOCKOPT.invokeExact(callState, fd, SOL_SOCKET, option, v, 4), "setsockopt(" + option + ")");
    }

    private void check(int result, String what) throws IOException {
        if (result < 0) throw new IOException(what + " failed, errno " + errno());
    }

    private int errno() {
        return (int) ERRNO.get(callState, 0L);
    }

    /** struct sockaddr_in or sockaddr_in6 for {@code address}:{@code port}; returns its length. */
    private static int writeSockaddr(MemorySegment out, InetAddress address, int port) {
        out.fill((byte) 0);
        short portBigEndian = Short.reverseBytes((short) port);
        byte[] bytes = address.getAddress();
        if (address instanceof Inet4Address) {
            out.set(ValueLayout.JAVA_SHORT, 0, (short) AF_INET);
            out.set(ValueLayout.JAVA_SHORT, 2, portBigEndian);
            MemorySegment.copy(bytes, 0, out, ValueLayout.JAVA_BYTE, 4, 4);
            return 16;
        }
        out.set(ValueLayout.JAVA_SHORT, 0, (short) AF_INET6);
        out.set(ValueLayout.JAVA_SHORT, 2, portBigEndian);
        MemorySegment.copy(bytes, 0, out, ValueLayout.JAVA_BYTE, 8, 16);
        return 28;
    }

    private synchronized void closeFd() {
        if (closed) return;
        closed = true;
        try {
            int ignored = (int) CLOSE.invokeExact(fd);
        } catch (Throwable e) {
            log.debug("close failed: {}", e.toString());
        }
    }

    /** Stops the loop (it wakes within {@link #STOP_CHECK_MS}), closes the socket, frees the buffers. */
    @Override
    public void close() {
        stopping = true;
        try {
            thread.join(TimeUnit.SECONDS.toMillis(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (!thread.isAlive()) arena.close(); // a thread still inside a call keeps the memory it uses
    }
}
