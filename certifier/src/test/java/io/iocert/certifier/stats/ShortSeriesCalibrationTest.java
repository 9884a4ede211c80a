package io.iocert.certifier.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/**
 * The precomputed table of short-series critical values is what the simulation gives, and covers
 * drift's default level length at rates 1%, 5% (the default) and 10%. To rewrite it after changing the simulation:
 * {@code mvn -pl certifier -am test -Dtest=ShortSeriesCalibrationTest -Dsurefire.failIfNoSpecifiedTests=false
 * -Diocert.calibration.write=$PWD/certifier/src/main/resources/io/iocert/certifier/stats/short-series-critical.csv}
 * (about three minutes).
 */
class ShortSeriesCalibrationTest {
    private static final double ALPHA = 0.05;
    private static final int MIN = 5;
    /** The rates the table holds at drift's default level length: the default and its usual neighbours. */
    private static final double[] TABLED = {0.01, 0.05, 0.10};

    @Test
    void shouldHoldWhatTheSimulationGivesForDriftsDefaults() throws IOException {
        String write = System.getProperty("iocert.calibration.write");
        if (write != null && !write.isBlank()) {
            StringBuilder sb = new StringBuilder("# Short-series change-point critical values (ShortSeriesCalibration):"
                    + " alpha,min,n,critical\n");
            for (double alpha : TABLED) {
                for (int n = 2 * MIN; n <= ShortSeriesCalibration.LONGEST; n++) {
                    sb.append(String.format(
                            Locale.ROOT,
                            "%s,%d,%d,%s%n",
                            alpha,
                            MIN,
                            n,
                            ShortSeriesCalibration.simulate(n, MIN, alpha)));
                }
            }
            Files.writeString(Path.of(write), sb.toString(), StandardCharsets.US_ASCII);
        }
        try (InputStream in = ShortSeriesCalibration.class.getResourceAsStream(ShortSeriesCalibration.TABLE)) {
            assertNotNull(in, "the table resource");
            String table = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
            for (double alpha : TABLED) {
                for (int n = 2 * MIN; n <= ShortSeriesCalibration.LONGEST; n++) {
                    assertTrue(
                            table.contains(String.format(Locale.ROOT, "\n%s,%d,%d,", alpha, MIN, n)),
                            "alpha=" + alpha + " n=" + n);
                }
            }
        }
        // A few lengths simulated again: the table and the simulation agree to the last digit.
        for (int n : new int[] {10, 17, 40}) {
            assertEquals(
                    ShortSeriesCalibration.simulate(n, MIN, ALPHA),
                    ShortSeriesCalibration.critical(n, MIN, ALPHA),
                    "n=" + n);
        }
        assertEquals(ShortSeriesCalibration.simulate(12, MIN, 0.01), ShortSeriesCalibration.critical(12, MIN, 0.01));
    }

    @Test
    void shouldSimulateWhatTheTableDoesNotHold() {
        // 10% and levels of 4 runs are not in the table: simulated, larger than Kolmogorov's value.
        double c = ShortSeriesCalibration.critical(16, 4, 0.10);
        assertTrue(c > ChangePoints.kolmogorovQuantile(0.90), "c=" + c);
        assertEquals(c, ShortSeriesCalibration.simulate(16, 4, 0.10));
    }
}
