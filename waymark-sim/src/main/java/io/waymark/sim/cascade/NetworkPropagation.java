package io.waymark.sim.cascade;

/**
 * Network-state propagation for hosts that come back: each re-established host adds work to a backlog
 * drained at a fixed rate. While the backlog is long, new instances have no connectivity yet, so the
 * load balancers' health checks of them fail — flapping — with a probability that grows with it.
 */
final class NetworkPropagation {
    private final EventLoop loop;
    private final CascadeParameters p;
    private long backlog;
    private long backlogPeak;
    private double credit;

    NetworkPropagation(EventLoop loop, CascadeParameters p) {
        this.loop = loop;
        this.p = p;
        loop.after(1_000, this::drain);
    }

    void hostReturned() {
        backlog++;
        backlogPeak = Math.max(backlogPeak, backlog);
    }

    private void drain() {
        credit = backlog == 0 ? 0 : credit + p.propagationPerSecond();
        long done = Math.min(backlog, (long) credit);
        backlog -= done;
        credit -= done;
        loop.after(1_000, this::drain);
    }

    long backlog() {
        return backlog;
    }

    long backlogPeak() {
        return backlogPeak;
    }

    double flapProbability() {
        return p.flapProbabilityMax() * Math.min(1.0, (double) backlog / p.propagationBacklogForFullFlap());
    }
}
