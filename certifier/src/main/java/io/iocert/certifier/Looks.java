package io.iocert.certifier;

import io.iocert.results.LookPlan;
import java.util.Optional;

/**
 * Where a verdict stands in a sequence of looks at growing data, and how much of the error
 * allowance it may spend. Looking again after every round of probing and stopping at the first
 * conclusive verdict would, with the full allowance at every look, make wrong verdicts far
 * more likely than the stated confidence admits. Instead the allowance {@code alpha = 1 -
 * confidence} is spent in parts with the spending function {@code f(t) = t^2}: look {@code i}
 * of at most {@code k} may use {@code alpha * (f(i/k) - f((i-1)/k))}, and a final look (the last
 * planned one, or one after which no budget remains) spends all that is left,
 * {@code alpha * (1 - f((i-1)/k))}. The parts add up to at most {@code alpha}, so by the union
 * bound the chance of any wrong conclusive verdict over all looks stays within {@code alpha}
 * whatever the correlation between looks. Early looks get little (only a clear case ends
 * early), the final look most of it.
 *
 * @param look       this look, from 1
 * @param maxLooks   the most looks the plan allows
 * @param finalLook  whether no look follows this one
 */
public record Looks(int look, int maxLooks, boolean finalLook) {
    /** One look with the whole allowance: a plain, non-sequential certification. */
    public static final Looks SINGLE = new Looks(1, 1, true);

    /**
     * The final look a measurement's plan records (round {@code round} of {@code maxRounds},
     * written by adaptive probing), or {@link #SINGLE} when it has none.
     */
    public static Looks of(Optional<LookPlan> plan) {
        return plan.map(p -> new Looks(p.round(), p.maxRounds(), true)).orElse(SINGLE);
    }

    public Looks {
        if (maxLooks < 1 || look < 1 || look > maxLooks) {
            throw new IllegalArgumentException("look " + look + " of " + maxLooks);
        }
        finalLook |= look == maxLooks;
    }

    /** The error allowance this look may spend, out of {@code alpha}. */
    public double alphaAt(double alpha) {
        double before = spent((double) (look - 1) / maxLooks);
        double upTo = finalLook ? 1.0 : spent((double) look / maxLooks);
        return alpha * (upTo - before);
    }

    /** The confidence at which this look's intervals are computed, given the stated one. */
    public double confidenceAt(double confidence) {
        return 1 - alphaAt(1 - confidence);
    }

    private static double spent(double t) {
        return t * t;
    }
}
