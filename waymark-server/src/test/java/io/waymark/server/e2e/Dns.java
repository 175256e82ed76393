package io.waymark.server.e2e;

import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.Set;
import java.util.TreeSet;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/** Queries a DNS server on 127.0.0.1 over UDP with dnsjava: real packets on the wire. */
final class Dns {
    private final SimpleResolver resolver;

    /** What one query returned: the response code and the A addresses in the answer section. */
    record Answer(int rcode, Set<String> addresses) {
        boolean nonEmpty() {
            return rcode == Rcode.NOERROR && !addresses.isEmpty();
        }
    }

    Dns(int port) {
        resolver = new SimpleResolver(InetAddress.getLoopbackAddress());
        resolver.setPort(port);
        resolver.setTimeout(Duration.ofSeconds(2));
    }

    Answer query(String name) throws IOException {
        Name qname;
        try {
            qname = Name.fromString(name);
        } catch (TextParseException e) {
            throw new IllegalArgumentException(e);
        }
        Message response = resolver.send(Message.newQuery(org.xbill.DNS.Record.newRecord(qname, Type.A, DClass.IN)));
        Set<String> addresses = new TreeSet<>();
        for (org.xbill.DNS.Record r : response.getSection(Section.ANSWER)) {
            if (r instanceof ARecord a) addresses.add(a.getAddress().getHostAddress());
        }
        return new Answer(response.getRcode(), addresses);
    }

    /** The text of the CHAOS-class TXT answer for {@code name} (id.server., hostname.bind.), or null when there is none. */
    String chaosText(String name) throws IOException {
        Message response = resolver.send(Message.newQuery(org.xbill.DNS.Record.newRecord(Name.fromString(name), Type.TXT, DClass.CH)));
        for (org.xbill.DNS.Record r : response.getSection(Section.ANSWER)) {
            if (r instanceof TXTRecord t) return String.join("", t.getStrings());
        }
        return null;
    }

    /**
     * The A addresses of {@code name}. UDP may lose a datagram on a loaded machine, so a timed-out query
     * is sent again, as a stub resolver would, up to three times in all; then the I/O failure is an
     * AssertionError (Awaitility's untilAsserted retries assertions; until(...) does not).
     */
    Set<String> addresses(String name) {
        IOException last = null;
        for (int attempt = 0; attempt < 3; attempt++) {
            try {
                return query(name).addresses();
            } catch (IOException e) {
                last = e;
            }
        }
        throw new AssertionError("no DNS answer for " + name + " after 3 queries: " + last, last);
    }
}
