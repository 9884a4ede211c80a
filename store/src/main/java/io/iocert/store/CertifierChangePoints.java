package io.iocert.store;

import io.iocert.certifier.stats.ChangePoints;
import java.util.List;

/**
 * The certifier's change-point method ({@link ChangePoints}: binary segmentation with a CUSUM
 * statistic over a long-run standard deviation, every split significant at the stated
 * false-alarm rate; docs/statistics.md) behind the store's {@link ChangeDetector}.
 */
final class CertifierChangePoints implements ChangeDetector {
    @Override
    public Segmentation detect(double[] series, double falseAlarmRate, int minSegment, double confidence) {
        ChangePoints.Segmentation s = ChangePoints.detect(series, falseAlarmRate, minSegment, confidence);
        List<Level> levels = s.segments().stream().map(x -> new Level(x.from(), x.to(), x.mean(), x.low(), x.high()))
                .toList();
        List<Shift> shifts = s.changes().stream().map(c -> new Shift(c.at(), c.shift(), c.low(), c.high())).toList();
        return new Segmentation(levels, shifts, s.falseAlarmRate());
    }
}
