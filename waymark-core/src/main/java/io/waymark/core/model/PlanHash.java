package io.waymark.core.model;

import java.util.HexFormat;
import java.util.regex.Pattern;

/** SHA-256 of a plan's canonical content, lower-case hex. {@link #NONE} is the hash of no plan. */
public record PlanHash(String hex) {
    public static final PlanHash NONE = new PlanHash("");
    private static final Pattern HEX64 = Pattern.compile("[0-9a-f]{64}");

    public PlanHash {
        if (hex == null) throw new IllegalArgumentException("plan hash must not be null");
    }

    public static PlanHash of(byte[] sha256) {
        if (sha256.length != 32) throw new IllegalArgumentException("SHA-256 digest has 32 bytes, got " + sha256.length);
        return new PlanHash(HexFormat.of().formatHex(sha256));
    }

    /** True when this is a well-formed SHA-256 hex string (false for NONE and for corrupt stamps). */
    public boolean isWellFormed() {
        return HEX64.matcher(hex).matches();
    }

    public String shortHex() {
        return hex.length() <= 12 ? hex : hex.substring(0, 12);
    }

    @Override
    public String toString() {
        return hex.isEmpty() ? "-" : shortHex();
    }
}
