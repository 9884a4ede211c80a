package io.iocert.certifier.stats;

import io.iocert.results.Measurement;
import io.iocert.spec.Statistic;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.DoubleUnaryOperator;
import org.apache.commons.statistics.distribution.BetaDistribution;
import org.apache.commons.statistics.distribution.BinomialDistribution;
import org.apache.commons.statistics.distribution.NormalDistribution;
import org.apache.commons.statistics.distribution.TDistribution;

/**
 * Point estimates and confidence intervals of a statistic from a measurement. The methods and
 * their assumptions are described in {@code docs/statistics.md}; in short:
 *
 * <ul>
 *   <li><b>Quantiles</b> (median, pNN): distribution-free order-statistic bounds from the
 *   binomial distribution of the number of observations at or below the true quantile. When
 *   the sample has time batches, the count of observations is discounted by the design effect
 *   of the exceedance indicator, estimated from how much the batches' shares below the
 *   estimate vary (batch means), so clustered stalls do not count as independent evidence.</li>
 *   <li><b>Mean</b>: batch means with Student's t on the batches (their means are averages of
 *   many values, so skew in single values matters little), each end a test at that end whose
 *   variance gives the far values (beyond three times or a third of the median) the share that
 *   end needs of them; without batches, Student's t on the observations.</li>
 *   <li><b>Standard deviation and cv</b>: delete-one-batch jackknife with Student's t; without
 *   batches, the delta method from the sample's moments.</li>
 *   <li><b>Min and max</b>: only one side is known from a sample (the true maximum is at least
 *   the largest value seen); the other end is unbounded.</li>
 * </ul>
 *
 * <p>Point estimates: histogram quantiles, min and max are the highest value of their bucket
 * (they err high by at most the histogram's precision); quantiles of interval values use the
 * nearest rank, so "p10 >= 400 MB/s" reads "at least 90% of intervals ran at 400 MB/s or more".
 * Interval ends taken from a histogram are the outer edges of their buckets, so intervals err
 * wide, never narrow.
 */
public final class Estimators {
    private static final NormalDistribution NORMAL = NormalDistribution.of(0, 1);

    private Estimators() {}

    /** The estimate at {@code confidence}, or empty when the measurement has no observations. */
    public static Optional<Estimate> estimate(Measurement m, Statistic statistic, double confidence) {
        return Sample.of(m).map(s -> estimate(s, statistic, confidence));
    }

    public static Estimate estimate(Sample s, Statistic statistic, double confidence) {
        return estimate(s, statistic, confidence, null);
    }

    /**
     * A threshold a verdict compares an estimate with: its value, and whether the statistic must
     * stay at or below it ({@code upper}, a latency's "<= 10 ms") or at or above it.
     */
    public record Target(double value, boolean upper) {}

    /**
     * The estimate at {@code confidence} for a verdict against {@code target} (null: none). The
     * target only moves the far-cut bounds of a quantile ({@link #farCut}): where it lies beyond
     * {@link #TARGET_CUT_FACTOR} times the estimate, it is tested too. Every other interval is the
     * same as without it.
     */
    public static Estimate estimate(Sample s, Statistic statistic, double confidence, Target target) {
        return switch (statistic.kind()) {
            case MIN -> min(s, confidence);
            case MAX -> max(s, confidence);
            case MEAN -> mean(s, confidence);
            case STDDEV -> spread(s, confidence, false);
            case CV -> spread(s, confidence, true);
            case MEDIAN, PERCENTILE ->
                statistic.quantile() >= 1.0
                        ? max(s, confidence)
                        : quantile(s, statistic.quantile(), confidence, target);
        };
    }

    // ---- quantiles ----

    /** Sections must hold at least this many values beyond the quantile each, on average. */
    static final int TAIL_PER_SECTION = 5;
    /** Fewer sections than this: no sectioned interval (Student's t with fewer than 3 degrees of freedom is too wide to help). */
    static final int MIN_SECTIONS = 4;
    /** At most this many sections (the time blocks a result keeps). */
    static final int MAX_SECTIONS = 16;
    /** A value further than this factor from the estimate, on the quantile's side, marks a separate mode. */
    static final double SEPARATE_MODE = 3;
    /**
     * A verdict's threshold further than this factor from the estimate, on the side it bounds, is
     * tested as a far cut of its own ({@link #farCut}). Chosen by simulation (docs/statistics.md,
     * "Far-cut bounds"): 1.5 passed more nodes at 2x but more failing ones where the level shifts
     * strongly between parts of the run; 2 left a p99 with short stalls at 89% conclusive at 2x.
     */
    static final double TARGET_CUT_FACTOR = 1.75;
    /** Sections whose log-quantiles vary more than this (standard deviation) are not used. */
    static final double MAX_SECTION_SPREAD = 0.2;

    /**
     * The q-quantile. Up to three of four intervals, intersected, each at its own share of the error
     * allowance (Bonferroni: a wrong verdict needs one of them wrong, so the intersection keeps
     * the stated error bound when each keeps its own):
     * <ul>
     *   <li>order-statistic bounds on an effective count ({@link #orderStatistic}), which use only
     *   how many values lie on either side, so they hold for any distribution, and therefore cannot
     *   see that a threshold lies far beyond every value seen;</li>
     *   <li>log-scale sectioning ({@link #sectioned}), which uses how far values lie: each time
     *   section's own quantile, Student's t over the sections around the whole sample's estimate.
     *   The sections are as many as give each about {@link #TAIL_PER_SECTION} values beyond the
     *   quantile, so a section's quantile is its own tail's, not the luck of one value;</li>
     *   <li>tolerance bounds ({@link #tolerance}), only where sectioning cannot be used, which let
     *   the run's conditions vary between sections (a location that drifts, a rate that climbs, a
     *   neighbour that comes and goes) and bound the mixture they make, at
     *   {@link #TOLERANCE_SHARE} of the allowance: they settle thresholds far from the estimate
     *   when the order-statistic interval alone cannot;</li>
     *   <li>far-cut bounds ({@link #farCut}), also only where sectioning is not used and the sample
     *   has time batches, at {@link #FAR_CUT_SHARE} of the allowance: a test at a fixed factor
     *   {@link #SEPARATE_MODE} of the estimate, which isolated stalled intervals do not void.</li>
     * </ul>
     * Sectioning assumes the sections' log-quantiles scatter like a normal variable around the
     * whole run's; it is used only where the data give no sign against that: a continuous tail
     * ({@link #continuousTail}) and sections that agree within {@link #MAX_SECTION_SPREAD}.
     * Tolerance bounds need at least {@link #MIN_TOLERANCE_SECTIONS} sections with enough values
     * in each. So the interval is the order-statistic one intersected with sectioning, or with
     * tolerance and far-cut bounds. What takes part depends on the data only, never on the threshold (the
     * far-cut bounds' second cut at a verdict's threshold aside, see {@link #farCut}); the
     * order-statistic interval always does. docs/statistics.md gives the simulations that chose
     * these rules and what they cost.
     */
    static Estimate quantile(Sample s, double q, double confidence) {
        return quantile(s, q, confidence, null);
    }

    /** As {@link #quantile(Sample, double, double)}, for a verdict against {@code target} (null: none). */
    static Estimate quantile(Sample s, double q, double confidence, Target target) {
        double alpha = 1 - confidence;
        Sectioned sect = continuousTail(s, q, alpha / 2) ? sectioned(s, q, alpha / 2) : null;
        // Tolerance bounds stand in where sectioning cannot be used (a separate mode, sections
        // that disagree): where it can, it is the narrower of the two by far, and splitting the
        // allowance three ways would only widen it.
        Tolerance tol = sect == null ? tolerance(s, q, alpha * TOLERANCE_SHARE) : null;
        // Far-cut bounds take part wherever sectioning does not and the sample has its time
        // batches, whether or not they then bound anything: their share is set before they are
        // computed. Without batches (too few values to tell how they cluster) the order-statistic
        // interval keeps the whole allowance, and with it the documented minimum counts.
        boolean farTakesPart = sect == null && s.hasBatches();
        double rest = alpha - (tol != null ? alpha * TOLERANCE_SHARE : 0) - (farTakesPart ? alpha * FAR_CUT_SHARE : 0);
        double osShare = sect != null ? rest / 2 : rest;
        Estimate os = orderStatistic(s, q, osShare, confidence);
        // A far-cut end is only worked out where it could narrow the order-statistic interval.
        FarCut far = farTakesPart ? farCut(s, q, alpha * FAR_CUT_SHARE, os.low(), os.high(), target) : null;
        if (sect == null && tol == null && far == null) {
            if (osShare == alpha) {
                return os;
            }
            return new Estimate(
                    os.value(),
                    os.low(),
                    os.high(),
                    confidence,
                    os.samples(),
                    os.designEffect(),
                    os.method() + share(osShare, alpha),
                    os.precision());
        }
        double low = os.low();
        double high = os.high();
        StringBuilder method = new StringBuilder(os.method()).append(share(osShare, alpha));
        if (sect != null) {
            low = Math.max(low, sect.low());
            high = Math.min(high, sect.high());
            method.append("; log-scale sectioning over ")
                    .append(sect.sections())
                    .append(" time sections (Student's t)")
                    .append(share(rest / 2, alpha));
        }
        if (tol != null) {
            low = Math.max(low, tol.low());
            high = Math.min(high, tol.high());
            method.append("; normal tolerance bounds over ")
                    .append(tol.sections())
                    .append(" time sections")
                    .append(share(alpha * TOLERANCE_SHARE, alpha));
        }
        if (far != null) {
            low = Math.max(low, far.low());
            high = Math.min(high, far.high());
            method.append("; far-cut bounds at ")
                    .append(fmt(SEPARATE_MODE))
                    .append("x the estimate")
                    .append(far.atTarget() ? " and at the threshold" : "")
                    .append(share(alpha * FAR_CUT_SHARE, alpha));
        }
        method.append("; intervals intersected");
        Estimate.Precision precision = threshold -> {
            OptionalDouble x = os.precision().samplesFor(threshold);
            OptionalDouble y = sect == null ? OptionalDouble.empty() : sect.samplesFor(threshold, s.n());
            if (x.isEmpty()) {
                return y;
            }
            return y.isEmpty() ? x : OptionalDouble.of(Math.min(x.getAsDouble(), y.getAsDouble()));
        };
        return new Estimate(
                os.value(),
                Math.min(low, os.value()),
                Math.max(high, os.value()),
                confidence,
                os.samples(),
                os.designEffect(),
                method.toString(),
                precision);
    }

    private static String fmt(double x) {
        return x == Math.rint(x) ? String.valueOf((long) x) : String.valueOf(x);
    }

    private static String share(double part, double alpha) {
        // The same few shares in every estimate of a fleet (2% of certify's time formatting them
        // on the 10,000-file bench): each phrase is formatted once.
        double percent = 100 * part / alpha;
        String known = SHARES.get(percent);
        if (known != null) {
            return known;
        }
        String phrase = String.format(java.util.Locale.ROOT, " (at %.0f%% of the error allowance)", percent);
        if (SHARES.size() < MAX_SHARES) {
            SHARES.put(percent, phrase);
        }
        return phrase;
    }

    /** Far more than a spec's confidences make (a handful of shares each); a bound, not a working size. */
    private static final int MAX_SHARES = 4096;

    private static final Map<Double, String> SHARES = new ConcurrentHashMap<>();

    /**
     * The share of the error allowance the tolerance bounds get when they take part. They settle
     * far thresholds, where a small allowance costs little; the rest stays with the intervals
     * that settle near ones.
     */
    static final double TOLERANCE_SHARE = 0.2;
    /**
     * The share of the error allowance the far-cut bounds ({@link #farCut}) get wherever
     * sectioning is not used. They only settle thresholds beyond {@link #TARGET_CUT_FACTOR} times
     * the estimate, where a small allowance costs little. 10% was tried (session 17): more far
     * thresholds settled, but the adaptive bursty case reached its 7% false-PASS bound
     * (docs/statistics.md, "Far-cut bounds").
     */
    static final double FAR_CUT_SHARE = 0.05;
    /** Fewer time sections than this: no tolerance bounds (the factor grows fast below it). */
    static final int MIN_TOLERANCE_SECTIONS = 8;
    /**
     * Each section must hold at least this many values beyond the levels a tolerance bound uses,
     * in expectation: one is enough, as the section's value is taken at a conservative rank.
     */
    static final int TOLERANCE_TAIL_PER_SECTION = 1;

    /**
     * How many time sections the tolerance bounds of the q-quantile would use (0: none): as many
     * as {@link #MAX_SECTIONS} allows while every section holds {@link #TOLERANCE_TAIL_PER_SECTION}
     * values beyond both levels in expectation. Time blocks hold unequal counts (a block with
     * stalls in it holds fewer operations), so the count is lowered until the smallest section
     * qualifies.
     */
    static int toleranceSections(Sample s, double q) {
        if (!s.hasBatches()) {
            return 0;
        }
        double thin = toleranceThinLevel(q);
        int wanted = (int) Math.min(MAX_SECTIONS, Math.floor(s.n() * thin / TOLERANCE_TAIL_PER_SECTION));
        for (int k = wanted; k >= MIN_TOLERANCE_SECTIONS; k--) {
            List<Sample.Batch> sections = s.sections(k);
            if (sections.size() < MIN_TOLERANCE_SECTIONS) {
                return 0;
            }
            if (sections.stream().allMatch(b -> thin * (b.n() + 1) >= TOLERANCE_TAIL_PER_SECTION)) {
                return sections.size();
            }
        }
        return 0;
    }

    /** The smaller of the two shares beyond the levels the tolerance bounds of the q-quantile use. */
    private static double toleranceThinLevel(double q) {
        double beta = Math.min(q, 1 - q) / 2;
        return Math.min(1 - q / (1 - beta), (q - beta) / (1 - beta));
    }

    /** Tolerance bounds: ends and the number of sections. */
    record Tolerance(double low, double high, int sections) {}

    /**
     * Tolerance bounds at two-sided level {@code alpha}, for a run whose conditions vary between
     * time sections. The run's distribution is the mixture of its sections'. If a share 1 - beta
     * of sections have at least q / (1 - beta) of their values at or below x, the mixture has at
     * least q there, so x bounds the q-quantile from above; likewise from below with the level (q -
     * beta) / (1 - beta). Each section's quantile at that level is taken on the log scale, and a
     * one-sided normal tolerance bound (coverage 1 - beta, confidence 1 - alpha / 2) over the
     * sections bounds its (1 - beta)-share. Assumes sections are independent draws of the run's
     * conditions and their log-quantiles normal; unlike sectioning, it does not assume the
     * conditions average out within the run, so a location that drifts widens it only as much as it
     * moves.
     *
     * <p>A section's value at a level is its order statistic of rank {@code ceil(level (m + 1))}
     * for the upper bound and {@code floor(level (m + 1))} for the lower one (m values in the
     * section): the expected share at or below the r-th of m values is r / (m + 1), so these ranks
     * err outwards, and sections may then hold as little as one value beyond the level in
     * expectation ({@link #TOLERANCE_TAIL_PER_SECTION}); {@link #toleranceSections} sees to it that
     * no section is so small that the rank would be clamped to its extreme, which errs inwards.
     */
    static Tolerance tolerance(Sample s, double q, double alpha) {
        int k = toleranceSections(s, q);
        if (k < MIN_TOLERANCE_SECTIONS) {
            return null;
        }
        double beta = Math.min(q, 1 - q) / 2;
        double hi = q / (1 - beta);
        double lo = (q - beta) / (1 - beta);
        List<Sample.Batch> sections = s.sections(k);
        k = sections.size();
        double[] a = new double[k];
        double[] b = new double[k];
        for (int j = 0; j < k; j++) {
            Sample.Batch section = sections.get(j);
            double vh = section.atRank((long) Math.ceil(hi * (section.n() + 1)), true);
            double vl = section.atRank((long) Math.floor(lo * (section.n() + 1)), false);
            if (!(vh > 0) || !(vl > 0)) {
                return null;
            }
            a[j] = Math.log(vh);
            b[j] = Math.log(vl);
        }
        double factor = ToleranceFactor.oneSided(k, 1 - beta, 1 - alpha / 2);
        double high = Math.exp(mean(a) + factor * sd(a));
        double low = Math.exp(mean(b) - factor * sd(b));
        return new Tolerance(low, high, k);
    }

    private static double mean(double[] x) {
        double m = 0;
        for (double v : x) {
            m += v / x.length;
        }
        return m;
    }

    private static double sd(double[] x) {
        double m = mean(x);
        double ss = 0;
        for (double v : x) {
            ss += (v - m) * (v - m);
        }
        return Math.sqrt(ss / (x.length - 1));
    }

    /**
     * Whether the values around the q-quantile look like one continuous tail: the values at
     * levels {@code q +- min(q, 1 - q) / 2} lie within a factor {@link #SEPARATE_MODE} of the
     * estimate, and so does the extreme on the quantile's side (the maximum for an upper
     * quantile, the minimum for a lower one) unless the values beyond that factor are provably
     * too rare to hold the quantile ({@link #rareFarTail}). A stall twenty times slower than the
     * calm operations, or a dip to a tenth of the rate, is a separate mode: a run that saw too few
     * of them puts its estimate in the common mode, and sections that all missed them would agree
     * on it. There the order-statistic interval alone decides.
     */
    static boolean continuousTail(Sample s, double q, double alpha) {
        double f = SEPARATE_MODE;
        double point = s.quantile(q);
        if (!(point > 0)) {
            return false;
        }
        double d = Math.min(q, 1 - q) / 2;
        boolean near = s.quantile(q - d) >= point / f && s.quantile(Math.min(1, q + d)) <= f * point;
        if (!near) {
            return false;
        }
        boolean extremeNear = q >= 0.5 ? s.max() <= f * point : s.min() >= point / f;
        return extremeNear || rareFarTail(s, q, point, alpha);
    }

    /**
     * Whether the values beyond a factor {@link #SEPARATE_MODE} of the estimate (on the
     * quantile's side) are too rare to hold the quantile, at one-sided level {@code alpha / 2}:
     * an upper confidence bound on their share is below {@code min(q, 1 - q)}. Then the true
     * quantile lies within that factor of the estimate, and a few isolated outliers (reads
     * delayed while the scheduler ran another process) do not stand for a separate mode.
     *
     * <p>The bound makes no assumption about how far values cluster inside a unit: the time
     * units (blocks, or intervals) are grouped into runs as long as the longest run of
     * consecutive units holding far values, each group's far share counts as one observation in
     * [0, 1], and a variable in [0, 1] with a given mean varies at most as a 0/1 variable does, so
     * the Clopper-Pearson bound on the sum of the group shares is conservative (groups assumed
     * independent, as batches are). Without time units there is nothing to group: false.
     */
    static boolean rareFarTail(Sample s, double q, double point, double alpha) {
        boolean upper = q >= 0.5;
        double cut = upper ? SEPARATE_MODE * point : point / SEPARATE_MODE;
        return farShareBound(s, cut, upper, alpha / 2) < Math.min(q, 1 - q);
    }

    /**
     * A one-sided upper confidence bound, at level {@code 1 - level}, on the share of values above
     * {@code cut} ({@code above}) or at or below it, by the grouping of {@link #rareFarTail}; 1 when
     * the units cannot tell (none, or fewer than two groups). With no far value at all it is 0
     * (the separate-mode check's reading: nothing there to hold the quantile).
     */
    static double farShareBound(Sample s, double cut, boolean above, double level) {
        List<Sample.Batch> units = s.units();
        int m = units.size();
        if (m == 0) {
            return 1;
        }
        long[] counts = s.unitCountsAtOrBelow(cut);
        long[] far = new long[m];
        int longest = 0;
        int run = 0;
        for (int j = 0; j < m; j++) {
            Sample.Batch u = units.get(j);
            long below = counts[j];
            far[j] = above ? u.n() - below : below;
            run = far[j] > 0 ? run + 1 : 0;
            longest = Math.max(longest, run);
        }
        if (longest == 0) {
            return 0;
        }
        int size = Math.max(1, longest);
        int groups = m / size;
        if (groups < 2) {
            return 1;
        }
        double sum = 0;
        for (int g = 0; g < groups; g++) {
            int from = g * size;
            int to = g == groups - 1 ? m : from + size;
            long count = 0;
            long farCount = 0;
            for (int j = from; j < to; j++) {
                count += units.get(j).n();
                farCount += far[j];
            }
            sum += count == 0 ? 0 : (double) farCount / count;
        }
        if (sum >= groups) {
            return 1;
        }
        return BetaDistribution.of(sum + 1, groups - sum).inverseCumulativeProbability(1 - level);
    }

    /** The far-cut count bound measures the design effect also where this many values lie beyond. */
    static final int FAR_CUT_GUARD_COUNT = 30;

    /**
     * A one-sided upper confidence bound, at level {@code 1 - level}, on the share of values above
     * {@code cut} ({@code above}) or at or below it, for the q-quantile's far-cut test:
     * Clopper-Pearson on the count beyond the cut and n, both divided by a design effect (widened
     * by {@link #widening}). The design effect is the larger of the exceedance indicator's at the
     * cut and at the value with {@link #FAR_CUT_GUARD_COUNT} values beyond it (a few values beyond
     * a cut cannot show how they cluster), each relative to the binomial variance at the share the
     * quantile allows (so it does not shrink with a lucky run). 1 without time batches.
     */
    static double farCountBound(Sample s, double cut, boolean above, double level, double q) {
        long n = s.n();
        if (!s.hasBatches()) {
            return 1;
        }
        double edge = s.upperEdge(cut);
        long atOrBelow = Math.round(s.fractionAtOrBelow(edge) * n);
        long beyond = above ? n - atOrBelow : atOrBelow;
        long g = guardRank(n, q);
        double guard = above ? Math.min(edge, s.atRank(Math.max(1, n - g), true)) : Math.max(edge, s.atRank(g, true));
        DesignEffect atEdge = exceedanceEffect(s, edge, q);
        DesignEffect atGuard = exceedanceEffect(s, guard, q);
        double d = Math.max(1, Math.max(atEdge.value(), atGuard.value()) * widening(atEdge.df(), level));
        double trials = n / d;
        double successes = beyond / d;
        if (trials - successes <= 0) {
            return 1;
        }
        return BetaDistribution.of(successes + 1, trials - successes).inverseCumulativeProbability(1 - level);
    }

    /**
     * How many values lie beyond the far-cut guard: {@link #FAR_CUT_GUARD_COUNT}, but no more than
     * a {@link #SEPARATE_MODE}-th of the values the quantile allows beyond it (at least one), so
     * that the guard stays in the far tail it speaks for: the 30th lowest of 359 intervals is
     * already the 8th percentile, where a drifting rate clusters values as the far tail need not.
     */
    static long guardRank(long n, double q) {
        long share = (long) Math.floor(n * Math.min(q, 1 - q) / SEPARATE_MODE);
        return Math.max(1, Math.min(FAR_CUT_GUARD_COUNT, share));
    }

    /**
     * Far-cut bounds: ends, either of which may be open (0 or infinity), and whether the
     * threshold's own cut was tested on its side ({@code atTarget}).
     */
    record FarCut(double low, double high, boolean atTarget) {}

    /**
     * Far-cut bounds at two-sided level {@code alpha}, each end worked out only where it could
     * narrow [{@code knownLow}, {@code knownHigh}]: the q-quantile is above {@code c = point /}
     * {@link #SEPARATE_MODE} when the share of values at or below c is provably below q, and at
     * most the highest value of the bucket holding {@code point x} {@link #SEPARATE_MODE} when the
     * share above it is provably below {@code 1 - q}; "provably" is {@link #farCountBound},
     * one-sided at {@code alpha / 2} (a grouped 0/1 bound needs hundreds of groups before it can
     * show a share below 1%, so a p99 was never settled by it). Each is a test at one fixed
     * multiple of the estimate: for it to be wrong, the estimate must be off by the whole factor
     * while the far values still look rare. They settle thresholds beyond that factor when
     * isolated values (a write stalled for a whole interval, a read delayed by the scheduler)
     * leave the order-statistic interval open and void the tolerance bounds (a zero-rate interval
     * has no logarithm).
     *
     * <p><b>At the threshold.</b> With a {@code target} further than {@link #TARGET_CUT_FACTOR}
     * times the estimate on the side it bounds (a p99 of 22 ms against "<= 45 ms", or of 160 us
     * against "<= 10 ms"), that side's allowance is split in two: the fixed cut is tested at half of
     * it and, if that does not bound the quantile within the threshold, the threshold's own cut at
     * the other half (values in the threshold's bucket counted as beyond it, so the end it gives
     * never passes the threshold by rounding). A run whose values beyond three times the estimate
     * are too many or too clustered to bound may still have none, or few, beyond the threshold; and
     * a threshold twice the estimate lies inside the fixed cut, where the order-statistic interval,
     * its design effect measured among the stalls at the estimate, may leave the end open however
     * few values lie beyond the threshold. Bonferroni over the two halves keeps the side's error
     * within its allowance, whichever cut settles it; which cuts are tried depends on the estimate
     * only through the factors, and a wrong verdict needs one of the two tests to be wrong.
     * Null when neither end is bounded.
     */
    static FarCut farCut(Sample s, double q, double alpha, double knownLow, double knownHigh, Target target) {
        double point = s.quantile(q);
        if (!(point > 0)) {
            return null;
        }
        double low = 0;
        double high = Double.POSITIVE_INFINITY;
        double below = point / SEPARATE_MODE;
        double aboveEdge = s.upperEdge(SEPARATE_MODE * point);
        // The threshold's own cut, on the side it bounds, where it lies beyond TARGET_CUT_FACTOR
        // times the estimate (NaN: none). Above, the highest cut whose bucket ends at or below the threshold.
        double t = target == null ? Double.NaN : target.value();
        double targetEdge = s.upperEdge(TARGET_CUT_FACTOR * point);
        double lowCut = target != null && !target.upper() && t > 0 && t < point / TARGET_CUT_FACTOR ? t : Double.NaN;
        double highCut = target != null && target.upper() && t > targetEdge
                ? (s.upperEdge(t) <= t ? t : s.lowerEdge(t) - 1)
                : Double.NaN;
        boolean lowAtTarget = lowCut > 0;
        boolean highAtTarget = highCut > targetEdge;
        double lowLevel = lowAtTarget ? alpha / 4 : alpha / 2;
        double highLevel = highAtTarget ? alpha / 4 : alpha / 2;
        if (knownLow < below && farCountBound(s, below, false, lowLevel, q) < q) {
            low = below;
        }
        // The threshold's cut is tried where the ends so far do not already reach it.
        if (lowAtTarget && Math.max(low, knownLow) < lowCut && farCountBound(s, lowCut, false, lowLevel, q) < q) {
            low = s.upperEdge(lowCut);
        }
        if (knownHigh > aboveEdge && farCountBound(s, aboveEdge, true, highLevel, q) < 1 - q) {
            high = aboveEdge;
        }
        if (highAtTarget) {
            double highEnd = s.upperEdge(highCut);
            if (Math.min(high, knownHigh) > highEnd && farCountBound(s, highCut, true, highLevel, q) < 1 - q) {
                high = highEnd;
            }
        }
        return low > 0 || high < Double.POSITIVE_INFINITY ? new FarCut(low, high, lowAtTarget || highAtTarget) : null;
    }

    /** A sectioned interval: ends, and the log-scale half-width and estimate it came from. */
    record Sectioned(double low, double high, int sections, double logPoint, double logHalfWidth) {
        /** Samples at which the half-width (shrinking as 1/sqrt(n)) would clear the threshold. */
        OptionalDouble samplesFor(double threshold, long n) {
            if (!(threshold > 0)) {
                return OptionalDouble.empty();
            }
            double gap = Math.abs(Math.log(threshold) - logPoint);
            if (gap == 0 || logHalfWidth == 0) {
                return OptionalDouble.empty();
            }
            double ratio = logHalfWidth / gap;
            return OptionalDouble.of(n * ratio * ratio);
        }
    }

    /**
     * Log-scale sectioning at two-sided level {@code alpha}: the sample's time structure cut into
     * k sections holding about {@link #TAIL_PER_SECTION} values beyond the quantile each (4 to 16),
     * each section's own q-quantile on the log scale, and Student's t with k - 1 degrees of freedom
     * on their spread, around the log of the whole sample's estimate. Null when there are fewer
     * than {@link #MIN_SECTIONS} sections or a section's quantile is not positive.
     */
    static Sectioned sectioned(Sample s, double q, double alpha) {
        if (!s.hasBatches()) {
            return null;
        }
        long n = s.n();
        int wanted = (int) Math.min(MAX_SECTIONS, Math.floor(n * Math.min(q, 1 - q) / TAIL_PER_SECTION));
        if (wanted < MIN_SECTIONS) {
            return null;
        }
        List<Sample.Batch> sections = s.sections(wanted);
        int k = sections.size();
        if (k < MIN_SECTIONS) {
            return null;
        }
        double[] x = new double[k];
        double mean = 0;
        for (int j = 0; j < k; j++) {
            double v = sections.get(j).quantile(q);
            if (!(v > 0)) {
                return null;
            }
            x[j] = Math.log(v);
            mean += x[j] / k;
        }
        double point = s.quantile(q);
        if (!(point > 0)) {
            return null;
        }
        double ss = 0;
        for (double xi : x) {
            ss += (xi - mean) * (xi - mean);
        }
        if (Math.sqrt(ss / (k - 1)) > MAX_SECTION_SPREAD) {
            // The sections disagree by more than about 20%: the whole run's quantile is then
            // decided by the few sections with the most extreme values, and their spread says
            // little about how far those few can lie.
            return null;
        }
        double se = Math.sqrt(ss / (k - 1) / k);
        double half = TDistribution.of(k - 1).inverseSurvivalProbability(alpha / 2) * se;
        double logPoint = Math.log(point);
        return new Sectioned(
                Math.min(point, Math.exp(logPoint - half)),
                Math.max(point, Math.exp(logPoint + half)),
                k,
                logPoint,
                half);
    }

    /** Distribution-free order-statistic bounds at two-sided level {@code alpha}, on an effective count. */
    static Estimate orderStatistic(Sample s, double q, double alpha, double confidence) {
        long n = s.n();
        double point = s.quantile(q);
        double d = 1;
        String method = "order-statistic (binomial), independent observations assumed";
        if (s.hasBatches()) {
            // The design effect is itself estimated (from k batches, or overlapping windows): widen
            // as Student's t with its degrees of freedom widens a normal interval.
            DesignEffect e = exceedanceEffect(s, point, q);
            d = Math.max(1.0, e.value() * widening(e.df(), alpha / 2));
            method = "order-statistic (binomial) with batch-means design effect over " + e.over();
        } else if (!s.batches().isEmpty() || n > 1) {
            method += s.batches().isEmpty() ? " (no time batches)" : " (too few time batches)";
        }
        double nEff = n / d;
        long m = (long) Math.floor(nEff);
        double low = Double.NEGATIVE_INFINITY;
        double high = Double.POSITIVE_INFINITY;
        if (m >= 1) {
            int trials = (int) Math.min(Integer.MAX_VALUE, m);
            double scale = (double) n / trials;
            BinomialDistribution b = BinomialDistribution.of(trials, q);
            int j = b.inverseCumulativeProbability(alpha / 2);
            int lowerRank = b.cumulativeProbability(j) > alpha / 2 ? j : j + 1; // rank l: F(l - 1) <= alpha/2
            int upperRank = b.inverseCumulativeProbability(1 - alpha / 2) + 1; // rank u: F(u - 1) >= 1 - alpha/2
            if (lowerRank >= 1) {
                low = s.atRank(Math.max(1, (long) Math.floor(lowerRank * scale)), false);
            }
            if (upperRank <= trials) {
                high = s.atRank(Math.min(n, (long) Math.ceil(upperRank * scale)), true);
            }
        }
        double effect = d;
        Estimate.Precision precision = threshold -> samplesToClear(s, q, alpha, effect, threshold);
        return new Estimate(point, Math.min(low, point), Math.max(high, point), confidence, n, d, method, precision);
    }

    /**
     * How much a design effect estimated with {@code df} degrees of freedom (k - 1 for k disjoint
     * batches) is widened for a one-sided level: (t(df) / z)^2, as Student's t widens a normal
     * interval.
     */
    static double widening(double df, double level) {
        // A fleet asks for the same few (df, level) in every file, and the t quantile is a root
        // search (4% of certify's time on the 10,000-file bench): kept once worked out.
        Double known = WIDENINGS.get(new Widening(df, level));
        if (known != null) {
            return known;
        }
        double t = TDistribution.of(df).inverseSurvivalProbability(level);
        double z = NORMAL.inverseSurvivalProbability(level);
        double w = (t / z) * (t / z);
        if (WIDENINGS.size() < MAX_WIDENINGS) {
            WIDENINGS.put(new Widening(df, level), w);
        }
        return w;
    }

    private record Widening(double df, double level) {}

    /** Far more than a spec's confidences and shares make; a bound, not a working size. */
    private static final int MAX_WIDENINGS = 4096;

    private static final Map<Widening, Double> WIDENINGS = new ConcurrentHashMap<>();

    /**
     * The smallest total sample count (in steps of 10%) at which the order-statistic bound on the
     * side facing {@code threshold} would clear it, if the sample's distribution stayed as it is.
     */
    static OptionalDouble samplesToClear(Sample s, double q, double alpha, double d, double threshold) {
        double below = s.fractionAtOrBelow(threshold);
        boolean needUpper = s.quantile(q) <= threshold; // "<=": the upper bound must fall below it
        if (needUpper ? below <= q : below >= q) {
            return OptionalDouble.empty();
        }
        // Whether the bound clears the threshold grows (nearly) monotonically with the sample
        // size: bisect on a 10% grid of totals from n to 1000 n.
        double n = s.n();
        int hi = (int) Math.ceil(Math.log(1000.0 + 1000.0 / n) / Math.log(1.1));
        if (!clears(n * Math.pow(1.1, hi), q, alpha, d, below, needUpper)) {
            return OptionalDouble.empty();
        }
        int lo = 0;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (clears(n * Math.pow(1.1, mid), q, alpha, d, below, needUpper)) {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        return OptionalDouble.of(n * Math.pow(1.1, lo));
    }

    /** Whether, with {@code total} samples of the same distribution, the bound facing the threshold would clear it. */
    private static boolean clears(double total, double q, double alpha, double d, double below, boolean needUpper) {
        long m = (long) Math.floor(total / d);
        if (m < 1) {
            return false;
        }
        BinomialDistribution b = BinomialDistribution.of((int) Math.min(Integer.MAX_VALUE, m), q);
        if (needUpper) {
            int u = b.inverseCumulativeProbability(1 - alpha / 2) + 1;
            return u <= m && (double) u / m <= below;
        }
        int j = b.inverseCumulativeProbability(alpha / 2);
        int l = b.cumulativeProbability(j) > alpha / 2 ? j : j + 1;
        return l >= 1 && (double) (l - 1) / m >= below;
    }

    /** Degrees of freedom of an overlapping-batch-means variance per degree of freedom of the disjoint batches' (b - 1). */
    static final double OVERLAPPING_DF_FACTOR = 1.4;

    /**
     * A design effect, the degrees of freedom of the variance it was estimated from, and what that
     * variance came from ("8 time batches", "48 time units in overlapping windows of 3").
     */
    record DesignEffect(double value, double df, String over) {}

    /**
     * The design effect of the indicator "at or below {@code x}", relative to the binomial variance
     * at the share the q-quantile allows, and the degrees of freedom it is estimated with.
     *
     * <p>Where the time units (blocks, or intervals) are at least twice as many as the batches, the
     * variance comes from overlapping batch means: every run of {@code m} consecutive units, m the
     * batches' own length in units, slid one unit at a time, rather than only the k disjoint runs.
     * The windows are as long as the batches (the same clusters fit inside them), and the estimate,
     * which has the same expectation, varies less. For normal batch means it varies as a
     * chi-squared variable with about 1.5 (b - 1) degrees of freedom where disjoint batches have
     * b - 1, b = units / m (Meketon and Schmeiser, 1984). A share's batch means are not normal (a
     * 0/1 indicator's kurtosis), which costs both estimates some of that; iocert claims
     * {@value #OVERLAPPING_DF_FACTOR} (b - 1), measured on independent series to be as close to what
     * the data show as the disjoint batches' claim ({@code OverlappingBatchMeansTest}). With fewer
     * units (one round's blocks, a batch of one or two of them) a window would be longer than a
     * batch, and the disjoint batches are used, with k - 1 degrees of freedom.
     */
    static DesignEffect exceedanceEffect(Sample s, double x, double q) {
        ShareVariance o = overlappingShareVariance(s, x);
        if (o == null) {
            List<Sample.Batch> batches = s.batches();
            return new DesignEffect(
                    exceedanceDesignEffect(batches, s.n(), x, q), batches.size() - 1, batches.size() + " time batches");
        }
        double independent = q * (1 - q) / s.n();
        return new DesignEffect(
                Math.max(1.0, o.variance() / independent),
                o.df(),
                o.units() + " time units in overlapping windows of " + o.window());
    }

    /**
     * A share of the observations, the variance of that share as estimated and its degrees of
     * freedom, from windows of {@code window} consecutive time units out of {@code units}.
     */
    record ShareVariance(double share, double variance, double df, int units, int window) {}

    /**
     * The share of observations at or below {@code x} and its variance from overlapping batch
     * means (see {@link #exceedanceEffect}); null where the time units are fewer than twice the
     * batches.
     */
    static ShareVariance overlappingShareVariance(Sample s, double x) {
        int k = s.batches().size();
        List<Sample.Batch> units = s.units();
        int u = units.size();
        if (k < 2 || u < 2 * k) {
            return null;
        }
        int m = (int) Math.round((double) u / k);
        long n = s.n();
        long[] below = s.unitCountsAtOrBelow(x);
        long[] count = new long[u + 1];
        long[] at = new long[u + 1];
        for (int j = 0; j < u; j++) {
            count[j + 1] = count[j] + units.get(j).n();
            at[j + 1] = at[j] + below[j];
        }
        double p = (double) at[u] / n;
        // Each window's deviation from the overall share, weighted by its size (the ratio
        // estimator's linearisation, as for the disjoint batches).
        double sum = 0;
        for (int w = 0; w + m <= u; w++) {
            double z = ((at[w + m] - at[w]) - p * (count[w + m] - count[w])) / n;
            sum += z * z;
        }
        double v = (double) u * u / ((double) m * (u - m + 1) * (u - m)) * sum;
        return new ShareVariance(p, v, OVERLAPPING_DF_FACTOR * ((double) u / m - 1), u, m);
    }

    /**
     * The variance of the share of observations at or below {@code x}, estimated from the
     * disjoint batches, over what it would be for independent observations; at least 1.
     */
    static double exceedanceDesignEffect(List<Sample.Batch> batches, long n, double x, double q) {
        int k = batches.size();
        long[] counts = new long[k];
        long below = 0;
        for (int j = 0; j < k; j++) {
            counts[j] = batches.get(j).countAtOrBelow(x);
            below += counts[j];
        }
        double p = (double) below / n;
        double v = 0;
        for (int j = 0; j < k; j++) {
            Sample.Batch b = batches.get(j);
            double w = (double) b.n() / n;
            double pj = (double) counts[j] / b.n();
            v += w * w * (pj - p) * (pj - p);
        }
        v *= (double) k / (k - 1);
        double independent = q * (1 - q) / n;
        return Math.max(1.0, v / independent);
    }

    // ---- mean ----

    /**
     * The mean. With batches, each end of the interval is the furthest mean a one-sided test at
     * {@code alpha / 2} does not reject ({@link #meanEnd}); the variance is never taken below what
     * independence would give. Without batches, Student's t on the observations.
     */
    static Estimate mean(Sample s, double confidence) {
        double alpha = 1 - confidence;
        long n = s.n();
        Sample.Moments mo = s.moments();
        double point = mo.mean();
        if (s.hasBatches()) {
            List<Sample.Batch> batches = s.batches();
            int k = batches.size();
            double independent = mo.variance() / n;
            double median = s.quantile(0.5);
            BatchParts high = BatchParts.of(batches, SEPARATE_MODE * median, true);
            BatchParts low = BatchParts.of(batches, median / SEPARATE_MODE, false);
            double v = high.variance(1);
            double d = independent > 0 ? Math.max(1.0, v / independent) : 1.0;
            double upper = meanEnd(high, point, alpha, independent);
            double lower = meanEnd(low, point, alpha, independent);
            return asymmetric(
                    point,
                    point - lower,
                    upper - point,
                    confidence,
                    n,
                    d,
                    "batch means over " + k + " time batches, Student's t, far values scaled to each end"
                            + " (Welch-Satterthwaite degrees of freedom)");
        }
        if (n >= 2) {
            double se = Math.sqrt(mo.variance() / n);
            double crit = TDistribution.of(n - 1).inverseSurvivalProbability(alpha / 2);
            return symmetric(point, se, crit, confidence, n, 1, "Student's t, independent observations assumed");
        }
        return unbounded(s, point, confidence, "one observation: no interval");
    }

    /**
     * Batch means split in two at a cut: the part of each batch's mean that comes from how far
     * its values lie beyond the cut ({@code far}: above it, or below it), and the rest ({@code
     * near}: the mean of the values clipped at the cut), with the batch-means variances of both
     * and their covariance (weighted by batch size, k / (k - 1) as for the mean itself).
     */
    record BatchParts(
            boolean above,
            double nearMean,
            double farMean,
            double nearVar,
            double farVar,
            double cov,
            int k,
            int farBatches) {
        static BatchParts of(List<Sample.Batch> batches, double cut, boolean above) {
            int k = batches.size();
            long count = 0;
            for (Sample.Batch b : batches) {
                count += b.n();
            }
            double[] near = new double[k];
            double[] far = new double[k];
            double[] w = new double[k];
            double nearMean = 0;
            double farMean = 0;
            int farBatches = 0;
            for (int j = 0; j < k; j++) {
                Sample.Batch b = batches.get(j);
                w[j] = (double) b.n() / count;
                far[j] = b.sumBeyond(cut, above) / b.n();
                near[j] = b.sum() / b.n() + (above ? -far[j] : far[j]);
                nearMean += w[j] * near[j];
                farMean += w[j] * far[j];
                farBatches += far[j] > 0 ? 1 : 0;
            }
            double nearVar = 0;
            double farVar = 0;
            double cov = 0;
            for (int j = 0; j < k; j++) {
                double dn = near[j] - nearMean;
                double df = far[j] - farMean;
                nearVar += w[j] * w[j] * dn * dn;
                farVar += w[j] * w[j] * df * df;
                cov += w[j] * w[j] * dn * df;
            }
            double f = (double) k / (k - 1);
            return new BatchParts(above, nearMean, farMean, nearVar * f, farVar * f, cov * f, k, farBatches);
        }

        /**
         * The variance of the mean with the far part's deviations scaled by {@code sqrt(r)}: its
         * variance r times, as r times as many clusters of far values would give. The mean is
         * near minus far on the low side, so the covariance enters with that sign.
         */
        double variance(double r) {
            double sign = above ? 1 : -1;
            return nearVar + 2 * sign * Math.sqrt(r) * cov + r * farVar;
        }

        /**
         * Welch-Satterthwaite degrees of freedom of {@link #variance}{@code (r)}: the near part
         * (with the covariance) on {@code k - 1}, the far part on one fewer than the batches that
         * hold far values (at least 1); never more than {@code k - 1}.
         */
        double degreesOfFreedom(double r) {
            double shared = Math.abs(cov) * Math.sqrt(r);
            double a = nearVar + shared;
            double b = r * farVar + shared;
            double farDf = Math.max(1, farBatches - 1);
            double denominator = a * a / (k - 1) + b * b / farDf;
            if (!(denominator > 0)) {
                return k - 1;
            }
            return Math.max(1, Math.min(k - 1, (a + b) * (a + b) / denominator));
        }

        /** How many times the far part observed a mean at {@code mu} needs (at least 1; 1 when nothing lay beyond). */
        double scale(double mu) {
            if (!(farMean > 0)) {
                return 1;
            }
            return Math.max(1, (above ? mu - nearMean : nearMean - mu) / farMean);
        }
    }

    /**
     * One end of the mean's interval: the furthest mean {@code mu} on the parts' side with
     * {@code |mu - point| <= t * sd(mu)}, where {@code sd(mu)} is the batch means' standard
     * error with the far part's variance scaled to the far share a mean at {@code mu} needs
     * ({@link BatchParts#scale}). Far values that come as rare clusters (stalls 20 times the calm
     * latency, a few dozen to a run) vary between batches in proportion to how many came, so a
     * run that met fewer than usual has a low mean and a small spread together, and an interval
     * built from its own spread falls short of the truth more often than it should: at 95%, a
     * mean 3% worse than its threshold passed in 5.7% of simulated runs with stalls in runs of 5
     * (docs/statistics.md, "Mean"). It is a test whose variance is evaluated at its null, as the
     * quantiles' far cut is. The variance is never taken below {@code floorVariance}
     * (independence).
     *
     * <p>{@code t} is Student's at one-sided level {@code alpha / 2} with Welch-Satterthwaite
     * degrees of freedom: {@code k - 1} for the near part, and one fewer than the batches holding
     * any far value for the far part, whose variance is estimated from those batches alone (three
     * clusters in eight batches leave two degrees of freedom, not seven). It depends on the end,
     * so the end is found again with the t of the end found, until it stays (each pass can only
     * widen it).
     */
    static double meanEnd(BatchParts parts, double point, double alpha, double floorVariance) {
        double t = TDistribution.of(parts.k() - 1).inverseSurvivalProbability(alpha / 2);
        double end = meanEndAt(parts, point, t, floorVariance);
        for (int pass = 0; pass < 8 && parts.farBatches() > 0; pass++) {
            double df = parts.degreesOfFreedom(parts.scale(end));
            double next = TDistribution.of(df).inverseSurvivalProbability(alpha / 2);
            if (next <= t * (1 + 1e-9)) {
                break;
            }
            t = next;
            end = meanEndAt(parts, point, t, floorVariance);
        }
        return end;
    }

    /** The end for a fixed {@code t}: doubling until past it, then bisection. */
    private static double meanEndAt(BatchParts parts, double point, double t, double floorVariance) {
        double sign = parts.above() ? 1 : -1;
        DoubleUnaryOperator excess =
                mu -> Math.abs(mu - point) - t * Math.sqrt(Math.max(floorVariance, parts.variance(parts.scale(mu))));
        double step = t * Math.sqrt(Math.max(floorVariance, parts.variance(1)));
        if (!(step > 0)) {
            return point;
        }
        // The standard error grows as the square root of the distance at most, so the distance
        // outgrows it.
        double inside = point;
        double outside = point + sign * step;
        for (int i = 0; i < 200 && excess.applyAsDouble(outside) <= 0; i++) {
            inside = outside;
            outside = point + 2 * (outside - point);
        }
        for (int i = 0; i < 60; i++) {
            double mid = (inside + outside) / 2;
            if (excess.applyAsDouble(mid) <= 0) {
                inside = mid;
            } else {
                outside = mid;
            }
        }
        return outside;
    }

    // ---- stddev and cv ----

    static Estimate spread(Sample s, double confidence, boolean cv) {
        double alpha = 1 - confidence;
        long n = s.n();
        Sample.Moments mo = s.moments();
        double sd = mo.stddev();
        double point = cv ? (mo.mean() == 0 ? Double.NaN : sd / mo.mean()) : sd;
        if (n < 3 || Double.isNaN(point)) {
            return unbounded(s, point, confidence, "too few observations for an interval");
        }
        if (s.hasBatches()) {
            List<Sample.Batch> batches = s.batches();
            int k = batches.size();
            double tn = 0;
            double t1 = 0;
            double t2 = 0;
            for (Sample.Batch b : batches) {
                tn += b.n();
                t1 += b.sum();
                t2 += b.sumSquares();
            }
            double[] leaveOut = new double[k];
            double avg = 0;
            for (int j = 0; j < k; j++) {
                Sample.Batch b = batches.get(j);
                double nn = tn - b.n();
                double s1 = t1 - b.sum();
                double s2 = t2 - b.sumSquares();
                double var = Math.max(0, (s2 - s1 * s1 / nn) / (nn - 1));
                double sdj = Math.sqrt(var);
                leaveOut[j] = cv ? sdj / (s1 / nn) : sdj;
                avg += leaveOut[j];
            }
            avg /= k;
            double v = 0;
            for (double x : leaveOut) {
                v += (x - avg) * (x - avg);
            }
            v *= (double) (k - 1) / k;
            double crit = TDistribution.of(k - 1).inverseSurvivalProbability(alpha / 2);
            return symmetric(
                    point,
                    Math.sqrt(v),
                    crit,
                    confidence,
                    n,
                    1,
                    "delete-one-batch jackknife over " + k + " time batches, Student's t");
        }
        // Delta method from the moments, for independent observations.
        double var = mo.variance();
        double varOfVar = Math.max(0, (mo.m4() - var * var) / n);
        double se;
        if (cv) {
            double mean = mo.mean();
            double dVar = 1 / (2 * sd * mean);
            double dMean = -sd / (mean * mean);
            double v = dVar * dVar * varOfVar + dMean * dMean * var / n + 2 * dVar * dMean * mo.m3() / n;
            se = Math.sqrt(Math.max(0, v));
        } else {
            se = sd == 0 ? 0 : Math.sqrt(varOfVar) / (2 * sd);
        }
        double z = NORMAL.inverseSurvivalProbability(alpha / 2);
        return symmetric(
                point, se, z, confidence, n, 1, "delta method from the moments, independent observations assumed");
    }

    // ---- extremes ----

    static Estimate max(Sample s, double confidence) {
        double observed = s.max();
        return new Estimate(
                observed,
                s.atRank(s.n(), false),
                Double.POSITIVE_INFINITY,
                confidence,
                s.n(),
                1,
                "observed maximum: the true maximum is at least this; no sample bounds it from above",
                threshold -> OptionalDouble.empty());
    }

    static Estimate min(Sample s, double confidence) {
        double observed = s.min();
        return new Estimate(
                observed,
                Double.NEGATIVE_INFINITY,
                s.atRank(1, true),
                confidence,
                s.n(),
                1,
                "observed minimum: the true minimum is at most this; no sample bounds it from below",
                threshold -> OptionalDouble.empty());
    }

    /**
     * An interval {@code [point - below, point + above]}, its low end taken no lower than 0; the
     * samples that would clear a threshold scale with the square of the half-width on its side.
     */
    private static Estimate asymmetric(
            double point, double below, double above, double confidence, long n, double d, String method) {
        Estimate.Precision precision = threshold -> {
            double gap = Math.abs(point - threshold);
            double half = threshold >= point ? above : below;
            if (gap == 0 || half == 0) {
                return OptionalDouble.empty();
            }
            double ratio = half / gap;
            return OptionalDouble.of(n * ratio * ratio);
        };
        return new Estimate(point, Math.max(0, point - below), point + above, confidence, n, d, method, precision);
    }

    private static Estimate symmetric(
            double point, double se, double crit, double confidence, long n, double d, String method) {
        double half = crit * se;
        return asymmetric(point, half, half, confidence, n, d, method);
    }

    private static Estimate unbounded(Sample s, double point, double confidence, String why) {
        return new Estimate(
                point,
                Double.NEGATIVE_INFINITY,
                Double.POSITIVE_INFINITY,
                confidence,
                s.n(),
                1,
                why,
                threshold -> OptionalDouble.empty());
    }
}
