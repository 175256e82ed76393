package io.waymark.core.model;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.Arrays;

/**
 * One address an endpoint answers with, and its weight (share of answers, relative to the others).
 * Weight is at least 1: a target that should get no traffic is left out of the record set instead.
 */
public record WeightedAddress(InetAddress address, int weight) implements Comparable<WeightedAddress> {
    public static final int WEIGHT_MAX = 1_000_000;

    public WeightedAddress {
        if (address == null) throw new IllegalArgumentException("address must not be null");
        if (weight < 1 || weight > WEIGHT_MAX) throw new IllegalArgumentException("weight must be in 1.." + WEIGHT_MAX + ", got " + weight);
    }

    /** Parses an IPv4 or IPv6 literal without any name lookup (core does no I/O). */
    public static WeightedAddress of(String literal, int weight) {
        return new WeightedAddress(parseLiteral(literal), weight);
    }

    public static InetAddress parseLiteral(String literal) {
        return IpLiteral.parse(literal);
    }

    public boolean isIpv4() {
        return address instanceof Inet4Address;
    }

    @Override
    public int compareTo(WeightedAddress other) {
        int c = Arrays.compareUnsigned(address.getAddress(), other.address.getAddress());
        return c != 0 ? c : Integer.compare(weight, other.weight);
    }

    @Override
    public String toString() {
        return address.getHostAddress() + "*" + weight;
    }
}
