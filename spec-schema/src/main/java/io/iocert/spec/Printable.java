package io.iocert.spec;

import java.io.FilterWriter;
import java.io.IOException;
import java.io.Writer;
import java.util.Locale;
import java.util.Optional;

/**
 * The one rule for text that came from outside (host names, spec names, file names, values
 * quoted in messages) on its way to a terminal or an exported file. A code point is
 * <em>unprintable</em> when it is a control character (C0, DEL, C1: ESC, BEL, CR, LF...), a
 * format character (zero-width and bidirectional overrides), a line or paragraph separator, or a
 * lone surrogate. Such text is either refused ({@link #problem}: exporters, whose files are
 * parsed by line) or shown escaped ({@link #escape}: terminals and messages), never passed raw.
 *
 * <p>Escapes: {@code \n}, {@code \r}, {@code \t}, else {@code \xHH} below U+0100 and
 * {@code \\u{HHHH}} above. The escaped form is for people to read; it is not meant to be parsed
 * back.
 */
public final class Printable {

    private Printable() {}

    /** Whether {@code cp} may be shown or exported as it is. */
    public static boolean isPrintable(int cp) {
        return switch (Character.getType(cp)) {
            case Character.CONTROL,
                    Character.FORMAT,
                    Character.LINE_SEPARATOR,
                    Character.PARAGRAPH_SEPARATOR,
                    Character.SURROGATE -> false;
            default -> true;
        };
    }

    /** {@code s} with every unprintable code point escaped; null stays null. */
    public static String escape(String s) {
        return escape(s, false);
    }

    /** As {@link #escape}, but line feeds are kept: for multi-line messages and reports. */
    public static String escapeLines(String s) {
        return escape(s, true);
    }

    private static String escape(String s, boolean keepLineFeeds) {
        if (s == null || clean(s, keepLineFeeds)) {
            return s;
        }
        StringBuilder b = new StringBuilder(s.length() + 8);
        s.codePoints().forEach(cp -> append(b, cp, keepLineFeeds));
        return b.toString();
    }

    private static boolean clean(String s, boolean keepLineFeeds) {
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            if (!isPrintable(cp) && !(keepLineFeeds && cp == '\n')) {
                return false;
            }
            i += Character.charCount(cp);
        }
        return true;
    }

    private static void append(StringBuilder b, int cp, boolean keepLineFeeds) {
        if (isPrintable(cp) || keepLineFeeds && cp == '\n') {
            b.appendCodePoint(cp);
        } else if (cp == '\n') {
            b.append("\\n");
        } else if (cp == '\r') {
            b.append("\\r");
        } else if (cp == '\t') {
            b.append("\\t");
        } else if (cp < 0x100) {
            b.append(String.format(Locale.ROOT, "\\x%02X", cp));
        } else {
            b.append(String.format(Locale.ROOT, "\\u{%04X}", cp));
        }
    }

    /**
     * What makes {@code s} unfit for a line-based file, if anything: "holds an unprintable
     * character (U+000A) at position 5". Empty when every code point is printable.
     */
    public static Optional<String> problem(String s) {
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            if (!isPrintable(cp)) {
                return Optional.of(String.format(
                        Locale.ROOT,
                        "holds an unprintable character (U+%04X) at position %d",
                        cp,
                        s.codePointCount(0, i) + 1));
            }
            i += Character.charCount(cp);
        }
        return Optional.empty();
    }

    /** A writer that passes text on with unprintable code points escaped, line feeds kept. */
    public static Writer writer(Writer out) {
        return new FilterWriter(out) {
            private char pendingHigh;

            @Override
            public void write(int c) throws IOException {
                char ch = (char) c;
                if (pendingHigh != 0) {
                    char high = pendingHigh;
                    pendingHigh = 0;
                    if (Character.isLowSurrogate(ch)) {
                        out.write(escapeLines(new String(new char[] {high, ch})));
                        return;
                    }
                    out.write(escapeLines(String.valueOf(high)));
                }
                if (Character.isHighSurrogate(ch)) {
                    pendingHigh = ch;
                    return;
                }
                out.write(escapeLines(String.valueOf(ch)));
            }

            @Override
            public void write(char[] cbuf, int off, int len) throws IOException {
                for (int i = 0; i < len; i++) {
                    write(cbuf[off + i]);
                }
            }

            @Override
            public void write(String str, int off, int len) throws IOException {
                for (int i = 0; i < len; i++) {
                    write(str.charAt(off + i));
                }
            }

            @Override
            public void flush() throws IOException {
                if (pendingHigh != 0) {
                    out.write(escapeLines(String.valueOf(pendingHigh)));
                    pendingHigh = 0;
                }
                out.flush();
            }
        };
    }
}
