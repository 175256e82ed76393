package io.waymark.server.config;

/** A configuration the daemon refuses: names the key, the value found and what was expected. */
public final class ConfigException extends RuntimeException {
    private final String key;

    public ConfigException(String key, String value, String expected) {
        super("config key '" + key + "': " + (value == null ? "missing" : "value " + value) + ": expected " + expected);
        this.key = key;
    }

    public ConfigException(String message) {
        super(message);
        this.key = "";
    }

    public String key() {
        return key;
    }
}
