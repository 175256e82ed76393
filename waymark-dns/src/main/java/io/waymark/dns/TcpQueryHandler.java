package io.waymark.dns;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers DNS-over-TCP messages (already split by the 2-byte length prefix). Every message gets its
 * reply in order, so pipelined queries on one connection are all answered (RFC 7766 §6.2.1); replies
 * are flushed once per read burst. Deadlines and limits are {@link TcpConnectionGuard}'s.
 */
final class TcpQueryHandler extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(TcpQueryHandler.class);
    private static final int REPLY_CAPACITY_INITIAL = 1024;

    private final QueryResponder responder;

    private final QueryStats stats;

    TcpQueryHandler(QueryResponder responder, QueryStats stats) {
        this.responder = responder;
        this.stats = stats;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof ByteBuf query)) {
            io.netty.util.ReferenceCountUtil.release(msg);
            return;
        }
        try {
            long start = System.nanoTime();
            ByteBuf reply = ctx.alloc().directBuffer(REPLY_CAPACITY_INITIAL);
            reply.writeShort(0); // length prefix, filled in below
            boolean send;
            try {
                send = responder.respond(query, reply, Transport.TCP);
            } catch (RuntimeException e) {
                reply.release();
                log.warn("query handler failed (bug): {}", e.toString());
                ctx.close();
                return;
            }
            if (send) {
                reply.setShort(0, reply.readableBytes() - 2);
                stats.replied(Transport.TCP, reply, 2, start);
                ctx.write(reply, ctx.voidPromise());
            } else {
                reply.release();
            }
        } finally {
            query.release();
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        ctx.flush();
        // A client that pipelines but does not read would make replies pile up: stop reading its
        // queries until its replies drain (bounded memory per connection).
        if (!ctx.channel().isWritable()) ctx.channel().config().setAutoRead(false);
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (ctx.channel().isWritable()) ctx.channel().config().setAutoRead(true);
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.debug("TCP connection error, closing: {}", cause.toString());
        ctx.close();
    }
}
