package io.waymark.sim.cascade;

import java.util.Locale;
import java.util.OptionalLong;

/**
 * What a reader wants from a cascade run in five lines: when the endpoint was empty, how long each
 * layer stayed impaired, whether lease recovery collapsed, how low capacity went.
 * Times are virtual milliseconds (see {@link IncidentClock} for labels); empty = did not happen.
 */
public record CascadeSummary(
        OptionalLong endpointEmptyAtMs,
        OptionalLong endpointRestoredAtMs,
        double clientSuccessMin,
        OptionalLong clientsRecoveredAtMs,
        double leasesHeldMin,
        double leasesHeldEnd,
        OptionalLong leasesLostAtMs,
        OptionalLong leasesRecoveredAtMs,
        int queueDepthPeak,
        int queueBound,
        long attemptsDropped,
        double goodputPeak,
        double goodputLateMean,
        boolean collapse,
        double capacityMin,
        double capacityFloor,
        boolean velocityControl,
        long propagationBacklogPeak,
        OptionalLong impactStartMs,
        OptionalLong impactEndMs,
        boolean impairedAtEnd,
        long runMs) {

    /** Leases count as recovered at or above this fraction. */
    public static final double LEASES_RECOVERED = 0.95;
    /** Clients count as recovered at or above this success rate. */
    public static final double CLIENTS_RECOVERED = 0.99;
    /** Below this fraction of capacity in service, load balancing counts as impaired. */
    public static final double CAPACITY_IMPAIRED = 0.90;

    public boolean outage() {
        return endpointEmptyAtMs.isPresent();
    }

    public String text(IncidentClock clock) {
        StringBuilder b = new StringBuilder();
        if (endpointEmptyAtMs.isEmpty()) {
            b.append("endpoint:     never empty (no outage starts)\n");
        } else {
            long from = endpointEmptyAtMs.getAsLong();
            b.append("endpoint:     EMPTY ").append(clock.label(from)).append(" → ")
                    .append(endpointRestoredAtMs.isPresent()
                            ? clock.label(endpointRestoredAtMs.getAsLong()) + " PDT ("
                            + clock.hours(endpointRestoredAtMs.getAsLong() - from) + ")" : "end of run (never restored)")
                    .append('\n');
        }
        b.append(String.format(Locale.ROOT, "clients:      min success %.1f%%", 100 * clientSuccessMin));
        if (clientSuccessMin < CLIENTS_RECOVERED) {
            b.append(clientsRecoveredAtMs.isPresent()
                    ? ", back to ≥99% at " + clock.label(clientsRecoveredAtMs.getAsLong())
                    + " PDT (negative caching outlives the repair)" : ", never recovered");
        }
        b.append('\n');
        b.append(String.format(Locale.ROOT, "leases:       min %.1f%%, end %.1f%%", 100 * leasesHeldMin, 100 * leasesHeldEnd));
        if (leasesLostAtMs.isPresent()) {
            b.append(", below 95% from ").append(clock.label(leasesLostAtMs.getAsLong()))
                    .append(leasesRecoveredAtMs.isPresent()
                            ? ", recovered at " + clock.label(leasesRecoveredAtMs.getAsLong()) + " PDT"
                            : ", NOT recovered by the end of the run");
        }
        b.append('\n');
        if (leasesLostAtMs.isEmpty()) {
            b.append("lease queue:  no lease lost, nothing to re-establish\n");
        } else {
            b.append(String.format(Locale.ROOT,
                    "lease queue:  peak depth %d (bound %d), %d attempts dropped, goodput peak %.1f/s, last quarter %.2f/s",
                    queueDepthPeak, queueBound, attemptsDropped, goodputPeak, goodputLateMean));
            b.append(collapse ? " → CONGESTIVE COLLAPSE (work outgrew capacity, no forward progress)\n" : "\n");
        }
        b.append(String.format(Locale.ROOT,
                "NLB capacity: min %.0f%% in service (velocity control %s%s), propagation backlog peak %d hosts\n",
                100 * capacityMin, velocityControl ? "on, floor " : "off", velocityControl
                        ? String.format(Locale.ROOT, "%.0f%%", 100 * capacityFloor) : "", propagationBacklogPeak));
        if (outage() && propagationBacklogPeak == 0) {
            b.setLength(b.length() - 1);
            b.append(" (no host came back whose network state could lag)\n");
        }
        if (impactStartMs.isEmpty()) {
            b.append("impact:       none\n");
        } else {
            long start = impactStartMs.getAsLong();
            long end = impactEndMs.orElse(runMs);
            b.append("impact:       ").append(clock.label(start)).append(" → ")
                    .append(impairedAtEnd ? "still impaired at the end of the run (" + clock.label(runMs) + " PDT), ≥ "
                            : clock.label(end) + " PDT, ")
                    .append(clock.hours(end - start)).append(" end to end\n");
        }
        return b.toString();
    }
}
