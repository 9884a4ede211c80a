package io.iocert.certifier.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The test's exposition reader must catch what it is there to catch. */
class ExpositionTest {
    private static final String HEAD = "# HELP m a metric\n# TYPE m gauge\n";

    @Test
    void shouldReadAValidExposition() {
        var samples = Exposition.parse(HEAD + "m{a=\"x\\\\y\\\"z\\n\"} +Inf\nm{a=\"2\"} 1.5e-3\n");
        assertEquals(2, samples.size());
        assertEquals("x\\y\"z\n", samples.get(0).labels().get("a"));
    }

    @ParameterizedTest(name = "{1}")
    @CsvSource(
            delimiter = '|',
            value = {
                "m{a=\"1\"} 1\\nm{a=\"1\"} 2\\n|duplicate series",
                "m{a=\"\\t\"} 1\\n|bad escape",
                "m{a=\"1} 1\\n|unterminated label value",
                "m{a=1} 1\\n|label value not quoted",
                "m{1a=\"x\"} 1\\n|bad label name",
                "m{a=\"1\",a=\"2\"} 1\\n|label a twice",
                "m 1,5\\n|bad value",
                "m 1 1700000000\\n|bad value",
                "n 1\\n|sample before the TYPE",
                "# TYPE m gauge\\nm 1\\n|second TYPE",
                "# HELP n x\\n# TYPE n gauge\\nn 1\\nm 2\\n|not together",
                "m 1|must end with a line feed",
                "m{a=\"1\"} 1\\nm{b=\"1\"} 1\\n|label names differ",
            })
    void shouldRejectBrokenExpositions(String body, String problem) {
        String text = HEAD + body.replace("\\n", "\n");
        AssertionError e = assertThrows(AssertionError.class, () -> Exposition.parse(text));
        assertTrue(e.getMessage().contains(problem), e.getMessage());
    }
}
