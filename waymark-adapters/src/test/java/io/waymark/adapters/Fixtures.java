package io.waymark.adapters;

import io.waymark.core.model.Endpoint;
import io.waymark.core.model.PlanHash;
import io.waymark.core.model.RecordSet;
import io.waymark.core.model.Stamp;
import io.waymark.core.model.WeightedAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;

/**
 * Deterministic test data: the records an endpoint gets at generation g are a pure function of
 * (endpoint, g), so a checker can tell from a stamp alone which records must sit beside it.
 */
public final class Fixtures {
    private Fixtures() {}

    public static Endpoint endpoint(int i) {
        return Endpoint.of("e" + i + ".waymark.test.");
    }

    public static PlanHash hash(long generation) {
        return PlanHash.of(sha256("plan-" + generation));
    }

    public static Stamp stamp(long generation) {
        return Stamp.of(generation, hash(generation));
    }

    public static RecordSet records(Endpoint endpoint, long generation) {
        byte[] h = sha256(endpoint.name() + "@" + generation);
        int n = 1 + (h[0] & 3);
        List<WeightedAddress> addresses = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            String ip = "10." + (h[1 + i] & 0xff) + "." + (h[5 + i] & 0xff) + "." + i;
            addresses.add(WeightedAddress.of(ip, 1 + (h[9 + i] & 0x7f)));
        }
        if ((h[13] & 1) == 1) addresses.add(WeightedAddress.of("2001:db8::" + Integer.toHexString(1 + (h[14] & 0xff)), 3));
        return new RecordSet(addresses, 30 + (h[15] & 0x3f));
    }

    /** Flips the lowest bit of the byte at {@code at}: rot at rest, as a disk might. */
    public static void flipByte(java.nio.file.Path file, long at) throws java.io.IOException {
        try (java.io.RandomAccessFile f = new java.io.RandomAccessFile(file.toFile(), "rw")) {
            f.seek(at);
            int b = f.read();
            f.seek(at);
            f.write(b ^ 1);
        }
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
