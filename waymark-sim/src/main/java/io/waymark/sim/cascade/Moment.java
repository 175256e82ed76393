package io.waymark.sim.cascade;

/** A labelled instant of virtual time, drawn as a vertical mark on every chart. */
public record Moment(String label, long timeMs) {
    public Moment {
        if (label == null || label.isBlank() || timeMs < 0) throw new IllegalArgumentException("bad moment");
    }
}
