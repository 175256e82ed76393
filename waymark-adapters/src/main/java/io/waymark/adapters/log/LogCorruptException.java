package io.waymark.adapters.log;

import java.io.IOException;

/** The log file is not a Waymark log at all (wrong header): refusing to open it beats truncating it. */
public class LogCorruptException extends IOException {
    public LogCorruptException(String message) {
        super(message);
    }
}
