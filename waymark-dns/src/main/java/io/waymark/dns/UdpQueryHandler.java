package io.waymark.dns;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.DatagramPacket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers UDP queries. Replies are written as they are made and flushed once per read burst, so that
 * epoll sends a whole burst with one sendmmsg: system calls per query decide the throughput.
 */
final class UdpQueryHandler extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(UdpQueryHandler.class);
    /** Most replies fit here; a larger one grows its (pooled) buffer. */
    private static final int REPLY_CAPACITY_INITIAL = 512;

    private final QueryResponder responder;

    private final QueryStats stats;
    /** Null when transfers are off: IXFR then reaches the responder, which refuses it. */
    private final ZoneTransfers transfers;

    /** Null when UPDATE is off: it then reaches the responder, which answers NOTIMP. */
    private final UpdateWorkers updates;

    UdpQueryHandler(QueryResponder responder, QueryStats stats, UpdateWorkers updates, ZoneTransfers transfers) {
        this.responder = responder;
        this.stats = stats;
        this.updates = updates;
        this.transfers = transfers;
    }

    /**
     * IXFR over UDP (RFC 1995 §2), answered here on the loop: it is rare, and the answer is bounded
     * (a difference that cannot fit one datagram is never built; the SOA alone sends the client to TCP).
     */
    private ByteBuf ixfr(ChannelHandlerContext ctx, DatagramPacket packet) {
        ByteBuf query = packet.content();
        byte[] wire = new byte[query.readableBytes()];
        query.getBytes(query.readerIndex(), wire);
        byte[] answer = transfers.answerUdp(wire, packet.sender().getAddress());
        return answer == null ? null : ctx.alloc().directBuffer(answer.length).writeBytes(answer);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof DatagramPacket packet)) {
            io.netty.util.ReferenceCountUtil.release(msg);
            return;
        }
        try {
            // When the socket cannot keep up, drop instead of queueing without bound: UDP clients retry.
            if (!ctx.channel().isWritable()) return;
            if (updates != null && ZoneUpdates.isUpdate(packet.content())) {
                java.net.InetSocketAddress sender = packet.sender();
                updates.submit(packet.content(), sender.getAddress(),
                        reply -> ctx.channel().writeAndFlush(new DatagramPacket(io.netty.buffer.Unpooled.wrappedBuffer(reply), sender), ctx.channel().voidPromise()));
                return;
            }
            if (transfers != null && ZoneTransfers.isIxfr(packet.content())) {
                ByteBuf answer = ixfr(ctx, packet);
                if (answer != null) {
                    ctx.write(new DatagramPacket(answer, packet.sender()), ctx.voidPromise());
                    return;
                }
            }
            long start = System.nanoTime();
            ByteBuf reply = ctx.alloc().directBuffer(REPLY_CAPACITY_INITIAL);
            boolean send;
            try {
                send = responder.respond(packet.content(), reply, Transport.UDP);
            } catch (RuntimeException e) {
                reply.release();
                log.warn("query handler failed (bug): {}", e.toString());
                return;
            }
            if (send) stats.replied(Transport.UDP, reply, 0, start);
            if (send) ctx.write(new DatagramPacket(reply, packet.sender()), ctx.voidPromise());
            else reply.release();
        } finally {
            packet.release();
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        ctx.flush();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // A UDP socket error concerns one packet; the channel keeps serving.
        log.debug("UDP channel error: {}", cause.toString());
    }
}
