package io.waymark.dns;

import java.net.InetAddress;
import java.net.UnknownHostException;

/** An address prefix such as {@code 192.0.2.0/24} or {@code ::1/128}: who may transfer zones. */
public record AddressBlock(byte[] network, int prefixLength) {
    public AddressBlock {
        if (network == null || (network.length != 4 && network.length != 16)) throw new IllegalArgumentException("a block is an IPv4 or IPv6 network");
        if (prefixLength < 0 || prefixLength > network.length * 8) throw new IllegalArgumentException("prefix length must be in 0.." + network.length * 8 + ", got " + prefixLength);
        network = network.clone();
    }

    /** Parses {@code address/length}, or a bare address (a single host). Only literal addresses: no name is resolved. */
    public static AddressBlock parse(String text) {
        if (text == null || text.isBlank()) throw new IllegalArgumentException("empty address block");
        String t = text.strip();
        int slash = t.indexOf('/');
        String address = slash < 0 ? t : t.substring(0, slash);
        if (!address.matches("[0-9A-Fa-f:.]+")) throw new IllegalArgumentException("not an address block (literal address/length): '" + text + "'");
        byte[] bytes;
        try {
            bytes = InetAddress.getByName(address).getAddress();
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("not an address block: '" + text + "'", e);
        }
        int length;
        try {
            length = slash < 0 ? bytes.length * 8 : Integer.parseInt(t.substring(slash + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("bad prefix length in '" + text + "'", e);
        }
        return new AddressBlock(bytes, length);
    }

    public boolean contains(InetAddress address) {
        byte[] a = address.getAddress();
        if (a.length != network.length) return false;
        int full = prefixLength / 8;
        for (int i = 0; i < full; i++) if (a[i] != network[i]) return false;
        int rest = prefixLength % 8;
        if (rest == 0) return true;
        int mask = 0xFF << (8 - rest) & 0xFF;
        return (a[full] & mask) == (network[full] & mask);
    }

    @Override
    public String toString() {
        try {
            return InetAddress.getByAddress(network).getHostAddress() + "/" + prefixLength;
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof AddressBlock b && b.prefixLength == prefixLength && java.util.Arrays.equals(b.network, network);
    }

    @Override
    public int hashCode() {
        return java.util.Arrays.hashCode(network) * 31 + prefixLength;
    }
}
