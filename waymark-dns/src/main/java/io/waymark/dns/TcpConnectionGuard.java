package io.waymark.dns;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * One TCP connection's admission and deadlines, first in its pipeline so it sees the raw bytes. It
 * follows the 2-byte length prefixes to know whether a message is in progress: between messages the
 * idle timeout runs from the end of the last one (RFC 7766 §6.2.3); once a message's first byte
 * arrives, the whole message must arrive within the message timeout, however steadily it trickles.
 * One timer task per connection: re-armed at the current deadline when it fires, and replaced when a
 * message starts (the deadline moves earlier).
 */
final class TcpConnectionGuard extends ChannelInboundHandlerAdapter {
    private final TcpConnectionTable table;
    private final long idleTimeoutNanos;
    private final long messageTimeoutNanos;
    private ChannelHandlerContext ctx;
    private InetAddress address;
    // Framing state, advanced by every byte read.
    private boolean inMessage;
    private int lengthBytes;
    private int bodyRemaining;
    private long messageStartNanos;
    /** When the connection last became idle (connected, or a message ended); read by the table under its lock. */
    private volatile long idleSinceNanos;
    /** The one pending deadline check, and the deadline it was armed for. */
    private ScheduledFuture<?> armed;
    private long armedForNanos;

    TcpConnectionGuard(TcpConnectionTable table, int idleTimeoutMs, int messageTimeoutMs) {
        this.table = table;
        this.idleTimeoutNanos = TimeUnit.MILLISECONDS.toNanos(idleTimeoutMs);
        this.messageTimeoutNanos = TimeUnit.MILLISECONDS.toNanos(messageTimeoutMs);
    }

    InetAddress address() {
        return address;
    }

    /** When the connection became idle, or -1 while a message is in progress. */
    long idleSinceNanos() {
        return idleSinceNanos;
    }

    /** Closed by the table to make room for a new connection. */
    void evict() {
        ctx.close();
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        this.ctx = ctx;
        this.address = ((InetSocketAddress) ctx.channel().remoteAddress()).getAddress();
        long now = System.nanoTime();
        idleSinceNanos = now;
        if (!table.admit(this)) {
            ctx.close();
            return;
        }
        arm(now + idleTimeoutNanos, now);
        super.channelActive(ctx);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        table.remove(this);
        if (armed != null) armed.cancel(false);
        super.channelInactive(ctx);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof ByteBuf buf) advance(buf, System.nanoTime());
        ctx.fireChannelRead(msg);
    }

    /** Follows the length prefixes through {@code buf}'s readable bytes without consuming them. */
    private void advance(ByteBuf buf, long now) {
        int i = buf.readerIndex();
        int end = buf.writerIndex();
        while (i < end) { // every pass consumes at least one byte
            if (!inMessage) {
                inMessage = true;
                messageStartNanos = now;
                idleSinceNanos = -1;
                lengthBytes = 0;
                bodyRemaining = 0;
                // The deadline moves earlier (idle → message): re-arm; a later one is left to the armed check.
                long deadline = now + messageTimeoutNanos;
                if (deadline - armedForNanos < 0) arm(deadline, now);
            }
            if (lengthBytes < 2) {
                bodyRemaining = (bodyRemaining << 8) | buf.getUnsignedByte(i++);
                lengthBytes++;
            } else {
                int take = Math.min(bodyRemaining, end - i);
                i += take;
                bodyRemaining -= take;
            }
            if (lengthBytes == 2 && bodyRemaining == 0) {
                inMessage = false;
                idleSinceNanos = now;
            }
        }
    }

    /** Closes the connection past its deadline, or re-arms for the nearest one. */
    private void check() {
        if (!ctx.channel().isActive()) return;
        armed = null;
        long now = System.nanoTime();
        long deadline = inMessage ? messageStartNanos + messageTimeoutNanos : idleSinceNanos + idleTimeoutNanos;
        if (now - deadline >= 0) {
            ctx.close();
            return;
        }
        arm(deadline, now);
    }

    private void arm(long deadline, long now) {
        if (armed != null) armed.cancel(false);
        armedForNanos = deadline;
        armed = ctx.executor().schedule(this::check, Math.max(0, deadline - now), TimeUnit.NANOSECONDS);
    }
}
