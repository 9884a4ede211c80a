package io.iocert.results.imports;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.iocert.results.ResultFormatException;
import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Damaged inputs are refused with a message naming the file, the line or field, and what was expected. */
class DamagedImportTest {

    static Stream<Arguments> damaged() {
        return Stream.of(
                Arguments.of(
                        ImportFormat.FIO,
                        "fio-truncated.json",
                        "fio-truncated.json: the JSON ends early at line 116,"
                                + " column 21; the file looks truncated (expected fio JSON output (fio --output-format=json or json+))"),
                Arguments.of(
                        ImportFormat.FIO,
                        "fio-wrong-type.json",
                        "fio-wrong-type.json: jobs[0].read.total_ios is the string 'many'; expected a non-negative integer"),
                Arguments.of(
                        ImportFormat.FIO,
                        "fio-no-jobs.json",
                        "fio-no-jobs.json: jobs is missing; expected an array"
                                + " of jobs (is this fio --output-format=json output?)"),
                Arguments.of(
                        ImportFormat.FIO,
                        "fio-empty-jobs.json",
                        "fio-empty-jobs.json: jobs is empty; expected at least one job (did fio run any?)"),
                Arguments.of(
                        ImportFormat.FIO,
                        "osu-latency.txt",
                        "osu-latency.txt: holds no JSON object (no line starts"
                                + " with '{'); expected fio JSON output (fio --output-format=json or json+)"),
                Arguments.of(
                        ImportFormat.IPERF3, "fio-group.json", "fio-group.json: start is missing; expected an object"),
                Arguments.of(
                        ImportFormat.OSU,
                        "osu-latency-garbage-row.txt",
                        "osu-latency-garbage-row.txt: line 5:"
                                + " '2                       n/a' is not a row of osu_latency output; expected a message size"
                                + " in bytes and a latency in us, such as '8192  2.47'"),
                Arguments.of(
                        ImportFormat.OSU,
                        "fio-group.json",
                        "fio-group.json: no '# OSU MPI ... Test' title line;"
                                + " expected the text output of osu_latency or osu_bw"));
    }

    @ParameterizedTest(name = "{1} as {0}")
    @MethodSource("damaged")
    void shouldRefuseWithFileAndPlace(ImportFormat format, String fixture, String message) {
        ResultFormatException e = assertThrows(ResultFormatException.class, () -> Fixtures.load(format, fixture));
        assertEquals(message, e.getMessage());
    }

    static Stream<Arguments> variants() {
        return Stream.of(
                Arguments.of(
                        ImportFormat.FIO,
                        "{\"jobs\": [\n  {\"jobname\": \"a\"},\n",
                        "x: the JSON ends early at line 3, column 1; the file looks truncated (expected fio JSON output"
                                + " (fio --output-format=json or json+))"),
                Arguments.of(
                        ImportFormat.FIO,
                        "{\"jobs\": [{\"jobname\": \"a\", \"read\": {\"total_ios\": 0}}]}",
                        "x: no job did any reads, writes or syncs (every section has total_ios 0); nothing to import"),
                Arguments.of(
                        ImportFormat.FIO,
                        "note\n{\"jobs\": [{\"jobname\": \"a\",\n \"read\": {\"total_ios\": 3,,}}]}",
                        "x: not valid JSON at line 3, column 26: Unexpected character (',' (code 44)): was expecting double-quote"
                                + " to start field name (expected fio JSON output (fio --output-format=json or json+))"),
                Arguments.of(
                        ImportFormat.FIO,
                        "{\"jobs\": [{\"jobname\": \"a\", \"read\": {\"total_ios\": 3, \"runtime\": 1,"
                                + " \"bw_bytes\": 1, \"iops\": 1, \"clat_ns\": {\"mean\": 1, \"bins\": {\"fast\": 3}}}}],"
                                + " \"timestamp\": 1}",
                        "x: jobs[0].read.clat_ns.bins has the key 'fast'; expected latencies in ns as keys"),
                Arguments.of(
                        ImportFormat.IPERF3,
                        "{\"start\": {\"test_start\": {\"num_streams\": 1}, \"timestamp\":"
                                + " {\"timesecs\": 1}}, \"intervals\": [], \"end\": {}}",
                        "x: intervals is empty; expected iperf3's per-interval reports (did the test run?)"),
                Arguments.of(
                        ImportFormat.IPERF3,
                        "{\"start\": {\"test_start\": {\"num_streams\": 1}, \"timestamp\":"
                                + " {\"timesecs\": 1}}, \"intervals\": [{\"streams\": [], \"sum\": {\"seconds\": \"1\"}}], \"end\": {}}",
                        "x: intervals[0].sum.seconds is the string '1'; expected a number"),
                Arguments.of(
                        ImportFormat.OSU,
                        "# OSU MPI Bi-Directional Bandwidth Test v7.3\n# Size Bandwidth (MB/s)\n1 2\n",
                        "x: line 1: 'OSU MPI Bi-Directional Bandwidth Test v7.3' is not an OSU test iocert imports;"
                                + " expected the output of osu_latency (# OSU MPI Latency Test) or osu_bw (# OSU MPI"
                                + " Bandwidth Test)"),
                Arguments.of(
                        ImportFormat.OSU,
                        "# OSU MPI Latency Test v7.3\n# Size Latency (us)\n1 2\n1 3\n",
                        "x: line 4: the message size 1 appears twice; expected one row per size"),
                Arguments.of(
                        ImportFormat.FIO,
                        "{\"jobs\": [{\"jobname\": \"a\", \"read\": {\"total_ios\": 3, \"runtime\": 1,"
                                + " \"bw_bytes\": 1, \"iops\": 1, \"clat_ns\": {\"mean\": 1, \"bins\": {\"1000\": 9223372036854775000,"
                                + " \"2000\": 9223372036854775000}}}}], \"timestamp\": 1}",
                        "x: jobs[0].read.clat_ns.bins.2000: the bin counts add up to more than 2^63-1 samples; expected"
                                + " the I/Os fio counted"),
                Arguments.of(
                        ImportFormat.IPERF3,
                        "{\"start\": {\"test_start\": {\"num_streams\": 1}, \"timestamp\":"
                                + " {\"timesecs\": 1}}, \"intervals\": [{\"streams\": [], \"sum\": {\"seconds\": 1, \"bytes\":"
                                + " 9223372036854775000}, \"sum_bidir_reverse\": {\"bytes\": 9223372036854775000}}], \"end\": {}}",
                        "x: intervals[0]: the byte counts add up to more than 2^63-1; expected the bytes iperf3 moved"),
                Arguments.of(
                        ImportFormat.OSU,
                        "# OSU MPI Latency Test v7.3\n# Size Bandwidth (MB/s)\n1 2\n",
                        "x: line 2: the header 'Size Bandwidth (MB/s)' does not name the expected column; expected"
                                + " 'Latency (us)'"));
    }

    @ParameterizedTest(name = "{0}: {2}")
    @MethodSource("variants")
    void shouldRefuseVariantsClearly(ImportFormat format, String content, String message) {
        ResultFormatException e = assertThrows(
                ResultFormatException.class,
                () -> Importer.parse(
                        format,
                        content.getBytes(StandardCharsets.UTF_8),
                        "x",
                        Fixtures.MODIFIED,
                        ImportOptions.defaults()));
        assertEquals(message, e.getMessage());
    }

    @org.junit.jupiter.api.Test
    void shouldStopAHugeOsuFileAtTheDocumentBudget() {
        // 400,000 rows of 4.3 MB ran the old importer out of memory; each row is a measurement with a histogram.
        StringBuilder b = new StringBuilder("# OSU MPI Latency Test v7.3\n# Size          Latency (us)\n");
        for (int i = 1; i <= 400_000; i++) {
            b.append(i).append("  ").append(1 + i % 1000).append(".25\n");
        }
        byte[] content = b.toString().getBytes(StandardCharsets.UTF_8);

        ResultFormatException e = assertThrows(
                ResultFormatException.class,
                () -> Importer.parse(
                        ImportFormat.OSU, content, "big.txt", Fixtures.MODIFIED, ImportOptions.defaults()));

        org.junit.jupiter.api.Assertions.assertTrue(
                e.getMessage()
                        .matches("big\\.txt: line [0-9]+: the imported rtt"
                                + " measurement would take .*, over its memory budget of 256\\.0 MiB \\(iocert's default per document\\);"
                                + " .*"),
                e.getMessage());
    }
}
