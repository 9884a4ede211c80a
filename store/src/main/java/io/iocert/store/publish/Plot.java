package io.iocert.store.publish;

import io.iocert.spec.Dimension;
import io.iocert.spec.Quantity;
import io.iocert.store.Drift;
import java.util.Locale;

/**
 * A statistic's history as inline SVG, in the certifier's report style: one point per run
 * (coloured by its verdict) with its confidence interval, the spec's threshold, each level drift
 * finds as a line across its runs over its interval band, and each change as a dashed vertical line.
 * Time runs left to right on a linear axis.
 */
final class Plot {
    static final int WIDTH = 760;
    static final int HEIGHT = 260;
    private static final int LEFT = 84;
    private static final int RIGHT = 16;
    private static final int TOP = 14;
    private static final int BOTTOM = 40;

    private Plot() {}

    static String history(Drift d) {
        Dimension dim = Dimension.ofUnit(d.unit() == null ? "" : d.unit()).orElse(Dimension.RATIO);
        long t0 = d.points().get(0).at().toEpochMilli();
        long t1 = d.points().get(d.points().size() - 1).at().toEpochMilli();
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (Drift.Point p : d.points()) {
            lo = Math.min(lo, finiteOr(p.low(), p.value()));
            hi = Math.max(hi, finiteOr(p.high(), p.value()));
        }
        if (Double.isFinite(d.threshold())) {
            lo = Math.min(lo, d.threshold());
            hi = Math.max(hi, d.threshold());
        }
        double pad = (hi - lo) * 0.08 + (hi == lo ? Math.abs(hi) * 0.1 + 1 : 0);
        final double ymin = Math.max(lo >= 0 ? 0 : Double.NEGATIVE_INFINITY, lo - pad);
        final double ymax = hi + pad;
        double plotW = WIDTH - LEFT - RIGHT;
        double plotH = HEIGHT - TOP - BOTTOM;
        java.util.function.LongToDoubleFunction x = t -> LEFT + (t1 == t0 ? plotW / 2 : (t - t0) * plotW / (t1 - t0));
        java.util.function.DoubleUnaryOperator y = v -> TOP + plotH - (v - ymin) * plotH / (ymax - ymin);
        StringBuilder svg = new StringBuilder();
        svg.append("<svg class=\"history\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 ")
                .append(WIDTH)
                .append(' ')
                .append(HEIGHT)
                .append("\" role=\"img\" aria-label=\"")
                .append(Catalogue.html(d.label()))
                .append(" over time\">\n");
        for (int i = 0; i <= 4; i++) {
            double v = ymin + (ymax - ymin) * i / 4;
            double yy = y.applyAsDouble(v);
            svg.append(line("grid", LEFT, yy, WIDTH - RIGHT, yy))
                    .append(text("tick", LEFT - 6, yy + 4, "end", new Quantity(v, dim).format()));
        }
        svg.append(line("axis", LEFT, TOP + plotH, WIDTH - RIGHT, TOP + plotH));
        svg.append(line("axis", LEFT, TOP, LEFT, TOP + plotH));
        svg.append(text(
                "tick",
                LEFT,
                HEIGHT - BOTTOM + 18,
                "start",
                d.points().get(0).at().toString().substring(0, 10)));
        svg.append(text(
                "tick",
                WIDTH - RIGHT,
                HEIGHT - BOTTOM + 18,
                "end",
                d.points().get(d.points().size() - 1).at().toString().substring(0, 10)));
        svg.append(text(
                "axis-label",
                LEFT + plotW / 2,
                HEIGHT - 6,
                "middle",
                d.statistic() + " " + d.metric() + " per certification"));
        for (Drift.Level l : d.levels()) {
            double xa = x.applyAsDouble(l.start().toEpochMilli());
            double xb = x.applyAsDouble(l.end().toEpochMilli());
            if (xb - xa < 4) {
                xa -= 2;
                xb += 2;
            }
            if (Double.isFinite(l.low()) && Double.isFinite(l.high())) {
                double ya = y.applyAsDouble(clamp(l.high(), ymin, ymax));
                double yb = y.applyAsDouble(clamp(l.low(), ymin, ymax));
                svg.append("<rect class=\"band\" x=\"")
                        .append(num(xa))
                        .append("\" y=\"")
                        .append(num(ya))
                        .append("\" width=\"")
                        .append(num(xb - xa))
                        .append("\" height=\"")
                        .append(num(Math.max(1, yb - ya)))
                        .append("\"/>\n");
            }
            double yl = y.applyAsDouble(clamp(l.value(), ymin, ymax));
            svg.append("<line class=\"level\" data-value=\"")
                    .append(io.iocert.results.Numbers.measured(l.value()))
                    .append("\" x1=\"")
                    .append(num(xa))
                    .append("\" y1=\"")
                    .append(num(yl))
                    .append("\" x2=\"")
                    .append(num(xb))
                    .append("\" y2=\"")
                    .append(num(yl))
                    .append("\"><title>level ")
                    .append(Catalogue.html(new Quantity(l.value(), dim).formatWithInterval(l.low(), l.high())))
                    .append(" over ")
                    .append(l.runs())
                    .append(" runs</title></line>\n");
        }
        if (Double.isFinite(d.threshold())) {
            double yt = y.applyAsDouble(d.threshold());
            svg.append(line("threshold-line", LEFT, yt, WIDTH - RIGHT, yt))
                    .append(text(
                            "threshold-label",
                            WIDTH - RIGHT - 4,
                            yt - 4,
                            "end",
                            d.comparator() + " " + new Quantity(d.threshold(), dim).format()));
        }
        for (Drift.Step s : d.steps()) {
            double xc = (x.applyAsDouble(s.lastBefore().toEpochMilli())
                            + x.applyAsDouble(s.firstAfter().toEpochMilli()))
                    / 2;
            svg.append("<line class=\"change-line\" x1=\"")
                    .append(num(xc))
                    .append("\" y1=\"")
                    .append(TOP)
                    .append("\" x2=\"")
                    .append(num(xc))
                    .append("\" y2=\"")
                    .append(num(TOP + plotH))
                    .append("\"><title>")
                    .append(Catalogue.html(d.describe(s)))
                    .append("</title></line>\n");
        }
        for (Drift.Point p : d.points()) {
            double xp = x.applyAsDouble(p.at().toEpochMilli());
            if (Double.isFinite(p.low()) && Double.isFinite(p.high())) {
                svg.append(line(
                        "ci",
                        xp,
                        y.applyAsDouble(clamp(p.low(), ymin, ymax)),
                        xp,
                        y.applyAsDouble(clamp(p.high(), ymin, ymax))));
            }
            svg.append("<circle class=\"point v-")
                    .append(Catalogue.html(p.verdict()))
                    .append("\" r=\"4\" cx=\"")
                    .append(num(xp))
                    .append("\" cy=\"")
                    .append(num(y.applyAsDouble(clamp(p.value(), ymin, ymax))))
                    .append("\" data-result=\"")
                    .append(p.resultId())
                    .append("\" data-value=\"")
                    .append(io.iocert.results.Numbers.measured(p.value()))
                    .append("\"><title>")
                    .append(Catalogue.html(p.at() + ": " + new Quantity(p.value(), dim).format() + " " + p.verdict()))
                    .append("</title></circle>\n");
        }
        return svg.append("</svg>\n").toString();
    }

    private static double finiteOr(double v, double fallback) {
        return Double.isFinite(v) ? v : fallback;
    }

    private static double clamp(double v, double lo, double hi) {
        return Math.max(lo, Math.min(hi, v));
    }

    private static String line(String cls, double x1, double y1, double x2, double y2) {
        return "<line class=\"" + cls + "\" x1=\"" + num(x1) + "\" y1=\"" + num(y1) + "\" x2=\"" + num(x2) + "\" y2=\""
                + num(y2) + "\"/>\n";
    }

    private static String text(String cls, double x, double y, String anchor, String content) {
        return "<text class=\"" + cls + "\" x=\"" + num(x) + "\" y=\"" + num(y) + "\" text-anchor=\"" + anchor + "\">"
                + Catalogue.html(content) + "</text>\n";
    }

    private static String num(double v) {
        return String.format(Locale.ROOT, "%.1f", v);
    }
}
