package io.iocert.spec;

import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A bound such as {@code "<= 2 ms"}: a comparator and a quantity in the metric's dimension. */
public record Threshold(Comparator comparator, Quantity quantity) {

    private static final Pattern SYNTAX = Pattern.compile("\\s*(<=|>=|<|>)\\s*(.*)", Pattern.DOTALL);

    public Threshold {
        Objects.requireNonNull(comparator, "comparator");
        Objects.requireNonNull(quantity, "quantity");
    }

    /**
     * Parses {@code "<comparator> <number> <unit>"}.
     *
     * @throws Quantity.UnitException when the unit does not fit {@code expected}
     * @throws IllegalArgumentException when the comparator is missing
     */
    public static Threshold parse(String text, Dimension expected) {
        Matcher m = SYNTAX.matcher(text);
        if (!m.matches()) {
            throw new IllegalArgumentException("'" + text
                    + "' has no comparator; expected one of <=, <, >=, > followed by " + expected.description());
        }
        Comparator c = Comparator.ofSymbol(m.group(1)).orElseThrow();
        return new Threshold(c, Quantity.parse(m.group(2), expected));
    }

    /** True when {@code measured} (canonical units) satisfies the bound. */
    public boolean holds(double measured) {
        return comparator.holds(measured, quantity.value());
    }

    @Override
    public String toString() {
        return comparator.symbol() + " " + quantity.format();
    }
}
