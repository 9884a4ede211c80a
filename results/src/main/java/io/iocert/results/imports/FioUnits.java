package io.iocert.results.imports;

import java.util.Locale;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * fio's option values as fio reads them. Sizes: a number with an optional prefix k, m, g, t, p;
 * by default ({@code kb_base=1024}) "4k" and "4KB" are 4096 bytes and the IEC forms ("4KiB")
 * are powers of ten, fio's compatibility rule; with {@code kb_base=1000} the other way round.
 * Times: a number with an optional unit (us, ms, s, m, h, d), seconds when there is none.
 */
final class FioUnits {
    private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*(?:([kmgtp])(i?)b?)?\\s*", Pattern.CASE_INSENSITIVE);
    private static final Pattern TIME =
            Pattern.compile("(\\d+)\\s*(us|usec|ms|msec|s|sec|m|min|h|d)?\\s*", Pattern.CASE_INSENSITIVE);

    private FioUnits() {}

    /** Bytes, or empty when the text is not a single size (a range "4k-16k", a split "4k/50:8k/50"). */
    static OptionalLong size(String text, boolean kbBase1000) {
        Matcher m = SIZE.matcher(text);
        if (!m.matches()) {
            return OptionalLong.empty();
        }
        long n;
        try {
            n = Long.parseLong(m.group(1));
        } catch (NumberFormatException e) {
            return OptionalLong.empty();
        }
        if (m.group(2) == null) {
            return OptionalLong.of(n);
        }
        int power = "kmgtp".indexOf(m.group(2).toLowerCase(Locale.ROOT)) + 1;
        boolean iec = !m.group(3).isEmpty();
        long base = iec == kbBase1000 ? 1024 : 1000;
        long factor = 1;
        for (int i = 0; i < power; i++) {
            factor = Math.multiplyExact(factor, base);
        }
        try {
            return OptionalLong.of(Math.multiplyExact(n, factor));
        } catch (ArithmeticException e) {
            return OptionalLong.empty();
        }
    }

    /** Nanoseconds, or empty when the text is not a time. */
    static OptionalLong timeNs(String text) {
        Matcher m = TIME.matcher(text);
        if (!m.matches()) {
            return OptionalLong.empty();
        }
        long n;
        try {
            n = Long.parseLong(m.group(1));
        } catch (NumberFormatException e) {
            return OptionalLong.empty();
        }
        String unit = m.group(2) == null ? "s" : m.group(2).toLowerCase(Locale.ROOT);
        long factor = switch (unit) {
            case "us", "usec" -> 1_000L;
            case "ms", "msec" -> 1_000_000L;
            case "m", "min" -> 60_000_000_000L;
            case "h" -> 3_600_000_000_000L;
            case "d" -> 86_400_000_000_000L;
            default -> 1_000_000_000L;
        };
        try {
            return OptionalLong.of(Math.multiplyExact(n, factor));
        } catch (ArithmeticException e) {
            return OptionalLong.empty();
        }
    }
}
