package io.waymark.dns;

import io.netty.buffer.ByteBuf;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counts of answered queries by transport and response code, and the time spent answering them
 * (from the query's arrival in the handler to its reply being written), for the daemon's metrics.
 * Counting is a few {@link LongAdder} increments per query: no allocation, no lock on the query path.
 */
public final class QueryStats {
    /** The header's RCODE field has 4 bits (extended RCODEs such as BADVERS count under their low bits). */
    public static final int RCODES = 16;

    private final LongAdder[][] replies = new LongAdder[Transport.values().length][RCODES];
    private final LongAdder answered = new LongAdder();
    private final LongAdder nanos = new LongAdder();

    public QueryStats() {
        for (LongAdder[] t : replies) for (int i = 0; i < RCODES; i++) t[i] = new LongAdder();
    }

    /** One reply in {@code reply}, its DNS header starting {@code headerAt} bytes after the reader index. */
    void replied(Transport transport, ByteBuf reply, int headerAt, long startNanos) {
        int rcode = reply.readableBytes() >= headerAt + 4 ? reply.getByte(reply.readerIndex() + headerAt + 3) & 0x0F : 0;
        replies[transport.ordinal()][rcode].increment();
        answered.increment();
        nanos.add(System.nanoTime() - startNanos);
    }

    /**
     * A batch of replies counted at once (the FFM loop: one batch per recvmmsg), so the loop pays a
     * few increments per batch, not per query: {@code rcodes[i]} replies with RCODE i, all written
     * {@code nanosEach} after their batch arrived. {@code rcodes} is the caller's, read and not kept.
     */
    void repliedBatch(Transport transport, int[] rcodes, long nanosEach) {
        if (rcodes.length != RCODES) throw new IllegalArgumentException("one count per RCODE");
        long count = 0;
        for (int i = 0; i < RCODES; i++) {
            if (rcodes[i] == 0) continue;
            replies[transport.ordinal()][i].add(rcodes[i]);
            count += rcodes[i];
        }
        answered.add(count);
        nanos.add(count * nanosEach);
    }

    public long replies(Transport transport, int rcode) {
        return replies[transport.ordinal()][rcode].sum();
    }

    public long answered() {
        return answered.sum();
    }

    public long answerNanosTotal() {
        return nanos.sum();
    }
}
