package io.iocert.spec;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Turns a spec file's bytes into text, refusing what is not a small UTF-8 text file before any
 * parser sees it: files over {@link #MAX_BYTES}, binary data, invalid UTF-8, control characters.
 */
final class SourceText {
    /** Largest spec accepted; real specs are a few KiB. */
    static final int MAX_BYTES = 1024 * 1024;

    private static final String EXPECTED_SIZE = "a spec of at most 1 MiB";
    private static final String EXPECTED_TEXT = "a YAML or JSON text file in UTF-8";

    private SourceText() {}

    /** Reads at most {@link #MAX_BYTES} + 1 bytes of {@code file} and decodes them. */
    static String read(Path file, String source) throws SpecException {
        if (Files.isDirectory(file)) {
            throw fileError(source, "is a directory", "a spec file");
        }
        byte[] bytes;
        try {
            long size = Files.size(file);
            if (size > MAX_BYTES) {
                throw fileError(source, "file is " + megabytes(size), EXPECTED_SIZE);
            }
            try (InputStream in = Files.newInputStream(file)) {
                // Bounded even when the size lied (a pipe, a device, a file that grew).
                bytes = in.readNBytes(MAX_BYTES + 1);
            }
        } catch (NoSuchFileException e) {
            throw fileError(source, "no such file", "a readable spec file");
        } catch (AccessDeniedException e) {
            throw fileError(source, "permission denied", "a readable spec file");
        } catch (IOException e) {
            throw fileError(
                    source, "cannot read the file (" + e.getClass().getSimpleName() + ")", "a readable spec file");
        }
        if (bytes.length > MAX_BYTES) {
            throw fileError(source, "file is larger than 1 MiB", EXPECTED_SIZE);
        }
        return decode(bytes, source);
    }

    /** Decodes UTF-8 strictly, rejecting NUL bytes, UTF-16 and malformed sequences with their location. */
    static String decode(byte[] bytes, String source) throws SpecException {
        if (bytes.length >= 2
                && ((bytes[0] == (byte) 0xFE && bytes[1] == (byte) 0xFF)
                        || (bytes[0] == (byte) 0xFF && bytes[1] == (byte) 0xFE))) {
            throw new SpecException(source, 1, 1, null, "file is UTF-16 text", EXPECTED_TEXT);
        }
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == 0) {
                Mark m = byteMark(bytes, i);
                throw new SpecException(
                        source, m.line(), m.column(), null, "file contains a NUL byte (binary data?)", EXPECTED_TEXT);
            }
        }
        CharsetDecoder decoder = StandardCharsets.UTF_8
                .newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        CharBuffer out = CharBuffer.allocate(bytes.length + 1);
        CoderResult result = decoder.decode(in, out, true);
        if (result.isError()) {
            String decoded = out.flip().toString();
            Mark m = charMark(decoded, decoded.length());
            throw new SpecException(
                    source,
                    m.line(),
                    m.column(),
                    null,
                    String.format(Locale.ROOT, "invalid UTF-8 byte 0x%02X", bytes[in.position()] & 0xFF),
                    EXPECTED_TEXT);
        }
        decoder.flush(out);
        return check(out.flip().toString(), source);
    }

    /**
     * Checks text that is already decoded: size in UTF-8 and control characters. Drops a leading
     * byte order mark.
     */
    static String check(String text, String source) throws SpecException {
        long utf8Bytes = utf8Length(text);
        if (utf8Bytes > MAX_BYTES) {
            throw fileError(source, "spec is " + megabytes(utf8Bytes), EXPECTED_SIZE);
        }
        String t = text.startsWith("\uFEFF") ? text.substring(1) : text;
        for (int i = 0; i < t.length(); i++) {
            char c = t.charAt(i);
            if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7F) {
                Mark m = charMark(t, i);
                String problem = c == 0
                        ? "text contains a NUL character (binary data?)"
                        : String.format(Locale.ROOT, "control character U+%04X", (int) c);
                throw new SpecException(
                        source,
                        m.line(),
                        m.column(),
                        null,
                        problem,
                        c == 0 ? EXPECTED_TEXT : "printable text (tab, line feed and carriage return are allowed)");
            }
        }
        return t;
    }

    /** "50.0 MB": decimal megabytes with one decimal, locale-independent. */
    static String megabytes(long bytes) {
        return String.format(Locale.ROOT, "%.1f MB", bytes / 1e6);
    }

    private static SpecException fileError(String source, String problem, String expected) {
        return new SpecException(source, 0, 0, null, problem, expected);
    }

    private static long utf8Length(String s) {
        long n = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                n += 1;
            } else if (c < 0x800) {
                n += 2;
            } else if (Character.isHighSurrogate(c)
                    && i + 1 < s.length()
                    && Character.isLowSurrogate(s.charAt(i + 1))) {
                n += 4;
                i++;
            } else {
                n += 3;
            }
        }
        return n;
    }

    private static Mark byteMark(byte[] bytes, int offset) {
        int line = 1;
        int lineStart = 0;
        for (int i = 0; i < offset; i++) {
            if (bytes[i] == '\n') {
                line++;
                lineStart = i + 1;
            }
        }
        return new Mark(line, offset - lineStart + 1);
    }

    static Mark charMark(String text, int offset) {
        int line = 1;
        int lineStart = 0;
        for (int i = 0; i < offset && i < text.length(); i++) {
            if (text.charAt(i) == '\n') {
                line++;
                lineStart = i + 1;
            }
        }
        return new Mark(line, offset - lineStart + 1);
    }
}
