package io.iocert.spec;

import java.util.Locale;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A value in the canonical unit of its dimension: nanoseconds, bytes, bytes per second,
 * operations per second, FLOP/s, or a plain ratio. Never a bare double that could be MB or MiB.
 */
public record Quantity(double value, Dimension dimension) {

    private static final Pattern SYNTAX =
            Pattern.compile("\\s*([+-]?(?:[0-9]+(?:\\.[0-9]*)?|\\.[0-9]+)(?:[eE][+-]?[0-9]+)?)\\s*(\\S.*?)?\\s*");

    public Quantity {
        Objects.requireNonNull(dimension, "dimension");
        if (!Double.isFinite(value)) {
            throw new IllegalArgumentException("quantity must be finite, got " + value);
        }
    }

    public static Quantity nanos(double ns) {
        return new Quantity(ns, Dimension.DURATION);
    }

    public static Quantity bytes(double bytes) {
        return new Quantity(bytes, Dimension.DATA_SIZE);
    }

    public static Quantity bytesPerSecond(double bytesPerSecond) {
        return new Quantity(bytesPerSecond, Dimension.DATA_RATE);
    }

    /**
     * Parses {@code "<number> <unit>"} (space optional) in the expected dimension.
     *
     * @throws UnitException with a message that says what was expected
     */
    public static Quantity parse(String text, Dimension expected) {
        Matcher m = SYNTAX.matcher(text);
        if (!m.matches()) {
            throw new UnitException("'" + text + "' is not a number with a unit", expected);
        }
        double number = Double.parseDouble(m.group(1));
        String unit = m.group(2) == null ? "" : m.group(2);
        Double factor = expected.factor(unit).orElse(null);
        if (factor == null) {
            // A missing unit is reported as such, not as the unit of ratios ("").
            String problem = unit.isEmpty()
                    ? "'" + text.strip() + "' has no unit"
                    : Dimension.ofUnit(unit)
                            .map(d -> "unit '" + unit + "' is " + article(d) + " "
                                    + d.name().toLowerCase(Locale.ROOT).replace('_', ' ') + ", which does not fit here")
                            .orElseGet(() -> "unknown unit '" + unit + "'");
            throw new UnitException(problem, expected);
        }
        return new Quantity(number * factor, expected);
    }

    /** The value in canonical units as a long, rounded (nanoseconds, bytes...). */
    public long longValue() {
        return Math.round(value);
    }

    /** Human form with a well-chosen unit: "1.65 ms", "400 MB/s", "4 KiB". Locale-independent. */
    public String format() {
        return UnitFormat.format(value, dimension);
    }

    /**
     * This quantity with an interval in the same unit: "1.65 ms [1.58, 1.72]"; an infinite end
     * shows as "∞".
     */
    public String formatWithInterval(double low, double high) {
        return format() + " [" + UnitFormat.numberLike(low, value, dimension) + ", "
                + UnitFormat.numberLike(high, value, dimension) + "]";
    }

    @Override
    public String toString() {
        return format();
    }

    private static String article(Dimension d) {
        return d == Dimension.OP_RATE ? "an" : "a";
    }

    /** A quantity that could not be parsed; the message names the expected form. */
    public static final class UnitException extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;
        private final String problem;
        private final Dimension expected;

        UnitException(String problem, Dimension expected) {
            super(problem + "; expected " + expected.description());
            this.problem = problem;
            this.expected = expected;
        }

        public String problem() {
            return problem;
        }

        public Dimension expected() {
            return expected;
        }
    }
}
