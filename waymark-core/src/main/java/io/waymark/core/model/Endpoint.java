package io.waymark.core.model;

import java.util.Locale;

/**
 * A managed DNS name, absolute and lower-case (e.g. {@code api.example.test.}). DNS names compare
 * case-insensitively, so the canonical form is lower-case with the trailing dot.
 */
public record Endpoint(String name) implements Comparable<Endpoint> {
    private static final int NAME_LENGTH_MAX = 253 + 1; // RFC 1035 presentation form plus the root dot

    public Endpoint {
        if (name == null || name.isBlank()) throw new IllegalArgumentException("endpoint name must not be empty");
        String lower = name.toLowerCase(Locale.ROOT);
        name = lower.endsWith(".") ? lower : lower + ".";
        if (name.length() > NAME_LENGTH_MAX) throw new IllegalArgumentException("endpoint name longer than 253 characters: " + name);
        if (name.contains("..") || name.startsWith(".")) throw new IllegalArgumentException("endpoint name has an empty label: " + name);
    }

    public static Endpoint of(String name) {
        return new Endpoint(name);
    }

    @Override
    public int compareTo(Endpoint other) {
        return name.compareTo(other.name);
    }

    @Override
    public String toString() {
        return name;
    }
}
