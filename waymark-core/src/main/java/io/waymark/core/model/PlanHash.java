package io.waymark.core.model;

import java.util.HexFormat;

/** SHA-256 of a plan's canonical content, lower-case hex. {@link #NONE} is the hash of no plan. */
public record PlanHash(String hex) {
    public static final PlanHash NONE = new PlanHash("");

    public PlanHash {
        if (hex == null) throw new IllegalArgumentException("plan hash must not be null");
    }

    public static PlanHash of(byte[] sha256) {
        if (sha256.length != 32) throw new IllegalArgumentException("SHA-256 digest has 32 bytes, got " + sha256.length);
        return new PlanHash(HexFormat.of().formatHex(sha256));
    }

    /** True when this is a well-formed SHA-256 hex string (false for NONE and for corrupt stamps). */
    public boolean isWellFormed() {
        // Checked on every Stamp built, so by hand rather than with a regex: [0-9a-f]{64}.
        if (hex.length() != 64) return false;
        for (int i = 0; i < 64; i++) {
            char c = hex.charAt(i);
            if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
        }
        return true;
    }

    public String shortHex() {
        return hex.length() <= 12 ? hex : hex.substring(0, 12);
    }

    @Override
    public String toString() {
        return hex.isEmpty() ? "-" : shortHex();
    }
}
