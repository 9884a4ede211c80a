package io.iocert.results;

import com.fasterxml.jackson.core.io.NumberOutput;
import java.math.BigDecimal;

/**
 * Locale-independent text for numbers in machine output (JSON, CSV).
 *
 * <p>A measured value ({@link #measured}) is written in the shortest decimal form that reads
 * back to the same double, and without exponent where that stays short: whole numbers below
 * 10^15 as integers ({@code 1650000}, not {@code 1650000.0} or {@code 1.65E6}), other values
 * from 0.001 up to 10^15 in plain notation ({@code 0.25}, {@code 412345678.9}), anything else
 * in scientific notation ({@code 1.0E-5}, {@code 1.0E20}). The canonical units (ns, B/s) make
 * most values large and whole, and people read these files.
 *
 * <p>The shortest form comes from jackson-core's Schubfach implementation rather than
 * {@link Double#toString}, whose output changed in JDK 19, so files do not depend on the JDK
 * that wrote them.
 */
public final class Numbers {

    /** Whole numbers below this are written as integers; every long up to it is an exact double. */
    private static final double PLAIN_LIMIT = 1e15;

    private static final double PLAIN_FLOOR = 1e-3;

    private Numbers() {}

    /**
     * The text of a measured value, or {@code null} when the value is NaN or infinite (JSON has
     * no such numbers).
     */
    public static String measured(double value) {
        if (!Double.isFinite(value)) {
            return null;
        }
        double magnitude = Math.abs(value);
        if (magnitude >= PLAIN_LIMIT || isNegativeZero(value)) {
            return NumberOutput.toString(value, true);
        }
        if (value == Math.rint(value)) {
            return Long.toString((long) value);
        }
        String shortest = NumberOutput.toString(value, true);
        return magnitude >= PLAIN_FLOOR ? new BigDecimal(shortest).toPlainString() : shortest;
    }

    /**
     * The text of a double that must read back as a double, never as an integer ({@code 1.0},
     * {@code 1.0E7}); {@code null} when not finite.
     */
    static String typedDouble(double value) {
        return Double.isFinite(value) ? NumberOutput.toString(value, true) : null;
    }

    private static boolean isNegativeZero(double value) {
        return value == 0.0 && Double.doubleToRawLongBits(value) != 0L;
    }
}
