package io.waymark.dns;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Opcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * Sends NOTIFY (RFC 1996) to the configured secondaries when a zone's serial changes, so they
 * transfer within moments instead of at their next refresh. One daemon thread looks at the served
 * snapshot every {@link #POLL_MS} (a reference read: serving is never blocked or slowed) and
 * notifies for each zone whose serial moved since the last look, all targets at once. Each target gets at most
 * {@link #ATTEMPTS} datagrams per change, {@link #REPLY_TIMEOUT_MS} apart (§3.6 asks for
 * retransmission; a bound keeps a dead secondary from holding the thread); one that never answers
 * is logged and catches up at its own SOA refresh. Changes made meanwhile are coalesced: a newer
 * serial ends the retransmissions of the older one, and the next look notifies the newest only.
 */
final class Notifier implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Notifier.class);
    static final int POLL_MS = 100;
    static final int ATTEMPTS = 3;
    static final int REPLY_TIMEOUT_MS = 1_000;
    private static final int REPLY_MAX = 4096;

    private final Authority authority;
    private final TransferPolicy policy;
    private final Thread thread;
    private volatile boolean closed;
    private int nextId = (int) (System.nanoTime() & 0xFFFF);

    Notifier(Authority authority, TransferPolicy policy) {
        this.authority = authority;
        this.policy = policy;
        this.thread = new Thread(this::run, "dns-notify");
        this.thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    private void run() {
        Map<Name, Long> notified = new HashMap<>();
        try (DatagramSocket socket = new DatagramSocket()) {
            socket.setSoTimeout(POLL_MS); // short waits, to notice a newer serial while retransmitting
            while (!closed) {
                ServingSnapshot snapshot = authority.current();
                List<Zone> zones = snapshot.zones();
                for (int i = 0; i < zones.size() && !closed; i++) {
                    SOARecord soa = snapshot.soa(i);
                    Long before = notified.put(soa.getName(), soa.getSerial());
                    if (before != null && before == soa.getSerial()) continue;
                    notifyAll(socket, soa, i);
                }
                Thread.sleep(POLL_MS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            if (!closed) log.warn("NOTIFY stopped: {}", e.toString());
        }
    }

    /**
     * One NOTIFY to every target at once, retransmitted to those that have not answered (matched by
     * ID) until all have or the attempts run out: one slow secondary does not delay the others.
     */
    private void notifyAll(DatagramSocket socket, SOARecord soa, int index) throws IOException {
        Map<Integer, InetSocketAddress> pending = new HashMap<>();
        Map<Integer, byte[]> wires = new HashMap<>();
        for (InetSocketAddress target : policy.notifyTargets()) {
            int id = nextId = (nextId + 1) & 0xFFFF;
            pending.put(id, target);
            wires.put(id, message(soa, id));
        }
        byte[] buffer = new byte[REPLY_MAX];
        for (int attempt = 1; attempt <= ATTEMPTS && !pending.isEmpty() && !closed; attempt++) {
            for (Map.Entry<Integer, InetSocketAddress> p : pending.entrySet()) {
                byte[] wire = wires.get(p.getKey());
                socket.send(new DatagramPacket(wire, wire.length, p.getValue()));
            }
            long deadline = System.nanoTime() + REPLY_TIMEOUT_MS * 1_000_000L;
            // Stray or late replies (an earlier round's) are skipped; the loop ends at the deadline.
            while (!pending.isEmpty() && System.nanoTime() < deadline) {
                // A newer serial supersedes this one: the next look notifies it, without waiting here.
                if (authority.current().soa(index).getSerial() != soa.getSerial()) return;
                DatagramPacket reply = new DatagramPacket(buffer, buffer.length);
                try {
                    socket.receive(reply);
                } catch (SocketTimeoutException e) {
                    continue;
                }
                if (reply.getLength() < 4 || (buffer[2] & 0x80) == 0) continue;
                InetSocketAddress target = pending.remove((buffer[0] & 0xFF) << 8 | (buffer[1] & 0xFF));
                if (target == null) continue;
                int rcode = buffer[3] & 0xF;
                if (rcode != 0) log.info("NOTIFY of {} serial {} to {}: rcode {}", soa.getName(), soa.getSerial(), target, org.xbill.DNS.Rcode.string(rcode));
                else log.debug("NOTIFY of {} serial {} to {} acknowledged", soa.getName(), soa.getSerial(), target);
            }
        }
        for (InetSocketAddress target : pending.values()) {
            log.warn("NOTIFY of {} serial {} to {}: no answer after {} attempts; it catches up at its SOA refresh", soa.getName(), soa.getSerial(), target, ATTEMPTS);
        }
    }

    private byte[] message(SOARecord soa, int id) {
        Message m = new Message(id);
        m.getHeader().setOpcode(Opcode.NOTIFY);
        m.getHeader().setFlag(Flags.AA);
        m.addRecord(Record.newRecord(soa.getName(), Type.SOA, DClass.IN), Section.QUESTION);
        m.addRecord(soa, Section.ANSWER); // §3.7: the new SOA, a hint for the secondary
        if (policy.tsig() != null) policy.tsig().apply(m, null);
        return m.toWire();
    }

    @Override
    public void close() {
        closed = true;
        thread.interrupt();
        try {
            thread.join(REPLY_TIMEOUT_MS * 2L);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
