package io.waymark.bench.controlplane;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Section;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/**
 * A small DNS-over-UDP client for measurements: prepared query packets, one connected socket, many
 * queries in flight, answers matched by message id. Every wait is bounded.
 */
final class UdpQuerier implements AutoCloseable {
    private static final int RESPONSE_BYTES_MAX = 1232;
    private final DatagramChannel channel;
    private final Selector selector;
    private final ByteBuffer in = ByteBuffer.allocateDirect(RESPONSE_BYTES_MAX);

    UdpQuerier(int port) throws IOException {
        channel = DatagramChannel.open();
        channel.setOption(java.net.StandardSocketOptions.SO_RCVBUF, 4 << 20);
        channel.connect(new InetSocketAddress("127.0.0.1", port));
        channel.configureBlocking(false);
        selector = Selector.open();
        channel.register(selector, SelectionKey.OP_READ);
    }

    static byte[] query(String name, int id) {
        try {
            Message m = Message.newQuery(org.xbill.DNS.Record.newRecord(Name.fromString(name), Type.A, DClass.IN));
            m.getHeader().setID(id);
            return m.toWire();
        } catch (TextParseException e) {
            throw new IllegalArgumentException(e);
        }
    }

    /** The first A address of a response as an int, 0 when it has none; -1 when the bytes do not parse. */
    static int firstA(byte[] response) {
        try {
            for (org.xbill.DNS.Record r : new Message(response).getSection(Section.ANSWER)) {
                if (r instanceof ARecord a) {
                    byte[] b = a.getAddress().getAddress();
                    return (b[0] & 0xff) << 24 | (b[1] & 0xff) << 16 | (b[2] & 0xff) << 8 | (b[3] & 0xff);
                }
            }
            return 0;
        } catch (IOException e) {
            return -1;
        }
    }

    void send(byte[] query) throws IOException {
        channel.write(ByteBuffer.wrap(query));
    }

    /**
     * The next response, or null after {@code timeoutMs}. Blocks in select rather than spinning: on two
     * cores a spinning client takes the CPU the daemon needs to answer it.
     */
    byte[] receive(long timeoutMs) throws IOException {
        long deadline = System.nanoTime() + timeoutMs * 1_000_000;
        long spinUntil = System.nanoTime();
        while (true) {
            in.clear();
            if (channel.read(in) > 0) {
                in.flip();
                byte[] b = new byte[in.remaining()];
                in.get(b);
                return b;
            }
            long now = System.nanoTime();
            if (now > deadline) return null;
            if (now > spinUntil) {
                selector.select(Math.max(1, (deadline - now) / 1_000_000));
                selector.selectedKeys().clear();
            } else {
                Thread.onSpinWait();
            }
        }
    }

    /**
     * Queries every endpoint in {@code indices} once (re-sending what got lost, a bounded number of
     * times) and returns those whose first A address is not {@code expected.applyAsInt(i)}.
     * {@code prepared[i]} is endpoint i's query with id 0.
     */
    int[] stillDifferent(byte[][] prepared, int[] indices, java.util.function.IntUnaryOperator expected) throws IOException {
        final int window = 256;
        int[] slot = new int[65536];
        java.util.Arrays.fill(slot, -1);
        int[] different = new int[indices.length];
        int differentCount = 0;
        int[] todo = indices.clone();
        int todoCount = todo.length;
        for (int attempt = 0; attempt < 5 && todoCount > 0; attempt++) {
            int sent = 0, answered = 0, outstanding = 0;
            int[] lost = new int[todoCount];
            int lostCount = 0;
            while (answered < todoCount) {
                while (sent < todoCount && outstanding < window) {
                    int i = todo[sent];
                    int id = nextId++ & 0xffff;
                    slot[id] = i;
                    byte[] q = prepared[i].clone();
                    q[0] = (byte) (id >>> 8);
                    q[1] = (byte) id;
                    send(q);
                    sent++;
                    outstanding++;
                }
                byte[] r = receive(1_000);
                if (r == null) {
                    // Lost on the way: everything still outstanding is asked again in the next attempt.
                    for (int id = 0; id < slot.length; id++) if (slot[id] >= 0) { lost[lostCount++] = slot[id]; slot[id] = -1; }
                    answered += outstanding;
                    outstanding = 0;
                    continue;
                }
                int id = id(r);
                int i = slot[id];
                if (i < 0) continue; // a late answer to a query already given up on
                slot[id] = -1;
                outstanding--;
                answered++;
                if (firstA(r) != expected.applyAsInt(i)) different[differentCount++] = i;
            }
            todo = java.util.Arrays.copyOf(lost, lostCount);
            todoCount = lostCount;
        }
        if (todoCount > 0) throw new IOException(todoCount + " queries got no answer after 5 attempts");
        return java.util.Arrays.copyOf(different, differentCount);
    }

    private int nextId;

    static int id(byte[] message) {
        return (message[0] & 0xff) << 8 | (message[1] & 0xff);
    }

    @Override
    public void close() throws IOException {
        selector.close();
        channel.close();
    }
}
