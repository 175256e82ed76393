package io.waymark.core.model;

import java.net.InetAddress;
import java.util.regex.Pattern;

/** One load balancer or backend: id, address, availability zone and capacity (relative units). */
public record Target(String id, InetAddress address, String zone, long capacity) {
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

    public Target {
        if (id == null || !ID.matcher(id).matches()) throw new IllegalArgumentException("target id must match " + ID + ", got '" + id + "'");
        if (address == null) throw new IllegalArgumentException("target " + id + " needs an address");
        if (zone == null || zone.isBlank()) throw new IllegalArgumentException("target " + id + " needs a zone");
        if (capacity < 1 || capacity > WeightedAddress.WEIGHT_MAX) throw new IllegalArgumentException("capacity of target " + id + " must be in 1.." + WeightedAddress.WEIGHT_MAX + ", got " + capacity);
    }
}
