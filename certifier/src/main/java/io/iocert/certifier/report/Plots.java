package io.iocert.certifier.report;

import io.iocert.certifier.Evidence;
import io.iocert.certifier.RequirementVerdict;
import io.iocert.results.IntervalSeries;
import io.iocert.spec.Statistic;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Inline SVG plots for the HTML report, drawn server-side so the page needs no script and no
 * network to show them.
 *
 * <p>The percentile spectrum puts the percentile on a log-odds axis (log10 of q / (1 - q)),
 * which spreads both tails: 99%, 99.9% and 99.99% are as far apart as 1%, 0.1% and 0.01%, so
 * the tail a latency requirement is about and the low end a throughput requirement is about
 * are both legible. Values go on a log axis when they span more than a factor of 20, else a
 * linear one. The confidence band is clipped to the plot where it is unbounded.
 */
final class Plots {
    static final int WIDTH = 760;
    static final int HEIGHT = 300;
    private static final int LEFT = 84;
    private static final int RIGHT = 16;
    private static final int TOP = 14;
    private static final int BOTTOM = 44;
    private static final double[] PERCENTILE_TICKS = {
        0.0001, 0.001, 0.01, 0.1, 0.5, 0.9, 0.99, 0.999, 0.9999, 0.99999, 0.999999
    };

    private Plots() {}

    /** The percentile spectrum of {@code e} with the thresholds and estimates of {@code verdicts} on it. */
    static String spectrum(Evidence e, List<RequirementVerdict> verdicts) {
        List<Evidence.Point> pts = e.spectrum();
        if (pts.isEmpty()) {
            return "";
        }
        double xMin = logOdds(pts.get(0).q());
        double xMax = logOdds(pts.get(pts.size() - 1).q());
        List<Double> ys = new ArrayList<>();
        for (Evidence.Point p : pts) {
            ys.add(p.value());
            if (Double.isFinite(p.low())) {
                ys.add(p.low());
            }
            if (Double.isFinite(p.high())) {
                ys.add(p.high());
            }
        }
        List<RequirementVerdict> drawn =
                verdicts.stream().filter(Plots::onValueAxis).toList();
        drawn.forEach(v -> ys.add(v.threshold()));
        Scale y = Scale.of(ys);
        Frame f = new Frame(xMin, xMax, y);
        StringBuilder svg = open("plot spectrum", "Percentile spectrum of " + e.metric() + " for " + e.id());
        // Grid and axes.
        for (double q : PERCENTILE_TICKS) {
            double x = logOdds(q);
            if (x < xMin - 1e-9 || x > xMax + 1e-9) {
                continue;
            }
            double px = f.px(x);
            svg.append(line("grid", px, TOP, px, HEIGHT - BOTTOM));
            svg.append(text("tick x", px, HEIGHT - BOTTOM + 16, "middle", percentLabel(q)));
        }
        yAxis(svg, f, e.unit());
        svg.append(text(
                "axis-label", LEFT + (WIDTH - LEFT - RIGHT) / 2.0, HEIGHT - 6, "middle", "percentile (log-odds axis)"));
        // Band: upper edge left to right, lower edge back.
        StringBuilder band = new StringBuilder();
        for (int i = 0; i < pts.size(); i++) {
            Evidence.Point p = pts.get(i);
            band.append(i == 0 ? "M" : "L").append(xy(f.px(logOdds(p.q())), f.py(p.high())));
        }
        for (int i = pts.size() - 1; i >= 0; i--) {
            Evidence.Point p = pts.get(i);
            band.append("L").append(xy(f.px(logOdds(p.q())), f.py(p.low())));
        }
        svg.append("<path class=\"band\" d=\"")
                .append(band)
                .append("Z\"><title>")
                .append(Html.escape(percentLabel(e.confidence()) + " confidence band (pointwise)"))
                .append("</title></path>\n");
        // The estimate.
        StringBuilder curve = new StringBuilder();
        StringBuilder readout = new StringBuilder("[");
        for (int i = 0; i < pts.size(); i++) {
            Evidence.Point p = pts.get(i);
            double px = f.px(logOdds(p.q()));
            double py = f.py(p.value());
            curve.append(i == 0 ? "M" : "L").append(xy(px, py));
            readout.append(i == 0 ? "" : ",")
                    .append('[')
                    .append(num(px))
                    .append(',')
                    .append(num(py))
                    .append(",\"")
                    .append(json(percentLabel(p.q()) + ": " + TextReportWriter.value(p.value(), e.unit()) + " ["
                            + bound(p.low(), e.unit()) + ", " + bound(p.high(), e.unit()) + "]"))
                    .append("\"]");
        }
        readout.append(']');
        svg.append("<path class=\"curve\" d=\"")
                .append(curve)
                .append("\" data-readout=\"")
                .append(Html.escape(readout.toString()))
                .append("\"/>\n");
        // Thresholds and the judged estimates.
        for (RequirementVerdict v : drawn) {
            thresholdLine(svg, f, v);
            Optional<Double> q = quantile(v.statistic());
            if (q.isPresent() && q.get() > 0 && q.get() < 1 && Double.isFinite(v.measured())) {
                double x = Math.max(xMin, Math.min(xMax, logOdds(q.get())));
                marker(svg, f, x, v);
            }
        }
        svg.append("<g class=\"hover\"><circle class=\"hover-dot\" r=\"4\" cx=\"-10\" cy=\"-10\"/>")
                .append("<text class=\"readout\" x=\"")
                .append(LEFT + 8)
                .append("\" y=\"")
                .append(TOP + 12)
                .append("\"></text></g>\n");
        return svg.append("</svg>\n").toString();
    }

    /** The interval series of {@code e} over time, with the thresholds of {@code verdicts}. */
    static String series(Evidence e, List<RequirementVerdict> verdicts) {
        IntervalSeries s = e.intervals();
        if (s == null || s.values().isEmpty()) {
            return "";
        }
        double step = s.intervalNs() / 1e9;
        int n = s.values().size();
        List<Double> ys = new ArrayList<>();
        s.values().stream().filter(v -> v != null && Double.isFinite(v)).forEach(ys::add);
        if (ys.isEmpty()) {
            return "";
        }
        List<RequirementVerdict> drawn =
                verdicts.stream().filter(Plots::onValueAxis).toList();
        drawn.forEach(v -> ys.add(v.threshold()));
        ys.add(0.0);
        Scale y = Scale.linear(ys);
        Frame f = new Frame(0, n * step, y);
        StringBuilder svg = open("plot series", e.metric() + " over time for " + e.id());
        for (double t : niceTicks(0, n * step, 8)) {
            double px = f.px(t);
            svg.append(line("grid", px, TOP, px, HEIGHT - BOTTOM));
            svg.append(text("tick x", px, HEIGHT - BOTTOM + 16, "middle", trim(t) + " s"));
        }
        yAxis(svg, f, e.unit());
        svg.append(text(
                "axis-label",
                LEFT + (WIDTH - LEFT - RIGHT) / 2.0,
                HEIGHT - 6,
                "middle",
                "time since the start of measurement (" + n + " intervals of "
                        + TextReportWriter.value(s.intervalNs(), "ns") + ")"));
        StringBuilder path = new StringBuilder();
        boolean pen = false;
        for (int i = 0; i < n; i++) {
            Double v = s.values().get(i);
            if (v == null || !Double.isFinite(v)) {
                pen = false;
                continue;
            }
            double py = f.py(v);
            path.append(pen ? "L" : "M")
                    .append(xy(f.px(i * step), py))
                    .append("L")
                    .append(xy(f.px((i + 1) * step), py));
            pen = true;
        }
        svg.append("<path class=\"curve\" d=\"").append(path).append("\"/>\n");
        for (RequirementVerdict v : drawn) {
            thresholdLine(svg, f, v);
        }
        return svg.append("</svg>\n").toString();
    }

    /** Whether a statistic is a value of the distribution itself (so its threshold belongs on the value axis). */
    static boolean onValueAxis(RequirementVerdict v) {
        return Statistic.parse(v.statistic())
                .map(s -> s.kind() != Statistic.Kind.STDDEV && s.kind() != Statistic.Kind.CV)
                .orElse(false);
    }

    private static Optional<Double> quantile(String statistic) {
        return Statistic.parse(statistic)
                .filter(s -> s.kind() == Statistic.Kind.PERCENTILE || s.kind() == Statistic.Kind.MEDIAN)
                .map(Statistic::quantile);
    }

    private static void thresholdLine(StringBuilder svg, Frame f, RequirementVerdict v) {
        double py = f.py(v.threshold());
        svg.append("<g class=\"threshold\" data-statistic=\"")
                .append(Html.escape(v.statistic()))
                .append("\" data-value=\"")
                .append(Double.toString(v.threshold()))
                .append("\">")
                .append(line("threshold-line", LEFT, py, WIDTH - RIGHT, py))
                .append(text(
                        "threshold-label",
                        WIDTH - RIGHT - 4,
                        py - 4,
                        "end",
                        v.statistic() + " " + TextReportWriter.threshold(v)))
                .append("</g>\n");
    }

    private static void marker(StringBuilder svg, Frame f, double x, RequirementVerdict v) {
        double px = f.px(x);
        svg.append("<g class=\"marker v-")
                .append(v.verdict().name())
                .append("\" data-statistic=\"")
                .append(Html.escape(v.statistic()))
                .append("\" data-verdict=\"")
                .append(v.verdict().name())
                .append("\">");
        if (v.ci() != null) {
            double lo = f.py(v.ci().low());
            double hi = f.py(v.ci().high());
            svg.append(line("ci", px, lo, px, hi))
                    .append(line("ci", px - 5, lo, px + 5, lo))
                    .append(line("ci", px - 5, hi, px + 5, hi));
        }
        svg.append("<circle cx=\"")
                .append(num(px))
                .append("\" cy=\"")
                .append(num(f.py(v.measured())))
                .append("\" r=\"4.5\"><title>")
                .append(Html.escape(v.statistic() + " = " + TextReportWriter.measured(v) + " "
                        + v.verdict().name()))
                .append("</title></circle></g>\n");
    }

    private static void yAxis(StringBuilder svg, Frame f, String unit) {
        for (double t : f.y.ticks()) {
            double py = f.py(t);
            svg.append(line("grid", LEFT, py, WIDTH - RIGHT, py));
            svg.append(text("tick y", LEFT - 6, py + 4, "end", TextReportWriter.value(t, unit)));
        }
        svg.append(line("axis", LEFT, TOP, LEFT, HEIGHT - BOTTOM))
                .append(line("axis", LEFT, HEIGHT - BOTTOM, WIDTH - RIGHT, HEIGHT - BOTTOM));
    }

    private static StringBuilder open(String cls, String label) {
        return new StringBuilder("<svg class=\"")
                .append(cls)
                .append("\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 ")
                .append(WIDTH)
                .append(' ')
                .append(HEIGHT)
                .append("\" width=\"")
                .append(WIDTH)
                .append("\" height=\"")
                .append(HEIGHT)
                .append("\" role=\"img\" aria-label=\"")
                .append(Html.escape(label))
                .append("\">\n");
    }

    private static String line(String cls, double x1, double y1, double x2, double y2) {
        return "<line class=\"" + cls + "\" x1=\"" + num(x1) + "\" y1=\"" + num(y1) + "\" x2=\"" + num(x2) + "\" y2=\""
                + num(y2) + "\"/>";
    }

    private static String text(String cls, double x, double y, String anchor, String content) {
        return "<text class=\"" + cls + "\" x=\"" + num(x) + "\" y=\"" + num(y) + "\" text-anchor=\"" + anchor + "\">"
                + Html.escape(content) + "</text>";
    }

    static double logOdds(double q) {
        return Math.log10(q / (1 - q));
    }

    /** "99.9%", "50%", "0.01%", "95.2%": two significant digits of the distance to the nearer end. */
    static String percentLabel(double q) {
        double p = q * 100;
        double tail = Math.min(p, 100 - p);
        int digits = tail > 0 ? Math.max(0, (int) Math.ceil(-Math.log10(tail)) + 1) : 0;
        return trim(String.format(Locale.ROOT, "%." + Math.min(digits, 9) + "f", p)) + "%";
    }

    private static String bound(double v, String unit) {
        return Double.isFinite(v) ? TextReportWriter.value(v, unit) : (v > 0 ? "\u221e" : "-\u221e");
    }

    private static String xy(double x, double y) {
        return num(x) + "," + num(y);
    }

    static String num(double v) {
        return String.format(Locale.ROOT, "%.1f", v);
    }

    private static String trim(double v) {
        return trim(String.format(Locale.ROOT, "%.3f", v));
    }

    private static String trim(String s) {
        if (s.indexOf('.') < 0) {
            return s;
        }
        s = s.replaceAll("0+$", "");
        return s.endsWith(".") ? s.substring(0, s.length() - 1) : s;
    }

    /** A string safe inside a JSON string literal (the readout data). */
    private static String json(String s) {
        StringBuilder sb = new StringBuilder();
        for (char c : s.toCharArray()) {
            if (c == '"' || c == '\\') {
                sb.append('\\').append(c);
            } else if (c < 0x20) {
                sb.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }

    /** Up to about {@code target} round ticks (1, 2, 5 times a power of ten) covering [lo, hi]. */
    static List<Double> niceTicks(double lo, double hi, int target) {
        List<Double> out = new ArrayList<>();
        if (!(hi > lo)) {
            out.add(lo);
            return out;
        }
        double raw = (hi - lo) / target;
        double mag = Math.pow(10, Math.floor(Math.log10(raw)));
        double step = mag;
        for (double m : new double[] {1, 2, 5, 10}) {
            if (m * mag >= raw) {
                step = m * mag;
                break;
            }
        }
        for (double t = Math.ceil(lo / step - 1e-9) * step; t <= hi + step * 1e-9; t += step) {
            out.add(Math.abs(t) < step * 1e-9 ? 0.0 : t);
        }
        return out;
    }

    /** The plotting area and its two scales. */
    private record Frame(double xMin, double xMax, Scale y) {
        double px(double x) {
            double span = xMax - xMin;
            return LEFT + (span > 0 ? (x - xMin) / span : 0.5) * (WIDTH - LEFT - RIGHT);
        }

        /** Pixel row of a value, clipped to the plot (an unbounded band end lands on the edge). */
        double py(double v) {
            double t = y.fraction(v);
            t = Math.max(0, Math.min(1, t));
            return HEIGHT - BOTTOM - t * (HEIGHT - TOP - BOTTOM);
        }
    }

    /** A value axis, logarithmic or linear. */
    record Scale(double lo, double hi, boolean log) {
        static Scale of(List<Double> values) {
            double min = values.stream()
                    .mapToDouble(Double::doubleValue)
                    .filter(Double::isFinite)
                    .min()
                    .orElse(0);
            double max = values.stream()
                    .mapToDouble(Double::doubleValue)
                    .filter(Double::isFinite)
                    .max()
                    .orElse(1);
            if (min > 0 && max / min > 20) {
                return new Scale(
                        Math.pow(10, Math.floor(Math.log10(min))), Math.pow(10, Math.ceil(Math.log10(max))), true);
            }
            return linear(values);
        }

        static Scale linear(List<Double> values) {
            double min = values.stream()
                    .mapToDouble(Double::doubleValue)
                    .filter(Double::isFinite)
                    .min()
                    .orElse(0);
            double max = values.stream()
                    .mapToDouble(Double::doubleValue)
                    .filter(Double::isFinite)
                    .max()
                    .orElse(1);
            double lo = min >= 0 && min < max * 0.5 ? 0 : min;
            double pad = (max - lo) * 0.08;
            if (!(pad > 0)) {
                pad = Math.abs(max) * 0.1 + 1;
            }
            return new Scale(lo == 0 ? 0 : lo - pad, max + pad, false);
        }

        double fraction(double v) {
            if (Double.isNaN(v)) {
                return 0;
            }
            if (v == Double.POSITIVE_INFINITY) {
                return 1;
            }
            if (v == Double.NEGATIVE_INFINITY) {
                return 0;
            }
            if (log) {
                return v <= 0 ? 0 : (Math.log10(v) - Math.log10(lo)) / (Math.log10(hi) - Math.log10(lo));
            }
            return (v - lo) / (hi - lo);
        }

        List<Double> ticks() {
            if (!log) {
                return niceTicks(lo, hi, 6);
            }
            List<Double> out = new ArrayList<>();
            int decades = (int) Math.round(Math.log10(hi / lo));
            double[] mult = decades <= 2 ? new double[] {1, 2, 5} : new double[] {1};
            int every = Math.max(1, (int) Math.ceil(decades / 8.0));
            for (int d = 0; d <= decades; d += every) {
                for (double m : mult) {
                    double t = lo * Math.pow(10, d) * m;
                    if (t <= hi * (1 + 1e-9)) {
                        out.add(t);
                    }
                }
            }
            return out;
        }
    }
}
