package io.waymark.dns;

import java.nio.file.Path;

/**
 * A zone file that cannot be served: which file, which line (0 when the problem is not tied to one
 * line, e.g. a missing SOA) and why. The message reads {@code file:line: reason} so a CLI can print it
 * as is and editors can jump to it.
 */
public final class ZoneLoadException extends Exception {
    private final transient Path file;
    private final int line;
    private final String reason;

    public ZoneLoadException(Path file, int line, String reason, Throwable cause) {
        super(file + (line > 0 ? ":" + line : "") + ": " + reason, cause);
        this.file = file;
        this.line = line;
        this.reason = reason;
    }

    public Path file() {
        return file;
    }

    public int line() {
        return line;
    }

    public String reason() {
        return reason;
    }
}
