package io.iocert.certifier.stats;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Critical values of the change-point test ({@link ChangePoints#candidate}) for short series,
 * by simulation. Kolmogorov's value is the limit as the series grows; at 10 to 100 values the
 * statistic is spread wider than that, chiefly because its long-run variance comes from a few
 * values (an AR(1) correlation of 0.3 estimated from 12 values is as likely to read 0 as 0.5),
 * and the restriction to splits leaving {@code min} values each side changes it too.
 *
 * <p>For a segment of {@code n} values, splits of at least {@code min} each side and false-alarm
 * rate {@code alpha}: the {@code 1 - alpha} quantile of the statistic over
 * {@value #REPLICATES} simulated Gaussian series without a change, for each of the
 * {@link #PROCESSES}, and the largest of those. Each process is a state that follows an AR(1)
 * (a node's condition carrying over from one certification to the next) plus independent noise
 * (each run's own estimation error) holding a given share of the variance; the noise matters,
 * because it hides the correlation from the lag-1 estimate the long-run variance rests on. The
 * statistic does not depend on the series' level or scale, so these are the only parameters;
 * the seed is fixed, so the same series always gets the same answer. Correlation beyond the
 * largest simulated one is not covered (docs/statistics.md).
 *
 * <p>Drift's default level length (5 runs) at rates of 1%, 5% (the default) and 10% is looked up in
 * {@value #TABLE}, written
 * by this same simulation ({@code ShortSeriesCalibrationTest} checks that it still agrees and
 * rewrites it on request), so a drift command does not spend a second simulating; other rates
 * and level lengths are simulated when first asked for and kept for the process.
 */
final class ShortSeriesCalibration {
    /** The longest segment calibrated; longer ones use the asymptotic value. */
    static final int LONGEST = 200;
    /** Simulated series per correlation: the Monte Carlo error of a 5% rate is 0.34 points. */
    static final int REPLICATES = 4000;
    /** A simulated series: an AR(1) state with correlation {@code phi}, plus independent noise with {@code noiseShare} of the variance. */
    record Process(double phi, double noiseShare) {}

    /** The processes the critical value holds for: run-to-run correlation up to 0.6, with any share of noise. */
    static final List<Process> PROCESSES = List.of(
            new Process(0, 0),
            new Process(0.3, 0),
            new Process(0.3, 0.5),
            new Process(0.6, 0),
            new Process(0.6, 0.25),
            new Process(0.6, 0.5),
            new Process(0.6, 0.75));

    /** The resource holding the precomputed values: lines {@code alpha,min,n,critical}. */
    static final String TABLE = "short-series-critical.csv";

    private record Key(int n, int min, double alpha) {}

    private static final Map<Key, Double> CACHE = new ConcurrentHashMap<>(table());

    private ShortSeriesCalibration() {}

    private static Map<Key, Double> table() {
        Map<Key, Double> out = new HashMap<>();
        InputStream in = ShortSeriesCalibration.class.getResourceAsStream(TABLE);
        if (in == null) {
            return out;
        }
        try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.US_ASCII))) {
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                String[] f = line.split(",");
                out.put(
                        new Key(Integer.parseInt(f[2]), Integer.parseInt(f[1]), Double.parseDouble(f[0])),
                        Double.parseDouble(f[3]));
            }
        } catch (IOException | RuntimeException e) {
            // A damaged table only costs time: every value is simulated again when asked for.
            out.clear();
        }
        return out;
    }

    /** The critical value for a segment of {@code n} values, splits of at least {@code min}, rate {@code alpha}. */
    static double critical(int n, int min, double alpha) {
        return CACHE.computeIfAbsent(new Key(n, min, alpha), k -> simulate(k.n(), k.min(), k.alpha()));
    }

    /** The critical value by simulation, never from the table. */
    static double simulate(int n, int min, double alpha) {
        double worst = 0;
        for (int p = 0; p < PROCESSES.size(); p++) {
            worst = Math.max(worst, quantile(n, min, alpha, PROCESSES.get(p), REPLICATES, seed(n, min, p)));
        }
        return worst;
    }

    private static long seed(int n, int min, int process) {
        return n * 1_000_003L + min * 1_009L + process;
    }

    /** The {@code 1 - alpha} quantile of the statistic over {@code replicates} series of {@code process}. */
    static double quantile(int n, int min, double alpha, Process process, int replicates, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        double[] x = new double[n];
        double[] statistics = new double[replicates];
        double phi = process.phi();
        double innovation = Math.sqrt(1 - phi * phi);
        double state = Math.sqrt(1 - process.noiseShare());
        double noise = Math.sqrt(process.noiseShare());
        for (int r = 0; r < replicates; r++) {
            double y = gaussian(random);
            for (int i = 0; i < n; i++) {
                if (i > 0) {
                    y = phi * y + innovation * gaussian(random);
                }
                x[i] = state * y + (noise > 0 ? noise * gaussian(random) : 0);
            }
            ChangePoints.Candidate c = ChangePoints.candidate(x, 0, n, min);
            statistics[r] = c == null ? 0 : c.statistic();
        }
        Arrays.sort(statistics);
        // The smallest value exceeded by at most alpha of the replicates.
        int index = Math.min(replicates - 1, (int) Math.ceil((1 - alpha) * replicates) - 1);
        return statistics[Math.max(0, index)];
    }

    private static double gaussian(SplittableRandom random) {
        // Box-Muller: SplittableRandom has no nextGaussian on Java 17.
        double u = 1 - random.nextDouble();
        double v = random.nextDouble();
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    }
}
