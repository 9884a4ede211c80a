package io.iocert.spec;

import java.util.Optional;

/** How a measured statistic must relate to its threshold. */
public enum Comparator {
    LE("<="),
    LT("<"),
    GE(">="),
    GT(">");

    private final String symbol;

    Comparator(String symbol) {
        this.symbol = symbol;
    }

    public String symbol() {
        return symbol;
    }

    /** True when {@code measured} satisfies this comparator against {@code threshold}. */
    public boolean holds(double measured, double threshold) {
        return switch (this) {
            case LE -> measured <= threshold;
            case LT -> measured < threshold;
            case GE -> measured >= threshold;
            case GT -> measured > threshold;
        };
    }

    /** True for {@code <=} and {@code <}: smaller measured values are better. */
    public boolean isUpperBound() {
        return this == LE || this == LT;
    }

    public static Optional<Comparator> ofSymbol(String symbol) {
        for (Comparator c : values()) {
            if (c.symbol.equals(symbol)) {
                return Optional.of(c);
            }
        }
        return Optional.empty();
    }
}
