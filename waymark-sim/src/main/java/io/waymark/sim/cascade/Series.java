package io.waymark.sim.cascade;

import java.util.Arrays;
import java.util.List;

/**
 * One quantity sampled over the run (values line up with {@link CascadeResult#timesMs()}), with the
 * chart's y-range top and horizontal reference lines (bounds, floors, thresholds).
 */
public record Series(String key, String title, String unit, double[] values, double yMax, List<Reference> references) {
    /** A horizontal line drawn across the chart. */
    public record Reference(String label, double value) {}

    public Series {
        if (!key.matches("[a-z][a-z0-9-]*")) throw new IllegalArgumentException("key must be a file-name-safe word: " + key);
        if (yMax <= 0) throw new IllegalArgumentException("yMax must be > 0");
        values = values.clone();
        references = List.copyOf(references);
    }

    @Override
    public double[] values() {
        return values.clone();
    }

    public double value(int i) {
        return values[i];
    }

    public int size() {
        return values.length;
    }

    public double max() {
        return Arrays.stream(values).max().orElse(0);
    }

    public double min() {
        return Arrays.stream(values).min().orElse(0);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Series s && key.equals(s.key) && title.equals(s.title) && unit.equals(s.unit)
                && Arrays.equals(values, s.values) && yMax == s.yMax && references.equals(s.references);
    }

    @Override
    public int hashCode() {
        return key.hashCode() * 31 + Arrays.hashCode(values);
    }

    @Override
    public String toString() {
        return "Series[" + key + ", " + values.length + " samples]";
    }
}
