package io.iocert.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringWriter;
import java.io.Writer;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PrintableTest {

    @Test
    void shouldEscapeTerminalControlsAndKeepEverythingElse() {
        assertEquals("node\\x1B]0;owned\\x07\\r\\nx", Printable.escape("node\u001b]0;owned\u0007\r\nx"));
        assertEquals("évian-ç 東京 ✓ a\\b", Printable.escape("évian-ç 東京 ✓ a\\b"));
        assertEquals("rtl\\u{202E}txt \\x85 \\x7F \\u{2028}", Printable.escape("rtl\u202etxt \u0085 \u007f \u2028"));
        assertEquals("line one\nline\\x1B two", Printable.escapeLines("line one\nline\u001b two"));
    }

    @Test
    void shouldSayWhereTheFirstUnprintableCharacterIs() {
        assertEquals(Optional.of("holds an unprintable character (U+000A) at position 4"), Printable.problem("cn1\nx"));
        assertEquals(Optional.empty(), Printable.problem("cn1.example.org"));
        assertEquals(
                Optional.of("holds an unprintable character (U+D800) at position 2"), Printable.problem("a\ud800"));
    }

    @Test
    void shouldEscapeWhatPassesThroughAWriterEvenAcrossWrites() throws Exception {
        StringWriter out = new StringWriter();
        Writer w = Printable.writer(out);
        w.write("ok 😀 \u001b[31mred");
        w.write("\ud83d");
        w.write("\ude00\n\u0007");
        w.flush();
        assertEquals("ok 😀 \\x1B[31mred😀\n\\x07", out.toString());
        assertTrue(Printable.isPrintable('a'));
    }
}
