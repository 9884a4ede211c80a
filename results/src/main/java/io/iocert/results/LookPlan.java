package io.iocert.results;

/**
 * Where adaptive probing stopped for a measurement: after round {@code round} of a plan that
 * allowed at most {@code maxRounds}. Each round ends with a look at the combined rounds, and
 * each look may spend only its share of the error allowance; certifying the result again needs
 * both numbers to spend the allowance as the run did and so reach the verdict the run reached.
 * A measurement without a plan was probed in one go and is judged with the whole allowance.
 *
 * <p>{@code iocert-result/1} carried the plan as the context strings {@value #V1_ROUNDS} and
 * {@value #V1_MAX_ROUNDS}; the reader maps them to this type, and reports still show the plan
 * under those names beside the other conditions.
 *
 * @param round     the rounds the measurement combines, which is the look its verdict was reached at (from 1)
 * @param maxRounds the most rounds the plan allowed
 */
public record LookPlan(int round, int maxRounds) {
    /** The context key {@code iocert-result/1} kept {@link #round()} under. */
    public static final String V1_ROUNDS = "rounds";
    /** The context key {@code iocert-result/1} kept {@link #maxRounds()} under. */
    public static final String V1_MAX_ROUNDS = "maxRounds";

    public LookPlan {
        if (maxRounds < 1 || round < 1 || round > maxRounds) {
            throw new IllegalArgumentException(
                    "round " + round + " of " + maxRounds + ": a look plan needs 1 <= round <= maxRounds");
        }
    }

    /** The first round of a plan of at most {@code maxRounds}. */
    public static LookPlan first(int maxRounds) {
        return new LookPlan(1, maxRounds);
    }

    /** The plan one round later, when a further round has been combined in. */
    public LookPlan next() {
        return new LookPlan(round + 1, maxRounds);
    }
}
