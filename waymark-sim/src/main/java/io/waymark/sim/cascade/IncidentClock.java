package io.waymark.sim.cascade;

import java.time.Duration;
import java.time.LocalTime;

/** Turns virtual milliseconds into the incident's wall-clock labels: virtual 0 = 23:00 PDT. */
public record IncidentClock(long virtualMsPerIncidentHour) {
    public static final LocalTime ORIGIN = LocalTime.of(23, 0);

    public IncidentClock {
        if (virtualMsPerIncidentHour <= 0) throw new IllegalArgumentException("scale must be > 0");
    }

    public Duration incidentDuration(long virtualMs) {
        return Duration.ofMillis(Math.round(virtualMs * (3_600_000.0 / virtualMsPerIncidentHour)));
    }

    /** e.g. "02:25". */
    public String label(long virtualMs) {
        LocalTime t = ORIGIN.plus(incidentDuration(virtualMs));
        return String.format("%02d:%02d", t.getHour(), t.getMinute());
    }

    /** e.g. "15 min". */
    public String minutes(long virtualMs) {
        return incidentDuration(virtualMs).toMinutes() + " min";
    }

    /** e.g. "2.6 h". */
    public String hours(long virtualMs) {
        return String.format(java.util.Locale.ROOT, "%.1f h", (double) virtualMs / virtualMsPerIncidentHour);
    }
}
