package io.waymark.dns;

import java.net.InetAddress;
import java.util.List;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;

/**
 * Where a verified RFC 2136 UPDATE goes: the port between the wire (this module) and the record
 * store behind the server (wired in by the daemon, which knows the stamps). The server has checked the
 * message's form, its TSIG signature, that the zone is one it serves and that every name lies inside
 * it (RFC 2136 §3.1, §3.2.4 and §3.4.1.3); the target checks the prerequisites and applies the update
 * section all or nothing (§3.2, §3.4), and returns only once what it applied is durable.
 */
@FunctionalInterface
public interface UpdateTarget {
    /** An UPDATE as it arrived: its zone, prerequisite and update sections, the key that signed it and its source. */
    record Request(Name zone, List<Record> prerequisites, List<Record> updates, Name key, InetAddress source) {
        public Request {
            if (zone == null || prerequisites == null || updates == null || key == null || source == null) {
                throw new IllegalArgumentException("an UPDATE request has a zone, both sections (possibly empty), a key and a source");
            }
            prerequisites = List.copyOf(prerequisites);
            updates = List.copyOf(updates);
        }
    }

    /** The response code (RFC 2136 §2.2) and, for anything but NOERROR, why, for the log line. */
    record Verdict(int rcode, String reason) {
        public static final Verdict APPLIED = new Verdict(Rcode.NOERROR, "");

        public Verdict {
            if (rcode < 0 || rcode > 0xF) throw new IllegalArgumentException("an UPDATE verdict is a 4-bit response code, got " + rcode);
            if (reason == null || (rcode != Rcode.NOERROR && reason.isBlank())) throw new IllegalArgumentException("a refused UPDATE says why");
        }

        public static Verdict refused(int rcode, String reason) {
            return new Verdict(rcode, reason);
        }
    }

    /** Never throws for a bad request (that is a verdict); may throw when the store failed (the server answers SERVFAIL). */
    Verdict apply(Request request);
}
