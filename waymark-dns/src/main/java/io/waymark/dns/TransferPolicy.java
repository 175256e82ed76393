package io.waymark.dns;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import org.xbill.DNS.TSIG;

/**
 * Who may transfer the served zones (AXFR, IXFR over TCP) and whom to NOTIFY when a zone's serial
 * changes. A transfer needs a source inside {@code allow} and, when {@code tsig} is set, a request
 * signed with that key (RFC 8945); replies are then signed too. {@link #NONE} refuses every
 * transfer, as a server without this configuration always did.
 */
public record TransferPolicy(List<AddressBlock> allow, TSIG tsig, List<InetSocketAddress> notifyTargets) {
    public static final TransferPolicy NONE = new TransferPolicy(List.of(), null, List.of());

    public TransferPolicy {
        if (allow == null || notifyTargets == null) throw new IllegalArgumentException("allow and notify must not be null (use empty lists)");
        allow = List.copyOf(allow);
        notifyTargets = List.copyOf(notifyTargets);
        for (InetSocketAddress n : notifyTargets) if (n.isUnresolved()) throw new IllegalArgumentException("NOTIFY target must be an address: " + n);
    }

    public boolean enabled() {
        return !allow.isEmpty();
    }

    public boolean allows(InetAddress source) {
        for (AddressBlock b : allow) if (b.contains(source)) return true;
        return false;
    }
}
