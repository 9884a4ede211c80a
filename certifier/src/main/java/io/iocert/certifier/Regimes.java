package io.iocert.certifier;

import io.iocert.certifier.stats.ChangePoints;
import io.iocert.results.IntervalSeries;
import io.iocert.results.Measurement;
import io.iocert.spec.Dimension;
import io.iocert.spec.Quantity;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Regimes of an interval series: runs of intervals at one level, split where the level changed
 * (a volume's burst credits ran out, a warm-up ended), found by {@link ChangePoints} at a
 * false-alarm rate of {@link #FALSE_ALARM_RATE}. Detection runs on the logarithm of the rates,
 * where a burst and its baseline vary alike in proportion; each regime's rate and interval are
 * on the rates themselves.
 */
public final class Regimes {
    /** The chance of reporting a change in a series that has none. */
    public static final double FALSE_ALARM_RATE = 0.05;
    /** No regime is shorter than this many intervals. */
    public static final int MIN_REGIME = 5;

    private Regimes() {}

    /**
     * The regimes of {@code s} at {@code confidence}: those the series records (run and probe
     * record them with this method), else found now; one regime when no change is found, empty
     * for unusable values.
     */
    public static List<IntervalSeries.Regime> of(IntervalSeries s, double confidence) {
        if (!s.regimes().isEmpty()) {
            return s.regimes();
        }
        double[] v = new double[s.values().size()];
        boolean positive = true;
        for (int i = 0; i < v.length; i++) {
            Double x = s.values().get(i);
            if (x == null || !Double.isFinite(x) || x < 0) {
                return List.of();
            }
            v[i] = x;
            positive &= x > 0;
        }
        if (v.length == 0) {
            return List.of();
        }
        double[] scaled = v;
        if (positive) {
            scaled = new double[v.length];
            for (int i = 0; i < v.length; i++) {
                scaled[i] = Math.log(v[i]);
            }
        }
        ChangePoints.Segmentation found = ChangePoints.detect(scaled, FALSE_ALARM_RATE, MIN_REGIME, confidence);
        List<IntervalSeries.Regime> out = new ArrayList<>();
        for (ChangePoints.Segment seg : found.segments()) {
            ChangePoints.Segment linear = ChangePoints.summarize(v, seg.from(), seg.to(), confidence);
            out.add(new IntervalSeries.Regime(
                    seg.from(), seg.to(), linear.mean(), Math.max(0, linear.low()), linear.high()));
        }
        return List.copyOf(out);
    }

    /** The measurement's interval series with its regimes recorded; the measurement unchanged when it has none. */
    public static Measurement recorded(Measurement m, double confidence) {
        IntervalSeries s = m.intervals();
        if (s == null || s.values().isEmpty()) {
            return m;
        }
        return m.withIntervals(s.withRegimes(of(s, confidence)));
    }

    /** The same measurement reduced to its final regime's intervals (regimes dropped). */
    static Measurement finalRegime(Measurement m, IntervalSeries.Regime last) {
        IntervalSeries s = m.intervals();
        return m.withIntervals(new IntervalSeries(s.intervalNs(), s.values().subList(last.from(), last.to())));
    }

    /** "200 MB/s, then 50 MB/s from 10.0 s": the regimes in words. */
    static String describe(List<IntervalSeries.Regime> regimes, long intervalNs, Dimension dim) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < regimes.size(); i++) {
            IntervalSeries.Regime r = regimes.get(i);
            if (i > 0) {
                sb.append(", then ");
            }
            sb.append(new Quantity(r.rate(), dim).format());
            if (i > 0) {
                sb.append(" from ").append(seconds(r.startNs(intervalNs)));
            }
        }
        return sb.toString();
    }

    static String seconds(long ns) {
        return String.format(Locale.ROOT, "%.1f s", ns / 1e9);
    }
}
