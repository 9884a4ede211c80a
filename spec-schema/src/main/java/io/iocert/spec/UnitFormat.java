package io.iocert.spec;

import java.math.BigDecimal;
import java.math.MathContext;

/** Locale-independent human formatting of canonical values. */
final class UnitFormat {
    private UnitFormat() {}

    static String format(double value, Dimension dimension) {
        double abs = Math.abs(value);
        return switch (dimension) {
            case DURATION ->
                abs >= 60e9
                        ? scaled(value, 60e9, "min")
                        : abs >= 1e9
                                ? scaled(value, 1e9, "s")
                                : abs >= 1e6
                                        ? scaled(value, 1e6, "ms")
                                        : abs >= 1e3 ? scaled(value, 1e3, "us") : scaled(value, 1, "ns");
            case DATA_SIZE -> binary(value, "B", "KiB", "MiB", "GiB", "TiB");
            case DATA_RATE -> decimal(value, "B/s", "KB/s", "MB/s", "GB/s", "TB/s");
            case OP_RATE -> decimal(value, "ops/s", "kops/s", "Mops/s");
            case FLOP_RATE -> decimal(value, "FLOP/s", "kFLOP/s", "MFLOP/s", "GFLOP/s", "TFLOP/s");
            case RATIO -> number(value);
        };
    }

    /**
     * {@code value} as a bare number in the unit {@link #format} would choose for {@code reference}
     * ("1.58" next to "1.65 ms"); infinity as "∞".
     */
    static String numberLike(double value, double reference, Dimension dimension) {
        if (Double.isInfinite(value)) {
            return value > 0 ? "\u221e" : "-\u221e";
        }
        double abs = Math.abs(reference);
        double factor = switch (dimension) {
            case DURATION -> abs >= 60e9 ? 60e9 : abs >= 1e9 ? 1e9 : abs >= 1e6 ? 1e6 : abs >= 1e3 ? 1e3 : 1;
            case DATA_SIZE -> stepFactor(abs, 1024, 4);
            case DATA_RATE, FLOP_RATE -> stepFactor(abs, 1000, 4);
            case OP_RATE -> stepFactor(abs, 1000, 2);
            case RATIO -> 1;
        };
        return number(value / factor);
    }

    private static double stepFactor(double abs, double step, int maxSteps) {
        double f = 1;
        for (int i = 0; i < maxSteps && abs >= step * f; i++) {
            f *= step;
        }
        return f;
    }

    private static String decimal(double value, String... units) {
        int i = 0;
        double v = value;
        while (Math.abs(v) >= 1000 && i < units.length - 1) {
            v /= 1000;
            i++;
        }
        return number(v) + " " + units[i];
    }

    private static String binary(double value, String... units) {
        int i = 0;
        double v = value;
        while (Math.abs(v) >= 1024 && i < units.length - 1) {
            v /= 1024;
            i++;
        }
        return number(v) + " " + units[i];
    }

    private static String scaled(double value, double factor, String unit) {
        return number(value / factor) + " " + unit;
    }

    /** Three significant digits, no exponent, no trailing zeros: 1.65, 400, 0.0123. */
    static String number(double v) {
        if (v == 0) {
            return "0";
        }
        BigDecimal d = new BigDecimal(v).round(new MathContext(3));
        return d.stripTrailingZeros().toPlainString();
    }
}
