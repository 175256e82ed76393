package io.waymark.core.model;

import java.util.HexFormat;

/**
 * SHA-256 of a plan's canonical content, lower-case hex. {@link #NONE} is the hash of no plan.
 *
 * <p>An immutable value compared by its text, but a class rather than a record so that it can
 * remember whether that text is well formed: every {@link Stamp} asks, and enactors build a stamp per
 * endpoint per tick from the same hash object.
 */
public final class PlanHash {
    public static final PlanHash NONE = new PlanHash("");
    private static final int SHA256_HEX_LENGTH = 64;

    private final String hex;
    private final boolean wellFormed;

    public PlanHash(String hex) {
        if (hex == null) throw new IllegalArgumentException("plan hash must not be null");
        this.hex = hex;
        this.wellFormed = isSha256Hex(hex);
    }

    public static PlanHash of(byte[] sha256) {
        if (sha256.length != 32) throw new IllegalArgumentException("SHA-256 digest has 32 bytes, got " + sha256.length);
        return new PlanHash(HexFormat.of().formatHex(sha256));
    }

    private static boolean isSha256Hex(String s) {
        if (s.length() != SHA256_HEX_LENGTH) return false;
        for (int i = 0; i < SHA256_HEX_LENGTH; i++) {
            char c = s.charAt(i);
            if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
        }
        return true;
    }

    public String hex() {
        return hex;
    }

    /** True when this is a well-formed SHA-256 hex string (false for NONE and for corrupt stamps). */
    public boolean isWellFormed() {
        return wellFormed;
    }

    public String shortHex() {
        return hex.length() <= 12 ? hex : hex.substring(0, 12);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PlanHash h && hex.equals(h.hex);
    }

    @Override
    public int hashCode() {
        return hex.hashCode();
    }

    @Override
    public String toString() {
        return hex.isEmpty() ? "-" : shortHex();
    }
}
