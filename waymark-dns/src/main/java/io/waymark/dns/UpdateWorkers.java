package io.waymark.dns;

import io.netty.buffer.ByteBuf;
import java.net.InetAddress;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.Rcode;

/**
 * Applies UPDATEs off the event loops: an apply waits for an fsync, and the loops must keep answering
 * queries meanwhile. {@code inFlightMax} threads apply at once (the embedded store folds their writes
 * into one fsync), {@code queuedMax} more wait; an UPDATE beyond that is answered SERVFAIL at once (a
 * server-side failure: the client may retry later), so no flood over UDP or TCP queues unbounded work.
 */
final class UpdateWorkers implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(UpdateWorkers.class);
    private final ZoneUpdates updates;
    private final ThreadPoolExecutor executor;
    private final AtomicLong shed = new AtomicLong();
    private final LogThrottle shedLog = new LogThrottle(ZoneUpdates.REFUSALS_LOGGED_PER_SECOND, System::nanoTime);

    UpdateWorkers(Authority authority, UpdatePolicy policy) {
        this.updates = new ZoneUpdates(authority, policy);
        BlockingQueue<Runnable> queue = policy.queuedMax() == 0 ? new SynchronousQueue<>() : new ArrayBlockingQueue<>(policy.queuedMax());
        this.executor = new ThreadPoolExecutor(policy.inFlightMax(), policy.inFlightMax(), 0, TimeUnit.MILLISECONDS, queue, r -> {
            Thread t = new Thread(r, "dns-update");
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Takes the UPDATE in {@code message} (its readable bytes are copied; the buffer stays the
     * caller's) and calls {@code reply} with the answer, from a worker thread, or at once with SERVFAIL
     * when the bounds are reached.
     */
    void submit(ByteBuf message, InetAddress source, Consumer<byte[]> reply) {
        byte[] wire = new byte[message.readableBytes()];
        message.getBytes(message.readerIndex(), wire);
        try {
            executor.execute(() -> reply.accept(updates.answer(wire, source)));
        } catch (RejectedExecutionException e) {
            // Counted, and logged under the same throttle as refusals, so the flood does not become a log flood.
            long n = shed.incrementAndGet();
            long dropped = shedLog.admit();
            if (dropped >= 0) log.warn("UPDATE from {} answered SERVFAIL: {} applying and {} queued already ({} shed so far){}",
                    source.getHostAddress(), executor.getMaximumPoolSize(), executor.getQueue().size(), n, LogThrottle.suffix(dropped));
            reply.accept(ZoneUpdates.headerOnly(wire, Rcode.SERVFAIL));
        }
    }

    /** UPDATEs answered SERVFAIL because the bounds were reached. */
    long shed() {
        return shed.get();
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
