package io.iocert.certifier;

import io.iocert.certifier.stats.ChangePoints;
import io.iocert.results.IntervalSeries;
import io.iocert.results.Measurement;
import io.iocert.spec.Dimension;
import io.iocert.spec.Quantity;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Regimes of an interval series: runs of intervals at one level, split where the level changed
 * (a volume's burst credits ran out, a warm-up ended), found by {@link ChangePoints} at a
 * false-alarm rate of {@link #FALSE_ALARM_RATE}. Detection runs on the logarithm of the rates,
 * where a burst and its baseline vary alike in proportion; each regime's rate and interval are
 * on the rates themselves.
 *
 * <p><b>Stalls.</b> A short run of intervals far below the level around it (a write the device
 * held for a second) is not a regime, and left in it makes the whole series look so
 * irregular that a real change hides behind it (one second-long stall near the end of a 12-s run
 * hid a 4x drop in a ground-truth test). So detection skips stalls: maximal stretches of at most
 * {@link #maxStall} intervals, each below an eighth of the median of the intervals within twice
 * that distance ({@link #STALL_FACTOR}), gaps of fewer than {@link #MIN_REGIME} ordinary
 * intervals between them joined, with at least {@link #STALL_NEIGHBOURS} ordinary intervals on
 * both sides (a low run that ends the series is a regime, however short). A stall belongs to the
 * regime it falls in: its intervals count in that regime's verdicts, not in its rate.
 */
public final class Regimes {
    /** The chance of reporting a change in a series that has none. */
    public static final double FALSE_ALARM_RATE = 0.05;
    /** No regime is shorter than this many intervals. */
    public static final int MIN_REGIME = 5;
    /** A stall's intervals lie below this fraction of the level around them. */
    static final double STALL_FACTOR = 0.125;
    /** Ordinary intervals a stall needs on each side. */
    static final int STALL_NEIGHBOURS = 2;

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
        for (int i = 0; i < v.length; i++) {
            Double x = s.values().get(i);
            if (x == null || !Double.isFinite(x) || x < 0) {
                return List.of();
            }
            v[i] = x;
        }
        if (v.length == 0) {
            return List.of();
        }
        boolean[] stall = stalls(v);
        int[] kept = new int[v.length];
        int k = 0;
        for (int i = 0; i < v.length; i++) {
            if (!stall[i]) {
                kept[k++] = i;
            }
        }
        double[] level = new double[k];
        boolean positive = true;
        for (int j = 0; j < k; j++) {
            level[j] = v[kept[j]];
            positive &= level[j] > 0;
        }
        double[] scaled = level;
        if (positive) {
            scaled = new double[k];
            for (int j = 0; j < k; j++) {
                scaled[j] = Math.log(level[j]);
            }
        }
        ChangePoints.Segmentation found = ChangePoints.detect(scaled, FALSE_ALARM_RATE, MIN_REGIME, confidence);
        List<IntervalSeries.Regime> out = new ArrayList<>();
        for (ChangePoints.Segment seg : found.segments()) {
            ChangePoints.Segment linear = ChangePoints.summarize(level, seg.from(), seg.to(), confidence);
            int from = seg.from() == 0 ? 0 : kept[seg.from()];
            int to = seg.to() == k ? v.length : kept[seg.to()];
            out.add(new IntervalSeries.Regime(from, to, linear.mean(), Math.max(0, linear.low()), linear.high()));
        }
        return List.copyOf(out);
    }

    /** The longest stall in a series of {@code n} intervals: an eighth of it, at least 2 x MIN_REGIME, at most 30. */
    static int maxStall(int n) {
        return Math.max(2 * MIN_REGIME, Math.min(n / 8, 30));
    }

    /** Which intervals of {@code v} belong to a stall (see the class comment). */
    static boolean[] stalls(double[] v) {
        int n = v.length;
        int longest = maxStall(n);
        int reach = 2 * longest;
        boolean[] low = new boolean[n];
        double[] window = new double[2 * reach + 1];
        double max = Arrays.stream(v).max().orElse(0);
        for (int i = 0; i < n; i++) {
            if (!(v[i] < STALL_FACTOR * max)) {
                continue; // no median around it exceeds the series' largest value
            }
            int from = Math.max(0, i - reach);
            int to = Math.min(n, i + reach + 1);
            System.arraycopy(v, from, window, 0, to - from);
            Arrays.sort(window, 0, to - from);
            int m = to - from;
            double median = m % 2 == 1 ? window[m / 2] : (window[m / 2 - 1] + window[m / 2]) / 2;
            low[i] = v[i] < STALL_FACTOR * median;
        }
        boolean[] stall = new boolean[n];
        int i = 0;
        while (i < n) {
            if (!low[i]) {
                i++;
                continue;
            }
            // A stretch of low intervals, gaps of fewer than MIN_REGIME ordinary ones joined.
            int start = i;
            int end = i + 1;
            int j = end;
            while (j < n) {
                if (low[j]) {
                    end = ++j;
                } else if (j - end + 1 >= MIN_REGIME) {
                    break;
                } else {
                    j++;
                }
            }
            if (end - start <= longest && start >= STALL_NEIGHBOURS && n - end >= STALL_NEIGHBOURS) {
                Arrays.fill(stall, start, end, true);
            }
            i = end;
        }
        return stall;
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
