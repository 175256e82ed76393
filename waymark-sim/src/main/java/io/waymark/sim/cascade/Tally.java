package io.waymark.sim.cascade;

/** Successes and attempts since the last sample; read-and-reset by the recorder. */
final class Tally {
    private long ok;
    private long total;

    void record(boolean success) {
        total++;
        if (success) ok++;
    }

    /** Success fraction since the last call, or {@code ifNone} when nothing was attempted. */
    double takeRate(double ifNone) {
        double rate = total == 0 ? ifNone : (double) ok / total;
        ok = 0;
        total = 0;
        return rate;
    }

    long takeSuccesses() {
        long n = ok;
        ok = 0;
        total = 0;
        return n;
    }
}
