package io.waymark.adapters.rfc2136;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.ZoneTransferException;
import org.xbill.DNS.ZoneTransferIn;

/**
 * The wire to a real server, over TCP only (an UPDATE of many endpoints does not fit a UDP datagram,
 * and a truncated answer would be retried anyway). dnsjava builds, signs and verifies every message and
 * keeps one pipelined TCP connection per server. No retries here: the store decides.
 */
final class TcpWire implements DnsWire {
    /** An AXFR of a large zone takes longer than one message; at least this long. */
    private static final Duration TRANSFER_TIMEOUT_MIN = Duration.ofSeconds(30);

    private final Rfc2136Settings settings;
    private final SimpleResolver plain;
    private final SimpleResolver signer;

    TcpWire(Rfc2136Settings settings) {
        this.settings = settings;
        plain = new SimpleResolver(settings.server());
        plain.setTCP(true);
        plain.setTimeout(Duration.ofMillis(settings.timeoutMs()));
        signer = new SimpleResolver(settings.server());
        signer.setTCP(true);
        signer.setTimeout(Duration.ofMillis(settings.timeoutMs()));
        settings.tsig().ifPresent(k -> signer.setTSIGKey(k.tsig()));
    }

    @Override
    public CompletableFuture<Message> send(Message message, boolean sign) {
        return (sign ? signer : plain).sendAsync(message).toCompletableFuture();
    }

    @Override
    public List<Record> transfer(Name zone) throws IOException {
        return run(ZoneTransferIn.newAXFR(zone, settings.server(), null), "AXFR", zone).getAXFR();
    }

    @Override
    public Incremental incremental(Name zone, long fromSerial) throws IOException {
        // fallback = true: a server that cannot answer incrementally may send the whole zone instead.
        ZoneTransferIn xfr = run(ZoneTransferIn.newIXFR(zone, fromSerial, true, settings.server(), null), "IXFR", zone);
        if (xfr.isCurrent()) return new Incremental(true, List.of(), null);
        if (xfr.isAXFR()) return new Incremental(false, List.of(), xfr.getAXFR());
        List<Change> changes = new ArrayList<>();
        for (ZoneTransferIn.Delta d : xfr.getIXFR()) changes.add(new Change(d.deletes, d.adds));
        return new Incremental(false, changes, null);
    }

    private ZoneTransferIn run(ZoneTransferIn xfr, String what, Name zone) throws IOException {
        Duration timeout = Duration.ofMillis(settings.timeoutMs());
        xfr.setTimeout(timeout.compareTo(TRANSFER_TIMEOUT_MIN) > 0 ? timeout : TRANSFER_TIMEOUT_MIN);
        try {
            xfr.run();
        } catch (ZoneTransferException e) {
            throw new IOException(what + " of " + zone + " from " + settings.serverText() + " refused or failed: " + e.getMessage()
                    + " (allow transfers of the zone to Waymark's address)", e);
        }
        return xfr;
    }
}
