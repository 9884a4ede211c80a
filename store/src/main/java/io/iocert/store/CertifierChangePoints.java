package io.iocert.store;

import io.iocert.certifier.stats.ChangePoints;
import java.util.List;

/**
 * The certifier's change-point method for short series ({@link ChangePoints#detectShort}: binary
 * segmentation with a CUSUM statistic over a long-run standard deviation, each test's critical
 * value simulated for its segment's length, so every split is significant at the stated
 * false-alarm rate with runs correlated up to AR(1) 0.6; docs/statistics.md) behind the store's
 * {@link ChangeDetector}. A node's history is tens of runs, not the thousands of intervals the
 * asymptotic critical value is right for.
 */
final class CertifierChangePoints implements ChangeDetector {
    @Override
    public Segmentation detect(double[] series, double falseAlarmRate, int minSegment, double confidence) {
        ChangePoints.Segmentation s = ChangePoints.detectShort(series, falseAlarmRate, minSegment, confidence);
        List<Level> levels = s.segments().stream()
                .map(x -> new Level(x.from(), x.to(), x.mean(), x.low(), x.high()))
                .toList();
        List<Shift> shifts = s.changes().stream()
                .map(c -> new Shift(c.at(), c.shift(), c.low(), c.high()))
                .toList();
        return new Segmentation(levels, shifts, s.falseAlarmRate());
    }
}
