package io.iocert.certifier.stats;

import io.iocert.results.Measurement;
import io.iocert.results.Rounds;
import java.util.Locale;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * On demand (its name is not a test's): adaptive looks with the error allowance spent as t^p over
 * four looks, for p = 2 (today's {@code Looks}), 3 and 4. Each run probes up to four rounds,
 * combined as {@link Rounds#combine} combines them, and stops at its first conclusive look. Prints,
 * per scenario and margin, the share of runs right, wrong, and the mean number of rounds probed.
 * {@code mvn -pl certifier-simulations -am test -Dtest=SpendingTable -Dsurefire.failIfNoSpecifiedTests=false}
 */
class SpendingTable {
    private static final int RUNS = 300;

    @Test
    void table() {
        System.out.println("scenario | margin | p=2 right/wrong/rounds | p=3 | p=4");
        for (double margin : new double[] {1 / 1.03, 1.03, 2, 10}) {
            line("hiccups 1.5%, 1500 a round", Scenarios.modulatedHiccups(0.015), 1_500, 0.99, margin, 1);
            line(
                    "short stalls (runs of 5), 500 a round",
                    Scenarios.of(Synthetic.bursty(0.03, 5)),
                    500,
                    0.99,
                    margin,
                    2);
            line(
                    "short stalls (runs of 20), 2000 a round",
                    Scenarios.of(Synthetic.bursty(0.03, 20)),
                    2_000,
                    0.99,
                    margin,
                    3);
            line("trend +-10%, 500 a round", Scenarios.trend(0.1), 500, 0.9, margin, 4);
            line("independent, 500 a round", Scenarios.of(Synthetic.independent(0.03)), 500, 0.9, margin, 5);
        }
    }

    private static void line(String name, Scenarios.Source src, int perRound, double q, double margin, long seed) {
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%-42s %5.2f", name, margin));
        for (int p = 2; p <= 4; p++) {
            SplittableRandom r = new SplittableRandom(seed);
            double truth = src.truth(q);
            double threshold = truth * margin; // lower is better: the node meets it when margin > 1
            boolean meets = margin > 1;
            int right = 0;
            int wrong = 0;
            long rounds = 0;
            for (int run = 0; run < RUNS; run++) {
                Measurement m = null;
                for (int look = 1; look <= 4; look++) {
                    Measurement next = src.draw(r, perRound);
                    m = m == null ? next : Rounds.combine(m, next);
                    rounds++;
                    // Looks' rule with t^p: this look spends f(look/4) - f((look-1)/4) of alpha.
                    double alpha = 0.05 * (Math.pow(look / 4.0, p) - Math.pow((look - 1) / 4.0, p));
                    Estimate e = Estimators.quantile(Sample.of(m).orElseThrow(), q, 1 - alpha);
                    boolean pass = e.high() <= threshold;
                    boolean fail = e.low() > threshold;
                    if (pass || fail) {
                        if (pass == meets) {
                            right++;
                        } else {
                            wrong++;
                        }
                        break;
                    }
                }
            }
            sb.append(String.format(
                    Locale.ROOT,
                    "  %5.1f/%4.1f/%.2f",
                    100.0 * right / RUNS,
                    100.0 * wrong / RUNS,
                    (double) rounds / RUNS));
        }
        System.out.println(sb);
    }
}
