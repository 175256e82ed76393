package io.waymark.core.model;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * Parses IP address literals without ever touching the resolver: core must not do I/O, and
 * {@link InetAddress#getByName} falls back to a DNS lookup for anything it does not recognise.
 */
final class IpLiteral {
    private IpLiteral() {}

    static InetAddress parse(String literal) {
        if (literal == null || literal.isEmpty() || literal.length() > 45) {
            throw new IllegalArgumentException("not an IP address: '" + literal + "'");
        }
        try {
            if (literal.indexOf(':') >= 0) {
                // Only hex digits, ':' and '.' (embedded IPv4): getByName then parses it as an IPv6
                // literal and never resolves.
                for (int i = 0; i < literal.length(); i++) {
                    char c = literal.charAt(i);
                    boolean ok = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') || c == ':' || c == '.';
                    if (!ok) throw new IllegalArgumentException("not an IPv6 address: '" + literal + "'");
                }
                return InetAddress.getByName("[" + literal + "]");
            }
            return InetAddress.getByAddress(ipv4(literal));
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("not an IP address: '" + literal + "'", e);
        }
    }

    /** Strict dotted quad: exactly four decimal parts 0..255, no leading zeros beyond "0". */
    private static byte[] ipv4(String literal) {
        String[] parts = literal.split("\\.", -1);
        if (parts.length != 4) throw new IllegalArgumentException("not an IPv4 address: '" + literal + "'");
        byte[] out = new byte[4];
        for (int i = 0; i < 4; i++) {
            String p = parts[i];
            if (p.isEmpty() || p.length() > 3 || (p.length() > 1 && p.charAt(0) == '0') || !p.chars().allMatch(c -> c >= '0' && c <= '9')) {
                throw new IllegalArgumentException("not an IPv4 address: '" + literal + "'");
            }
            int v = Integer.parseInt(p);
            if (v > 255) throw new IllegalArgumentException("not an IPv4 address: '" + literal + "'");
            out[i] = (byte) v;
        }
        return out;
    }
}
