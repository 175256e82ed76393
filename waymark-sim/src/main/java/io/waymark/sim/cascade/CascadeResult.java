package io.waymark.sim.cascade;

import java.util.Arrays;
import java.util.List;
import java.util.NoSuchElementException;

/** Everything one cascade run produced: sampled series, marked moments, the summary. */
public record CascadeResult(CascadeOptions options, CascadeParameters parameters, long[] timesMs, List<Series> series,
                            List<Moment> moments, CascadeSummary summary, long events) {
    public CascadeResult {
        timesMs = timesMs.clone();
        series = List.copyOf(series);
        moments = List.copyOf(moments);
        for (Series s : series) {
            if (s.size() != timesMs.length) throw new IllegalArgumentException("series " + s.key() + " misaligned");
        }
    }

    @Override
    public long[] timesMs() {
        return timesMs.clone();
    }

    public Series series(String key) {
        return series.stream().filter(s -> s.key().equals(key)).findFirst()
                .orElseThrow(() -> new NoSuchElementException("no series " + key));
    }

    public IncidentClock clock() {
        return new IncidentClock(parameters.virtualMsPerIncidentHour());
    }

    /** A short readable summary: the options, the time scale, then {@link CascadeSummary#text}. */
    public String text() {
        return "cascade " + options + "\n"
                + "time scale: 1 virtual minute = 1 incident hour; virtual 0 = 23:00 PDT; "
                + clock().hours(parameters.runMs()) + " simulated, " + events + " events\n"
                + summary.text(clock());
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CascadeResult r && options.equals(r.options) && parameters.equals(r.parameters)
                && Arrays.equals(timesMs, r.timesMs) && series.equals(r.series) && moments.equals(r.moments)
                && summary.equals(r.summary) && events == r.events;
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(timesMs) * 31 + series.hashCode();
    }

    @Override
    public String toString() {
        return "CascadeResult[" + options + "]";
    }
}
