package io.waymark.sim.cascade;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.function.Function;

/**
 * Writes a cascade report into a directory: {@code report.html} (one self-contained XHTML file,
 * charts inline, then a small table, then the text summaries) and every chart again as
 * {@code <series>.svg}. Pictures come first: they are what a reader looks at.
 */
public final class CascadeReport {
    public static final String HTML = "report.html";

    /** A series' colour when a chart shows a single run. */
    private static final Map<String, String> SERIES_COLOURS = Map.of(
            "endpoint", "#0072b2", "clients", "#009e73", "leases", "#d55e00", "queue", "#cc79a7",
            "goodput", "#e69f00", "capacity", "#0072b2", "propagation", "#666666");

    private CascadeReport() {
    }

    /** Writes the report of one run; returns the HTML file. */
    public static Path write(Path dir, CascadeResult result) {
        return write(dir, List.of(result));
    }

    /**
     * Writes one report comparing several runs (e.g. legacy and waymark) on shared charts; the first
     * run's moments are the ones marked. Returns the HTML file.
     */
    public static Path write(Path dir, List<CascadeResult> runs) {
        if (runs.isEmpty() || runs.size() > SvgChart.RUN_COLOURS.length) {
            throw new IllegalArgumentException("1 to " + SvgChart.RUN_COLOURS.length + " runs");
        }
        CascadeResult first = runs.get(0);
        for (CascadeResult r : runs) {
            if (!r.parameters().equals(first.parameters())) throw new IllegalArgumentException("runs must share parameters");
        }
        try {
            Files.createDirectories(dir);
            StringBuilder charts = new StringBuilder();
            for (Series s : first.series()) {
                List<String> colours = runs.size() == 1
                        ? List.of(SERIES_COLOURS.getOrDefault(s.key(), "#333333"))
                        : List.of(SvgChart.RUN_COLOURS).subList(0, runs.size());
                String svg = SvgChart.render(s.key(), runs, colours);
                Files.writeString(dir.resolve(s.key() + ".svg"), "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" + svg,
                        StandardCharsets.UTF_8);
                charts.append("<figure id=\"").append(s.key()).append("\">\n").append(svg).append("</figure>\n");
            }
            Path html = dir.resolve(HTML);
            Files.writeString(html, html(runs, charts.toString()), StandardCharsets.UTF_8);
            return html;
        } catch (IOException e) {
            throw new UncheckedIOException("writing the cascade report to " + dir, e);
        }
    }

    private static String html(List<CascadeResult> runs, String charts) {
        CascadeResult first = runs.get(0);
        IncidentClock clock = first.clock();
        StringBuilder h = new StringBuilder(charts.length() + 8_192);
        h.append("<!DOCTYPE html>\n<html xmlns=\"http://www.w3.org/1999/xhtml\" lang=\"en\">\n<head>\n")
                .append("<meta charset=\"utf-8\"/>\n<title>Waymark simulation lab: the October 2025 cascade</title>\n")
                .append("<style>\nbody{font-family:Helvetica,Arial,sans-serif;margin:24px auto;max-width:1020px;color:#222}\n")
                .append("figure{margin:0 0 10px 0}h1{font-size:22px;margin-bottom:4px}.lede{color:#444;margin-top:0}\n")
                .append("table{border-collapse:collapse;font-size:13px;margin:16px 0}td,th{border:1px solid #ccc;padding:4px 8px;text-align:left}\n")
                .append("th{background:#f3f3f3}pre{background:#f7f7f7;padding:10px;font-size:12px;white-space:pre-wrap}\n.bad{color:#b00020;font-weight:bold}\n")
                .append("</style>\n</head>\n<body>\n");
        h.append("<h1>The October 2025 cascade, simulated</h1>\n<p class=\"lede\">");
        for (int i = 0; i < runs.size(); i++) {
            CascadeResult r = runs.get(i);
            if (i > 0) h.append("<br/>");
            h.append(Xml.escape(r.options().toString())).append(" — ").append(verdict(r));
        }
        h.append("</p>\n").append(charts);

        h.append("<table>\n<tr><th>what</th>");
        for (CascadeResult r : runs) h.append("<th>").append(Xml.escape(r.options().slug())).append("</th>");
        h.append("</tr>\n");
        row(h, runs, "endpoint empty", r -> range(clock, r.summary().endpointEmptyAtMs(), r.summary().endpointRestoredAtMs(), "never"));
        row(h, runs, "client success, min", r -> percent(r.summary().clientSuccessMin()));
        row(h, runs, "clients back ≥ 99%", r -> at(clock, r.summary().clientsRecoveredAtMs(), r.summary().clientSuccessMin() < 0.99));
        row(h, runs, "leases held, min / end", r -> percent(r.summary().leasesHeldMin()) + " / " + percent(r.summary().leasesHeldEnd()));
        row(h, runs, "leases back ≥ 95%", r -> at(clock, r.summary().leasesRecoveredAtMs(), r.summary().leasesLostAtMs().isPresent()));
        row(h, runs, "lease queue peak", r -> r.summary().queueDepthPeak() + " (bound " + r.summary().queueBound() + ")");
        row(h, runs, "congestive collapse", r -> r.summary().collapse() ? "YES" : "no");
        row(h, runs, "NLB capacity in service, min", r -> percent(r.summary().capacityMin()));
        row(h, runs, "impact end to end", r -> r.summary().impactStartMs().isEmpty() ? "none"
                : clock.hours(r.summary().impactEndMs().orElse(r.parameters().runMs()) - r.summary().impactStartMs().getAsLong())
                + (r.summary().impairedAtEnd() ? " (still impaired at end)" : ""));
        h.append("</table>\n");
        for (CascadeResult r : runs) h.append("<pre>").append(Xml.escape(r.text())).append("</pre>\n");
        h.append("<p class=\"lede\">Model: the endpoint's DNS answers drive clients behind caching resolvers (positive TTL ")
                .append(clock.minutes(first.parameters().positiveTtlMs()))
                .append(", negative TTL ").append(clock.minutes(first.parameters().negativeTtlMs()))
                .append("), a DropletWorkflow-Manager-style lease manager (")
                .append(first.parameters().hosts()).append(" hosts, ").append(first.parameters().workers())
                .append(" workers, attempt timeout ").append(first.parameters().attemptTimeoutMs())
                .append(" ms, attempt latency growing with outstanding work), network-state propagation of returning hosts, and ")
                .append(first.parameters().lbNodes())
                .append(" NLB nodes with health-check driven fail-over. Incident durations are compressed 60×; request latencies are not.</p>\n");
        h.append("</body>\n</html>\n");
        return h.toString();
    }

    private static String verdict(CascadeResult r) {
        CascadeSummary s = r.summary();
        List<String> parts = new ArrayList<>();
        if (!s.outage()) return "no outage starts: the endpoint never answers empty.";
        parts.add("endpoint empty for " + r.clock().hours(s.endpointRestoredAtMs().orElse(r.parameters().runMs())
                - s.endpointEmptyAtMs().getAsLong()));
        parts.add(s.collapse() ? "lease recovery collapses" : s.leasesRecoveredAtMs().isPresent()
                ? "leases recover at " + r.clock().label(s.leasesRecoveredAtMs().getAsLong()) : "leases do not recover");
        parts.add(s.capacityMin() >= 1.0
                ? "NLB capacity untouched (no host came back whose network state could lag)"
                : String.format(java.util.Locale.ROOT, "NLB fail-over took capacity down to %.0f%%", 100 * s.capacityMin()));
        return String.join("; ", parts) + ".";
    }

    private static void row(StringBuilder h, List<CascadeResult> runs, String what, Function<CascadeResult, String> cell) {
        h.append("<tr><td>").append(Xml.escape(what)).append("</td>");
        for (CascadeResult r : runs) h.append("<td>").append(Xml.escape(cell.apply(r))).append("</td>");
        h.append("</tr>\n");
    }

    private static String range(IncidentClock clock, OptionalLong from, OptionalLong to, String none) {
        if (from.isEmpty()) return none;
        return clock.label(from.getAsLong()) + " → " + (to.isPresent() ? clock.label(to.getAsLong()) : "end");
    }

    private static String at(IncidentClock clock, OptionalLong when, boolean wasDown) {
        if (!wasDown) return "never down";
        return when.isPresent() ? clock.label(when.getAsLong()) : "not by the end";
    }

    private static String percent(double fraction) {
        return String.format(java.util.Locale.ROOT, "%.1f%%", 100 * fraction);
    }
}
