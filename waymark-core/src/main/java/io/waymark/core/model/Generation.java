package io.waymark.core.model;

/**
 * A plan's position in history: 64-bit, strictly increasing, assigned by the plan store when a plan
 * is published. Generation 0 means "nothing": no plan, or a stamp that is missing or unreadable.
 */
public record Generation(long value) implements Comparable<Generation> {
    public static final Generation ZERO = new Generation(0);

    public Generation {
        if (value < 0) throw new IllegalArgumentException("generation must be >= 0, got " + value);
    }

    public static Generation of(long value) {
        return new Generation(value);
    }

    public Generation next() {
        return new Generation(Math.addExact(value, 1));
    }

    public boolean isAfter(Generation other) {
        return value > other.value;
    }

    public boolean isAtLeast(Generation other) {
        return value >= other.value;
    }

    @Override
    public int compareTo(Generation other) {
        return Long.compare(value, other.value);
    }

    @Override
    public String toString() {
        return "g" + value;
    }
}
