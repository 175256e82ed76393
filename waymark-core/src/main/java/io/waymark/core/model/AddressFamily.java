package io.waymark.core.model;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.EnumSet;
import java.util.Set;

/**
 * IPv4 (A records) or IPv6 (AAAA records). Clients query one family at a time, so what an endpoint
 * serves is judged per (endpoint, family): an A query answered with NOERROR and no records because the
 * IPv4 targets failed while IPv6 ones live was the October 2025 symptom (DESIGN.md, I1).
 */
public enum AddressFamily {
    IPV4("A"),
    IPV6("AAAA");

    private final String recordType;

    AddressFamily(String recordType) {
        this.recordType = recordType;
    }

    /** The DNS record type that carries this family: A or AAAA. */
    public String recordType() {
        return recordType;
    }

    public static AddressFamily of(InetAddress address) {
        return address instanceof Inet4Address ? IPV4 : IPV6;
    }

    /** The families a record set serves (at least one: record sets are never empty). */
    public static Set<AddressFamily> of(RecordSet records) {
        Set<AddressFamily> out = EnumSet.noneOf(AddressFamily.class);
        for (WeightedAddress a : records.addresses()) out.add(of(a.address()));
        return out;
    }

    /** How many of the record set's addresses belong to this family. */
    public int countIn(RecordSet records) {
        int n = 0;
        for (WeightedAddress a : records.addresses()) if (of(a.address()) == this) n++;
        return n;
    }
}
