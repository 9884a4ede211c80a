package io.iocert.results;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Machine output must not depend on the default locale: the sample result is written under
 * each of {@link DefaultLocale#unfriendly()} and compared byte for byte with a file under
 * src/test/resources/golden.
 *
 * <p>Run with {@code -Diocert.golden.update=true} to rewrite the golden files after a deliberate
 * format change, then review the diff.
 */
class ResultJsonGoldenTest {

    private static final Pattern HISTOGRAM = Pattern.compile("\"histogram\": \"([^\"]*)\"");

    static Stream<Locale> locales() {
        return DefaultLocale.unfriendly();
    }

    @ParameterizedTest
    @MethodSource("locales")
    void shouldWriteJsonEqualToGoldenFileUnderAnyDefaultLocale(Locale locale) throws IOException {
        String actual = DefaultLocale.with(
                locale, () -> new String(ResultCodec.toJson(SampleResults.sample()), StandardCharsets.UTF_8));
        String golden = golden("result.json", actual);
        // Histograms are zlib-compressed and zlib builds may compress differently, so the
        // payloads are compared by what they decode to, and the rest byte for byte.
        assertEquals(withoutHistograms(golden), withoutHistograms(actual));
        Result fromGolden = assertDoesNotThrowFormat(golden);
        assertEquals(SampleResults.sample(), fromGolden);
    }

    private static Result assertDoesNotThrowFormat(String json) {
        try {
            return ResultCodec.fromJson(json.getBytes(StandardCharsets.UTF_8), "golden/result.json");
        } catch (ResultFormatException e) {
            throw new AssertionError(e.getMessage(), e);
        }
    }

    private static String withoutHistograms(String json) {
        Matcher m = HISTOGRAM.matcher(json);
        return m.replaceAll("\"histogram\": \"<compressed histogram>\"");
    }

    static String golden(String name, String actual) throws IOException {
        if (Boolean.getBoolean("iocert.golden.update")) {
            Path file = Path.of("src/test/resources/golden", name);
            Files.writeString(file, actual, StandardCharsets.UTF_8);
            return actual;
        }
        try (InputStream in = ResultJsonGoldenTest.class.getResourceAsStream("/golden/" + name)) {
            if (in == null) {
                throw new AssertionError("missing golden file golden/" + name
                        + "; run the tests once with -Diocert.golden.update=true to create it");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
