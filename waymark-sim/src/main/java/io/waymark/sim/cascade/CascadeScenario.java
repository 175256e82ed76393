package io.waymark.sim.cascade;

import io.waymark.sim.scenario.Algorithm;
import io.waymark.sim.scenario.Oct2025;
import io.waymark.sim.scenario.Oct2025Result;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.SplittableRandom;

/**
 * The October 2025 cascade: an endpoint's DNS answers (the input) → clients behind caching resolvers,
 * a lease manager whose renewals need the service, network-state propagation for returning hosts, and
 * NLB health-check fail-over. Deterministic: the same options and parameters give the same result.
 */
public final class CascadeScenario {
    /** How finely the input is scanned for the moments it changes (6 incident seconds). */
    private static final long ANSWER_SCAN_MS = 100;

    private CascadeScenario() {
    }

    public static CascadeResult run(CascadeOptions options) {
        return run(options, CascadeParameters.defaults());
    }

    /**
     * The input is not assumed: the October 2025 replay runs first on the chosen algorithm's code
     * (legacy enactors, or core's real Enactor and HistoryCleaner) with the same seed, and what its
     * endpoint did decides the cascade's DNS answers — see {@link #answersFrom}.
     */
    public static CascadeResult run(CascadeOptions options, CascadeParameters p) {
        Algorithm algorithm = options.algorithm() == CascadeOptions.Algorithm.LEGACY ? Algorithm.LEGACY : Algorithm.WAYMARK;
        return run(options, p, answersFrom(Oct2025.run(algorithm, options.seed()), p));
    }

    /**
     * Maps the replay onto incident time. The replay runs minutes, not hours, so only its facts carry
     * over: whether the endpoint went empty (lined up with 23:48), and whether any enactor could fix it
     * afterwards. When none could (the legacy system is stuck), only the operators' hand repair at
     * {@link CascadeParameters#repairedAtMs()} ends the outage; when the endpoint never went empty,
     * newer plans keep landing and the answer never empties.
     */
    static EndpointAnswers answersFrom(Oct2025Result replay, CascadeParameters p) {
        if (!replay.endpointWentEmpty()) return EndpointAnswers.waymark(p.emptyAtMs());
        if (replay.laterPlanApplied()) {
            throw new IllegalStateException("the replay emptied the endpoint and then recovered by itself: no hand repair to model ("
                    + replay.algorithm() + ", seed " + replay.seed() + ")");
        }
        return EndpointAnswers.legacy(p.emptyAtMs(), p.repairedAtMs());
    }

    /** Runs the cascade on any input, e.g. a {@link TimelineAnswers} taken from another simulation. */
    public static CascadeResult run(CascadeOptions options, CascadeParameters p, EndpointAnswers answers) {
        SplittableRandom root = new SplittableRandom(options.seed());
        EventLoop loop = new EventLoop(p.eventQueueMax());
        // Each part gets its own stream split off the root in a fixed order: a part drawing more or
        // fewer numbers does not shift any other part's randomness.
        ClientFleet clients = new ClientFleet(loop, root.split(), answers, p);
        LeaseManager leases = new LeaseManager(loop, root.split(), answers, p);
        WorkerPool pool = new WorkerPool(loop, root.split(), p, leases::resolverOf);
        RecoveryPolicy policy = options.recovery() == CascadeOptions.Recovery.NAIVE
                ? new NaiveRecovery(loop, pool, leases, p)
                : new ThrottledRecovery(loop, pool, leases, new Backoff(root.split(), p.backoffBaseMs(), p.backoffCapMs()),
                        new RetryBudget(p.retryTokensPerSecond(), p.retryTokensMax()), p);
        pool.onFinished(policy::finished);
        NetworkPropagation propagation = new NetworkPropagation(loop, p);
        leases.start(policy, host -> propagation.hostReturned());
        boolean velocityOn = options.velocity() == CascadeOptions.Velocity.ON;
        LoadBalancerFleet fleet = new LoadBalancerFleet(loop, root.split(), p, propagation, new VelocityControl(velocityOn, p));

        double floorPct = 100 * Math.ceil(p.capacityFloorFraction() * p.lbNodes()) / p.lbNodes();
        int samples = (int) (p.runMs() / p.sampleIntervalMs());
        long[] times = new long[samples];
        double[] endpoint = new double[samples];
        double[] clientSuccess = new double[samples];
        double[] leasesHeld = new double[samples];
        double[] queue = new double[samples];
        double[] goodput = new double[samples];
        double[] capacity = new double[samples];
        double[] backlog = new double[samples];
        for (int i = 0; i < samples; i++) {
            long t = (i + 1) * p.sampleIntervalMs();
            loop.runUntil(t);
            times[i] = t;
            endpoint[i] = answers.answerAt(t).empty() ? 0 : 100;
            clientSuccess[i] = 100 * clients.takeSuccessRate();
            leasesHeld[i] = 100.0 * leases.leasesHeld() / p.hosts();
            queue[i] = pool.queueDepth();
            goodput[i] = leases.takeEstablishments() * 1000.0 / p.sampleIntervalMs();
            capacity[i] = 100 * fleet.capacityInService();
            backlog[i] = propagation.backlog();
            checkSample(t, p, leasesHeld[i], queue[i], capacity[i], velocityOn, floorPct);
        }

        List<Moment> moments = new ArrayList<>();
        OptionalLong emptyAt = OptionalLong.empty();
        OptionalLong restoredAt = OptionalLong.empty();
        boolean wasEmpty = false;
        for (long t = 0; t <= p.runMs(); t += ANSWER_SCAN_MS) {
            boolean empty = answers.answerAt(t).empty();
            if (empty && !wasEmpty && emptyAt.isEmpty()) emptyAt = OptionalLong.of(t);
            if (!empty && wasEmpty && restoredAt.isEmpty()) restoredAt = OptionalLong.of(t);
            wasEmpty = empty;
        }
        IncidentClock clock = new IncidentClock(p.virtualMsPerIncidentHour());
        emptyAt.ifPresent(t -> moments.add(new Moment("endpoint empty " + clock.label(t), t)));
        restoredAt.ifPresent(t -> moments.add(new Moment("restored by hand " + clock.label(t), t)));

        List<Series> series = List.of(
                new Series("endpoint", "Endpoint resolves to ≥ 1 address", "%", endpoint, 100, List.of()),
                new Series("clients", "Client success rate", "%", clientSuccess, 100,
                        List.of(new Series.Reference("99%", 99))),
                new Series("leases", "Host leases held (DropletWorkflow Manager)", "% of hosts", leasesHeld, 100,
                        List.of(new Series.Reference("95%", 95))),
                // Naive: the queue runs into its bound, so show the bound. Throttled: admission keeps it
                // far below, so zoom to the admission depth or the small peak would be invisible.
                options.recovery() == CascadeOptions.Recovery.NAIVE
                        ? new Series("queue", "Lease work queue depth", "items", queue, p.queueBound() * 1.05,
                                List.of(new Series.Reference("bound " + p.queueBound(), p.queueBound())))
                        : new Series("queue", "Lease work queue depth", "items (queue bound " + p.queueBound() + " off the chart)",
                                queue, Math.max(p.admitQueueDepth() * 1.25, max(queue)),
                                List.of(new Series.Reference("admission " + p.admitQueueDepth(), p.admitQueueDepth()))),
                new Series("goodput", "Goodput: leases re-established", "leases per virtual second (= per incident minute)", goodput,
                        Math.max(10, niceCeiling(max(goodput))), List.of()),
                new Series("capacity", "NLB capacity in service", "%", capacity, 100,
                        velocityOn ? List.of(new Series.Reference("floor " + Math.round(floorPct) + "%", floorPct)) : List.of()),
                new Series("propagation", "Network-state propagation backlog", "hosts", backlog,
                        Math.max(10, niceCeiling(max(backlog))), List.of()));

        CascadeSummary summary = summarize(p, times, emptyAt, restoredAt, clientSuccess, leasesHeld, goodput, capacity,
                endpoint, pool, fleet, propagation, velocityOn);
        summary.leasesRecoveredAtMs().ifPresent(t -> moments.add(new Moment("leases ≥95% " + clock.label(t), t)));
        return new CascadeResult(options, p, times, series, moments, summary, loop.executed());
    }

    /** The model's own invariants, checked at every sample: a broken model must not draw charts. */
    private static void checkSample(long t, CascadeParameters p, double leasesPct, double queue, double capacityPct,
                                    boolean velocityOn, double floorPct) {
        if (leasesPct < 0 || leasesPct > 100) throw new IllegalStateException("leases out of range at " + t + ": " + leasesPct);
        if (queue < 0 || queue > p.queueBound()) throw new IllegalStateException("queue beyond its bound at " + t + ": " + queue);
        if (capacityPct < 0 || capacityPct > 100) throw new IllegalStateException("capacity out of range at " + t);
        if (velocityOn && capacityPct < floorPct - 1e-9) {
            throw new IllegalStateException("velocity control let capacity fall below the floor at " + t + ": " + capacityPct);
        }
    }

    private static CascadeSummary summarize(CascadeParameters p, long[] times, OptionalLong emptyAt, OptionalLong restoredAt,
                                            double[] clients, double[] leases, double[] goodput, double[] capacity,
                                            double[] endpoint, WorkerPool pool, LoadBalancerFleet fleet,
                                            NetworkPropagation propagation, boolean velocityOn) {
        int n = times.length;
        OptionalLong clientsRecovered = OptionalLong.empty();
        boolean clientsDown = false;
        OptionalLong leasesLost = OptionalLong.empty();
        OptionalLong leasesRecovered = OptionalLong.empty();
        OptionalLong impactStart = OptionalLong.empty();
        OptionalLong impactEnd = OptionalLong.empty();
        for (int i = 0; i < n; i++) {
            if (clients[i] < 100 * CascadeSummary.CLIENTS_RECOVERED) clientsDown = true;
            else if (clientsDown && clientsRecovered.isEmpty()) clientsRecovered = OptionalLong.of(times[i]);
            if (leases[i] < 100 * CascadeSummary.LEASES_RECOVERED) {
                if (leasesLost.isEmpty()) leasesLost = OptionalLong.of(times[i]);
            } else if (leasesLost.isPresent() && leasesRecovered.isEmpty()) {
                leasesRecovered = OptionalLong.of(times[i]);
            }
            boolean impaired = endpoint[i] < 100 || clients[i] < 100 * CascadeSummary.CLIENTS_RECOVERED
                    || leases[i] < 100 * CascadeSummary.LEASES_RECOVERED
                    || capacity[i] < 100 * CascadeSummary.CAPACITY_IMPAIRED;
            if (impaired) {
                if (impactStart.isEmpty()) impactStart = OptionalLong.of(times[i]);
                impactEnd = OptionalLong.of(times[i]);
            }
        }
        // The endpoint's own moment is exact; a sampled start is only as fine as the sampling.
        if (emptyAt.isPresent() && impactStart.isPresent()) {
            impactStart = OptionalLong.of(Math.min(impactStart.getAsLong(), emptyAt.getAsLong()));
        }
        boolean impairedAtEnd = impactEnd.isPresent() && impactEnd.getAsLong() == times[n - 1];
        double late = 0;
        int lateFrom = n - n / 4;
        for (int i = lateFrom; i < n; i++) late += goodput[i];
        double goodputLate = late / Math.max(1, n - lateFrom);
        double leasesEnd = leases[n - 1] / 100;
        // Collapse: hosts still wait for leases at the end, yet the pool finishes (almost) nothing.
        boolean collapse = leasesEnd < CascadeSummary.LEASES_RECOVERED && goodputLate < 1.0;
        return new CascadeSummary(emptyAt, restoredAt, min(clients) / 100, clientsRecovered, min(leases) / 100, leasesEnd,
                leasesLost, leasesRecovered, pool.queueDepthPeak(), p.queueBound(), pool.dropped(), max(goodput), goodputLate, collapse,
                fleet.capacityInServiceMin(), Math.ceil(p.capacityFloorFraction() * p.lbNodes()) / p.lbNodes(), velocityOn,
                propagation.backlogPeak(), impactStart, impactEnd, impairedAtEnd, p.runMs());
    }

    private static double max(double[] v) {
        double m = Double.NEGATIVE_INFINITY;
        for (double x : v) m = Math.max(m, x);
        return m;
    }

    private static double min(double[] v) {
        double m = Double.POSITIVE_INFINITY;
        for (double x : v) m = Math.min(m, x);
        return m;
    }

    /** 1, 2 or 5 times a power of ten, at least {@code x}: a chart top that gives round ticks. */
    static double niceCeiling(double x) {
        if (x <= 0) return 1;
        double pow = Math.pow(10, Math.floor(Math.log10(x)));
        for (double m : new double[] {1, 2, 5, 10}) {
            if (m * pow >= x) return m * pow;
        }
        return 10 * pow;
    }
}
