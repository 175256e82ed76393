package io.waymark.server.status;

/**
 * Something Waymark sees that customers should be told about, while it lasts.
 *
 * @param key    stable while the cause lasts ("capacity:api.example.test."); one incident per key at a time
 * @param title  the incident's title, for customers
 * @param detail what Waymark sees and what it does about it, in plain words
 */
public record Signal(String key, String title, String detail) {}
