package io.waymark.adapters.log;

/**
 * What opening a log found: how many entries were good, and what was cut off its tail (a write torn
 * by a crash, or bytes that fail their checksum) and why. {@code bytesCut == 0} means a clean log.
 */
public record Recovery(long entriesKept, long bytesKept, long bytesCut, String reason) {
    public static Recovery clean(long entries, long bytes) {
        return new Recovery(entries, bytes, 0, "clean");
    }

    public boolean cut() {
        return bytesCut > 0;
    }
}
