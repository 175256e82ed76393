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
    /** Null when transfers are off: AXFR and IXFR then reach the responder, which refuses them. */
    private final ZoneTransfers transfers;
    private final java.util.concurrent.Executor transferExecutor;
    /** Null when UPDATE is off: it then reaches the responder, which answers NOTIMP. */
    private final UpdateWorkers updates;

    TcpQueryHandler(QueryResponder responder, QueryStats stats) {
        this(responder, stats, null, null, null);
    }

    TcpQueryHandler(QueryResponder responder, QueryStats stats, ZoneTransfers transfers, java.util.concurrent.Executor transferExecutor, UpdateWorkers updates) {
        this.responder = responder;
        this.stats = stats;
        this.transfers = transfers;
        this.transferExecutor = transferExecutor;
        this.updates = updates;
    }

    /** An UPDATE is applied off the event loop; its reply may overtake replies to queries behind it (RFC 7766 §7 allows it). */
    private void update(ChannelHandlerContext ctx, ByteBuf message) {
        java.net.InetAddress source = ((java.net.InetSocketAddress) ctx.channel().remoteAddress()).getAddress();
        updates.submit(message, source, reply -> {
            ByteBuf out = ctx.alloc().buffer(reply.length + 2);
            out.writeShort(reply.length);
            out.writeBytes(reply);
            ctx.channel().writeAndFlush(out, ctx.channel().voidPromise());
        });
    }

    /**
     * A zone transfer is built off the event loop (a large zone takes a while) and written when
     * ready: replies to queries pipelined behind it may go first, which RFC 7766 §7 allows. A full
     * transfer queue closes the connection; the secondary retries later.
     */
    private void transfer(ChannelHandlerContext ctx, ByteBuf query) {
        byte[] wire = new byte[query.readableBytes()];
        query.getBytes(query.readerIndex(), wire);
        java.net.InetAddress source = ((java.net.InetSocketAddress) ctx.channel().remoteAddress()).getAddress();
        try {
            transferExecutor.execute(() -> {
                try {
                    // Each message is flushed as it is built: the secondary parses the first while later ones are built.
                    transfers.answer(wire, source, message -> {
                        ByteBuf out = ctx.alloc().buffer(message.length + 2);
                        out.writeShort(message.length);
                        out.writeBytes(message);
                        ctx.channel().writeAndFlush(out, ctx.channel().voidPromise());
                    });
                } catch (RuntimeException e) {
                    log.warn("zone transfer failed (bug): {}", e.toString());
                    ctx.close();
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            log.info("zone transfer from {} dropped: too many transfers queued", source.getHostAddress());
            ctx.close();
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof ByteBuf query)) {
            io.netty.util.ReferenceCountUtil.release(msg);
            return;
        }
        try {
            if (transfers != null && ZoneTransfers.isTransfer(query)) {
                transfer(ctx, query);
                return;
            }
            if (updates != null && ZoneUpdates.isUpdate(query)) {
                update(ctx, query);
                return;
            }
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
