package io.iocert.store;

import io.iocert.certifier.NodeVerdict;
import java.util.Collection;
import java.util.OptionalInt;
import org.apache.commons.statistics.distribution.BetaDistribution;

/**
 * Whether at least a stated share of an instance type's instances meet a spec, from the
 * verdicts on the instances probed (one per instance): a one-sided binomial statement with
 * Clopper-Pearson (exact) bounds, which is the distribution-free tolerance statement "at least
 * {@code share} of the population, at {@code confidence}" for a pass/fail property.
 *
 * <ul>
 *   <li>ELIGIBLE when the lower bound of the share of instances that meet the spec, counting only
 *   ELIGIBLE instances as meeting it, is at least {@code share};</li>
 *   <li>NOT_ELIGIBLE when the upper bound, counting every instance not shown to fail
 *   (ELIGIBLE, INCONCLUSIVE, ERROR) as meeting it, is below {@code share};</li>
 *   <li>INCONCLUSIVE otherwise, with how many more instances would settle it.</li>
 * </ul>
 * The instances are assumed a random sample of those the type delivers (across zones and days:
 * probe them so). With no failure, n instances show share P at confidence C once
 * {@code P^n <= 1 - C}: 29 for 90% at 95%, 59 for 95% at 95%.
 */
public record ShareCertification(
        NodeVerdict verdict,
        int instances,
        int meeting,
        int failing,
        int undecided,
        double share,
        double confidence,
        double lowerBound,
        double upperBound,
        OptionalInt moreIfAllMeet,
        OptionalInt moreAtObservedShare,
        OptionalInt moreIfAllFail) {

    /** The largest number of further instances the "how many more" answers look at. */
    static final int SEARCH_LIMIT = 100_000;

    public static ShareCertification of(Collection<NodeVerdict> perInstance, double share, double confidence) {
        if (!(share > 0 && share < 1)) {
            throw new IllegalArgumentException("share must lie in (0, 1): " + share);
        }
        if (!(confidence > 0 && confidence < 1)) {
            throw new IllegalArgumentException("confidence must lie in (0, 1): " + confidence);
        }
        int n = perInstance.size();
        int meeting = (int)
                perInstance.stream().filter(v -> v == NodeVerdict.ELIGIBLE).count();
        int failing = (int)
                perInstance.stream().filter(v -> v == NodeVerdict.NOT_ELIGIBLE).count();
        int undecided = n - meeting - failing;
        double lower = lower(meeting, n, confidence);
        double upper = upper(meeting + undecided, n, confidence);
        NodeVerdict verdict = lower >= share
                ? NodeVerdict.ELIGIBLE
                : upper < share ? NodeVerdict.NOT_ELIGIBLE : NodeVerdict.INCONCLUSIVE;
        OptionalInt allMeet = OptionalInt.empty();
        OptionalInt atObserved = OptionalInt.empty();
        OptionalInt allFail = OptionalInt.empty();
        if (verdict == NodeVerdict.INCONCLUSIVE) {
            allMeet = search(m -> lower(meeting + m, n + m, confidence) >= share);
            double observed = n == 0 ? 0 : (double) meeting / n;
            if (observed > share) {
                atObserved = search(m -> lower(meeting + (int) Math.floor(observed * m), n + m, confidence) >= share);
            }
            allFail = search(m -> upper(meeting + undecided, n + m, confidence) < share);
        }
        return new ShareCertification(
                verdict, n, meeting, failing, undecided, share, confidence, lower, upper, allMeet, atObserved, allFail);
    }

    /** The one-sided lower confidence bound of a binomial proportion with k successes in n (Clopper-Pearson). */
    public static double lower(int k, int n, double confidence) {
        if (k <= 0 || n <= 0) {
            return 0;
        }
        return BetaDistribution.of(k, n - k + 1.0).inverseCumulativeProbability(1 - confidence);
    }

    /** The one-sided upper confidence bound of a binomial proportion with k successes in n (Clopper-Pearson). */
    public static double upper(int k, int n, double confidence) {
        if (n <= 0 || k >= n) {
            return 1;
        }
        return BetaDistribution.of(k + 1.0, n - k).inverseCumulativeProbability(confidence);
    }

    private interface Condition {
        boolean holds(int more);
    }

    /** The smallest m in [1, SEARCH_LIMIT] for which the (monotone) condition holds. */
    private static OptionalInt search(Condition c) {
        if (!c.holds(SEARCH_LIMIT)) {
            return OptionalInt.empty();
        }
        int lo = 1;
        int hi = SEARCH_LIMIT;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (c.holds(mid)) {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        return OptionalInt.of(lo);
    }
}
