package io.waymark.sim;

import java.util.ArrayList;
import java.util.List;

/**
 * What happened in a run, one line per event, stamped with virtual time. Two runs of the same seed
 * must produce equal traces: that is how determinism is tested. Bounded: a runaway run cannot eat
 * the heap; lines past the limit are counted, not kept.
 */
public final class Trace {
    public static final int LINES_MAX = 1_000_000;
    private final List<String> lines = new ArrayList<>();
    private long dropped = 0;

    public void add(long atMillis, String actor, String what) {
        if (lines.size() >= LINES_MAX) {
            dropped++;
            return;
        }
        lines.add(String.format("%9d ms  %-10s %s", atMillis, actor, what));
    }

    public List<String> lines() {
        return List.copyOf(lines);
    }

    public long dropped() {
        return dropped;
    }

    public String render() {
        return String.join("\n", lines) + (dropped > 0 ? "\n… " + dropped + " more lines dropped" : "") + "\n";
    }
}
