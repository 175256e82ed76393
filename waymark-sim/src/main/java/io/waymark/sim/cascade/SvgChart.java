package io.waymark.sim.cascade;

import java.util.List;
import java.util.Locale;

/**
 * Draws one series of one or more cascade runs as a standalone SVG line chart: x = incident time
 * (PDT, one tick per incident hour), y from 0 to the series' top, the outage shaded, the marked
 * moments as labelled vertical lines, reference lines dashed. Hand-written SVG: no dependency, and
 * the same markup works inline in the HTML report and as a file.
 */
final class SvgChart {
    static final int WIDTH = 1000;
    static final int HEIGHT = 270;
    private static final int LEFT = 64;
    private static final int RIGHT = 96;
    private static final int TOP = 64;
    private static final int BOTTOM = 46;
    private static final int LEGEND_ROW = 20;
    /** One colour per run when several runs share a chart (colour-blind-safe palette). */
    static final String[] RUN_COLOURS = {"#d55e00", "#0072b2", "#009e73", "#cc79a7", "#e69f00", "#56b4e9", "#000000", "#999999"};

    private SvgChart() {
    }

    /** {@code colours[i]} draws {@code runs.get(i)}. All runs must share time axis and parameters. */
    static String render(String key, List<CascadeResult> runs, List<String> colours) {
        if (runs.isEmpty() || colours.size() < runs.size()) throw new IllegalArgumentException("one colour per run");
        CascadeResult first = runs.get(0);
        Series head = first.series(key);
        long[] times = first.timesMs();
        long endMs = first.parameters().runMs();
        double yStep = tickStep(runs.stream().mapToDouble(r -> r.series(key).yMax()).max().orElse(head.yMax()));
        int ySteps = (int) Math.ceil(runs.stream().mapToDouble(r -> r.series(key).yMax()).max().orElse(head.yMax()) / yStep - 1e-9);
        double yMax = yStep * ySteps;
        IncidentClock clock = first.clock();
        double plotW = WIDTH - LEFT - RIGHT;
        double plotH = HEIGHT - TOP - BOTTOM;
        java.util.function.LongToDoubleFunction x = t -> LEFT + plotW * t / endMs;
        java.util.function.DoubleUnaryOperator y = v -> TOP + plotH * (1 - Math.min(v, yMax) / yMax);

        // Several runs get a legend row under the axis title; the plot keeps its size.
        int height = HEIGHT + (runs.size() > 1 ? LEGEND_ROW : 0);
        StringBuilder s = new StringBuilder(16_384);
        s.append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"").append(WIDTH).append("\" height=\"").append(height)
                .append("\" viewBox=\"0 0 ").append(WIDTH).append(' ').append(height)
                .append("\" font-family=\"Helvetica, Arial, sans-serif\" font-size=\"11\" role=\"img\">\n");
        s.append("<title>").append(Xml.escape(head.title() + " (" + head.unit() + ")")).append("</title>\n");
        s.append("<rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>\n");
        s.append(text(LEFT, 18, head.title(), "start", "font-size=\"15\" font-weight=\"bold\" fill=\"#222\""));
        s.append(text(LEFT, 32, head.unit() + " · " + runsCaption(runs), "start", "fill=\"#555\""));

        // The outage(s) of the first run, shaded behind everything.
        first.summary().endpointEmptyAtMs().ifPresent(from -> {
            long to = first.summary().endpointRestoredAtMs().orElse(endMs);
            s.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%.1f\" fill=\"#fde0dc\"/>%n",
                    x.applyAsDouble(from), TOP, x.applyAsDouble(to) - x.applyAsDouble(from), plotH));
        });

        // Horizontal grid with y labels on round numbers.
        for (int i = 0; i <= ySteps; i++) {
            double v = yStep * i;
            double yy = y.applyAsDouble(v);
            s.append(line(LEFT, yy, LEFT + plotW, yy, "#e4e4e4", null));
            s.append(text(LEFT - 6, yy + 4, number(v), "end", "fill=\"#444\""));
        }
        // Vertical ticks, one per incident hour, labelled with the PDT clock.
        long hourMs = first.parameters().virtualMsPerIncidentHour();
        for (long t = 0; t <= endMs; t += hourMs) {
            double xx = x.applyAsDouble(t);
            s.append(line(xx, TOP, xx, TOP + plotH, "#f0f0f0", null));
            s.append(line(xx, TOP + plotH, xx, TOP + plotH + 4, "#444", null));
            s.append(text(xx, TOP + plotH + 16, clock.label(t), "middle", "fill=\"#444\""));
        }
        s.append(text(LEFT + plotW / 2, HEIGHT - 10,
                "incident time, PDT, 19–20 Oct 2025 (simulated: 1 virtual minute = 1 incident hour)", "middle", "fill=\"#555\""));
        s.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"%.1f\" fill=\"none\" stroke=\"#888\"/>%n",
                LEFT, TOP, plotW, plotH));

        for (Series.Reference ref : head.references()) {
            double yy = y.applyAsDouble(ref.value());
            s.append(line(LEFT, yy, LEFT + plotW, yy, "#555", "5,4"));
            s.append(text(LEFT + plotW + 4, yy + 4, ref.label(), "start", "fill=\"#333\""));
        }

        // Marked moments: dashed verticals first, then their labels in a strip above the plot,
        // alternating between two rows and drawn with a white halo, so that a neighbour's line or
        // label never runs through the text and no label hides the data.
        List<Moment> moments = first.moments();
        for (Moment m : moments) {
            double xx = x.applyAsDouble(m.timeMs());
            s.append(line(xx, TOP - 28, xx, TOP + plotH, "#b00020", "3,3"));
        }
        for (int i = 0; i < moments.size(); i++) {
            Moment m = moments.get(i);
            double baseline = i % 2 == 0 ? TOP - 19 : TOP - 6;
            s.append(text(x.applyAsDouble(m.timeMs()) + 3, baseline, m.label(), "start",
                    "fill=\"#b00020\" font-size=\"10\" stroke=\"#ffffff\" stroke-width=\"3\" paint-order=\"stroke\""));
        }

        for (int r = 0; r < runs.size(); r++) {
            Series series = runs.get(r).series(key);
            StringBuilder points = new StringBuilder(series.size() * 14);
            points.append(String.format(Locale.ROOT, "%.1f,%.1f", x.applyAsDouble(0), y.applyAsDouble(series.value(0))));
            for (int i = 0; i < series.size(); i++) {
                points.append(String.format(Locale.ROOT, " %.1f,%.1f", x.applyAsDouble(times[i]), y.applyAsDouble(series.value(i))));
            }
            if (runs.size() == 1) {
                s.append("<polygon points=\"").append(String.format(Locale.ROOT, "%.1f,%.1f ", x.applyAsDouble(0), y.applyAsDouble(0)))
                        .append(points).append(String.format(Locale.ROOT, " %.1f,%.1f", x.applyAsDouble(times[times.length - 1]),
                                y.applyAsDouble(0)))
                        .append("\" fill=\"").append(colours.get(r)).append("\" fill-opacity=\"0.08\" stroke=\"none\"/>\n");
            }
            s.append("<polyline points=\"").append(points).append("\" fill=\"none\" stroke=\"").append(colours.get(r))
                    .append("\" stroke-width=\"2\" stroke-linejoin=\"round\"/>\n");
        }
        if (runs.size() > 1) {
            double lx = LEFT;
            double ly = height - 8;
            for (int r = 0; r < runs.size(); r++) {
                String label = runs.get(r).options().slug();
                s.append(line(lx, ly - 4, lx + 18, ly - 4, colours.get(r), null).replace("stroke-width=\"1\"", "stroke-width=\"3\""));
                s.append(text(lx + 22, ly, label, "start", "fill=\"#222\""));
                lx += 22 + 6.5 * label.length() + 18; // ~6.5 px per character at 11 px
            }
        }
        s.append("</svg>\n");
        return s.toString();
    }

    private static String runsCaption(List<CascadeResult> runs) {
        if (runs.size() > 1) return runs.size() + " runs";
        CascadeOptions o = runs.get(0).options();
        return o.toString();
    }

    private static String line(double x1, double y1, double x2, double y2, String colour, String dash) {
        return String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" stroke-width=\"1\"%s/>%n",
                x1, y1, x2, y2, colour, dash == null ? "" : " stroke-dasharray=\"" + dash + "\"");
    }

    private static String text(double x, double y, String content, String anchor, String attributes) {
        return String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\" %s>%s</text>%n",
                x, y, anchor, attributes, Xml.escape(content));
    }

    /** A round step (1, 2 or 5 times a power of ten) that divides 0..top into at most five parts. */
    static double tickStep(double top) {
        if (!(top > 0)) throw new IllegalArgumentException("top must be > 0");
        double raw = top / 5;
        double pow = Math.pow(10, Math.floor(Math.log10(raw)));
        for (double m : new double[] {1, 2, 5}) {
            if (m * pow >= raw - 1e-9 * pow) return m * pow;
        }
        return 10 * pow;
    }

    static String number(double v) {
        if (v == Math.rint(v)) return Long.toString((long) v);
        return String.format(Locale.ROOT, "%.1f", v);
    }
}
