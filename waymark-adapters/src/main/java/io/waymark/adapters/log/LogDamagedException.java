package io.waymark.adapters.log;

/**
 * A log is damaged in a way no crash can cause: a complete entry fails its checksum, a frame header is
 * garbage while data follows it, or the file header is wrong. Cutting the log there would silently
 * drop entries that were acknowledged, so the log refuses to open instead; nothing was changed on disk.
 * The message names the file, the offset, the reason and what to do.
 */
public final class LogDamagedException extends LogCorruptException {
    private final String file;
    private final long offset;
    private final String reason;

    private static final String WHAT_TO_DO = " What to do: keep a copy of the file, check the disk (dmesg, SMART), then restore the file from a backup or move it aside"
            + " (the store then starts from what remains; the record store's salvage can still serve every readable entry).";

    /** Found at open: the log refuses to open. */
    public LogDamagedException(String file, long offset, long entriesBefore, String reason) {
        this(file, offset, reason, "log " + file + " is damaged at offset " + offset + " after " + entriesBefore + " good entries: " + reason
                + ". Refusing to open: cutting it here would lose acknowledged writes, and nothing was changed on disk." + WHAT_TO_DO);
    }

    /** Found when an entry that was good at open is read back later (rot at rest since). */
    public LogDamagedException(String file, long offset, String reason) {
        this(file, offset, reason, "log " + file + " is damaged at offset " + offset + ": " + reason + "; nothing was changed on disk." + WHAT_TO_DO);
    }

    private LogDamagedException(String file, long offset, String reason, String message) {
        super(message);
        this.file = file;
        this.offset = offset;
        this.reason = reason;
    }

    public String file() {
        return file;
    }

    public long offset() {
        return offset;
    }

    public String reason() {
        return reason;
    }
}
