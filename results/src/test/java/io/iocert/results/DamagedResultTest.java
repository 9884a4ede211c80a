package io.iocert.results;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Each damaged variant of a good document is refused with a message naming the file, the field
 * and what was expected, and never with a bare parser message.
 */
class DamagedResultTest {

    private static final String GOOD = new String(ResultCodec.toJson(SampleResults.sample()), StandardCharsets.UTF_8);
    private static final String LATENCY_HISTOGRAM = ResultJsonWriter.encode(SampleResults.latencyHistogram());

    static Stream<Arguments> damages() {
        return Stream.of(
                damage(
                        "another document format",
                        replace("\"iocert-result/2\"", "\"iocert-report/1\""),
                        "r.json: format is 'iocert-report/1'; expected iocert-result/2 or iocert-result/1"),
                damage(
                        "a newer result version",
                        replace("\"iocert-result/2\"", "\"iocert-result/3\""),
                        "r.json: format is 'iocert-result/3'; expected iocert-result/2 or iocert-result/1"
                                + " (written by a newer iocert? this one reads iocert-result/2 or iocert-result/1)"),
                damage(
                        "no format",
                        replace("\"format\": \"iocert-result/2\",", ""),
                        "r.json: format is missing; expected iocert-result/2 or iocert-result/1 (is this an iocert result file?)"),
                damage(
                        "format of the wrong type",
                        replace("\"iocert-result/2\"", "1"),
                        "r.json: format is 1; expected iocert-result/2 or iocert-result/1"),
                damage(
                        "truncated",
                        s -> s.substring(0, s.indexOf("\"p90\": 38527")),
                        "r.json: the JSON ends early at line 91, column 9; the file looks truncated"),
                damage(
                        "truncated inside a string",
                        s -> s.substring(0, s.indexOf("B/s")),
                        "r.json: the JSON ends early at line 51, column 16; the file looks truncated"),
                damage(
                        "empty",
                        s -> "",
                        "r.json: the document is empty; expected a JSON object with format iocert-result/2 or iocert-result/1"),
                damage(
                        "an array at the top",
                        s -> "[" + s + "]",
                        "r.json: the document is an array; expected a JSON object with format iocert-result/2 or iocert-result/1"),
                damage(
                        "not JSON at all",
                        s -> "format: iocert-result/1\n",
                        "r.json: not valid JSON at line 1, column 8: Unrecognized token 'format':"
                                + " was expecting (JSON String, Number, Array, Object or token 'null', 'true' or 'false')"),
                damage(
                        "a stray closing brace",
                        s -> s + "}",
                        "r.json: not valid JSON at line 114, column 1: Unexpected close marker '}': expected ']'"),
                damage(
                        "a second document",
                        s -> s + "{}",
                        "r.json: more JSON follows the document at line 114, column 1; expected one JSON object"),
                damage(
                        "a duplicated key",
                        replace(
                                "\"toolVersion\": \"0.1.0\",",
                                "\"toolVersion\": \"0.1.0\", \"toolVersion\": \"0.2.0\","),
                        "r.json: not valid JSON at line 3, column 40: Duplicate field 'toolVersion'"),
                damage(
                        "histogram not base64",
                        replace(LATENCY_HISTOGRAM, "not*base64"),
                        "r.json: measurements[0].histogram is not valid base64 (Illegal base64 character 2a);"
                                + " expected a base64 HdrHistogram from encodeIntoCompressedByteBuffer"),
                damage(
                        "histogram bytes corrupt",
                        replace(LATENCY_HISTOGRAM, corrupt(LATENCY_HISTOGRAM)),
                        "r.json: measurements[0].histogram holds no readable histogram (…);"
                                + " expected a base64 HdrHistogram from encodeIntoCompressedByteBuffer"),
                damage(
                        "histogram of another kind",
                        replace(LATENCY_HISTOGRAM, "AAAAAAAAAAAAAAAA"),
                        "r.json: measurements[0].histogram holds no readable histogram (cookie 0x00000000 is not"
                                + " HdrHistogram's compressed V2 encoding); expected a base64 HdrHistogram from"
                                + " encodeIntoCompressedByteBuffer"),
                damage(
                        "a unit the metric is not measured in",
                        replace("\"unit\": \"ns\",", "\"unit\": \"parsecs\","),
                        "r.json: measurements[0].unit is 'parsecs'; expected 'ns', the unit every latency value is"
                                + " written in"),
                damage(
                        "a negative rate",
                        replace("[412345678.91, 412000000, null", "[412345678.91, -412000000, null"),
                        "r.json: measurements[1].intervals.values[1] is -412000000; expected a rate of at least 0"
                                + " (or null)"),
                damage(
                        "histogram of the wrong type",
                        replace("\"" + LATENCY_HISTOGRAM + "\"", "[1, 2]"),
                        "r.json: measurements[0].histogram is an array;"
                                + " expected a base64 HdrHistogram from encodeIntoCompressedByteBuffer"),
                damage(
                        "a measurement without unit",
                        replace("\"unit\": \"B/s\",", ""),
                        "r.json: measurements[1].unit is missing; expected a string"),
                damage(
                        "samples as a string",
                        replace("\"samples\": 2000,", "\"samples\": \"2000\","),
                        "r.json: measurements[0].samples is '2000'; expected a non-negative integer"),
                damage(
                        "samples negative",
                        replace("\"samples\": 2000,", "\"samples\": -1,"),
                        "r.json: measurements[0].samples is -1; expected a non-negative integer"),
                damage(
                        "a statistic that is not a number",
                        replace("\"p99\": 2000000.5,", "\"p99\": \"2 ms\","),
                        "r.json: measurements[0].summary.p99 is '2 ms'; expected a number or null"
                                + " (null stands for NaN)"),
                damage(
                        "a statistic missing",
                        replace("\"p999\": 1.0E20,", ""),
                        "r.json: measurements[0].summary.p999 is missing; expected a number or null"
                                + " (null stands for NaN)"),
                damage(
                        "an interval value that is not a number",
                        replace("[412345678.91, 412000000, null", "[412345678.91, true, null"),
                        "r.json: measurements[1].intervals.values[1] is true; expected a number or null"
                                + " (null stands for NaN)"),
                damage(
                        "an interval length of zero",
                        replace("\"intervalNs\": 1000000000,", "\"intervalNs\": 0,"),
                        "r.json: measurements[1].intervals.intervalNs is 0; expected a positive integer (nanoseconds)"),
                damage(
                        "regimes that leave a gap",
                        replace(
                                "\"intervalNs\": 1000000000,",
                                "\"intervalNs\": 1000000000,"
                                        + " \"regimes\": [{\"from\": 0, \"to\": 2, \"rate\": 4e8, \"low\": 3e8, \"high\": 5e8},"
                                        + " {\"from\": 3, \"to\": 4, \"rate\": 4e8, \"low\": 3e8, \"high\": 5e8}],"),
                        "r.json: measurements[1].intervals.regimes[1].from is 3; expected the interval index where the"
                                + " previous regime ended (2)"),
                damage(
                        "regimes that stop short",
                        replace(
                                "\"intervalNs\": 1000000000,",
                                "\"intervalNs\": 1000000000,"
                                        + " \"regimes\": [{\"from\": 0, \"to\": 2, \"rate\": 4e8, \"low\": 3e8, \"high\": 5e8}],"),
                        "r.json: measurements[1].intervals.regimes is …; expected regimes covering all 4 intervals (they end at 2)"),
                damage(
                        "a start time that is not a time",
                        replace("\"2026-11-23T10:15:30Z\"", "\"yesterday\""),
                        "r.json: startedAt is 'yesterday'; expected an ISO-8601 UTC time such as 2026-11-23T10:15:30Z"),
                damage(
                        "no end time",
                        replace("\"endedAt\": \"2026-11-23T10:16:42.250Z\",", ""),
                        "r.json: endedAt is missing; expected a string"),
                damage(
                        "node not an object",
                        replace("\"node\": {", "\"node\": 7, \"x\": {"),
                        "r.json: node is 7; expected an object"),
                damage(
                        "a node value that is an object",
                        replace("\"smt\": true", "\"smt\": {}"),
                        "r.json: node.smt is an object; expected a string, number or boolean"),
                damage(
                        "a workload value that is an object",
                        replace("\"direct\": true", "\"direct\": {\"a\": 1}"),
                        "r.json: measurements[0].workload.direct is an object;"
                                + " expected a string, number, boolean or null"),
                damage(
                        "a context value that is a number",
                        replace("\"peer\": \"loopback\"", "\"peer\": 1"),
                        "r.json: measurements[2].context.peer is 1; expected a string"),
                damage(
                        "no measurements",
                        replace("\"measurements\": [", "\"measured\": ["),
                        "r.json: measurements is missing; expected an array of measurements"),
                damage(
                        "a measurement that is a string",
                        replace("\"measurements\": [", "\"measurements\": [\"x\","),
                        "r.json: measurements[0] is 'x'; expected a measurement object"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("damages")
    void shouldRefuseDamagedDocumentNamingFileFieldAndExpectation(
            String what, UnaryOperator<String> damage, String expected) {
        byte[] damaged = damage.apply(GOOD).getBytes(StandardCharsets.UTF_8);

        ResultFormatException e =
                assertThrows(ResultFormatException.class, () -> ResultCodec.fromJson(damaged, "r.json"));

        assertMatches(expected, e.getMessage());
        assertFalse(e.getMessage().contains("\n"), "one line");
        assertFalse(e.getMessage().contains("[Source"), "no parser excerpt");
    }

    /**
     * Exact comparison, except that "…" stands for any text: zlib's wording for a damaged stream
     * is not ours to fix.
     */
    private static void assertMatches(String expected, String actual) {
        String regex = Stream.of(expected.split("…", -1)).map(Pattern::quote).collect(Collectors.joining(".+"));
        if (!actual.matches(regex)) {
            assertEquals(expected, actual);
        }
    }

    private static Arguments damage(String what, UnaryOperator<String> damage, String expected) {
        return Arguments.of(what, damage, expected);
    }

    /** Replaces the first occurrence, failing when there is none (the sample changed). */
    private static UnaryOperator<String> replace(String target, String replacement) {
        return s -> {
            int at = s.indexOf(target);
            assertNotEquals(-1, at, "sample lacks " + target);
            return s.substring(0, at) + replacement + s.substring(at + target.length());
        };
    }

    /** The same histogram with bytes in the middle of the deflated stream flipped. */
    private static String corrupt(String base64) {
        byte[] bytes = Base64.getDecoder().decode(base64);
        for (int i = 20; i < 28; i++) {
            bytes[i] ^= (byte) 0x5a;
        }
        return Base64.getEncoder().encodeToString(bytes);
    }
}
