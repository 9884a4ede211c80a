package io.iocert.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every malformed spec under {@code src/test/resources/malformed/} (each named for what is
 * wrong with it) is rejected with exactly the message a user would see:
 * {@code FILE:LINE:COL: FIELD: PROBLEM; expected WHAT}. Cases too large to commit are generated.
 */
class MalformedSpecTest {
    static final Path DIR = Path.of("src", "test", "resources", "malformed");

    static Stream<Arguments> fixtures() {
        return Stream.of(
                fixture(
                        "alias-bomb.yaml",
                        "alias-bomb.yaml:4:10: l1[0]: YAML alias '*l0' is not supported; "
                                + "expected the value written out in full (specs do not use anchors and aliases)"),
                fixture(
                        "binary-junk.yaml",
                        "binary-junk.yaml:2:7: file contains a NUL byte (binary data?); "
                                + "expected a YAML or JSON text file in UTF-8"),
                fixture(
                        "binary-tagged-value.yaml",
                        "binary-tagged-value.yaml:3:14: description: unsupported YAML value (a binary or tagged value?); "
                                + "expected text, a number, true/false, a list or a mapping"),
                fixture(
                        "blank-name.yaml",
                        "blank-name.yaml:2:7: name: is blank; " + "expected a non-empty name for the spec"),
                fixture(
                        "budget-bare-number.yaml",
                        "budget-bare-number.yaml:3:9: budget: 60 has no unit (a unit is required); "
                                + "expected a duration (ns, us, ms, s, min), such as 10s"),
                fixture(
                        "budget-unknown-unit.yaml",
                        "budget-unknown-unit.yaml:3:9: budget: unknown unit 'sec'; "
                                + "expected a duration (ns, us, ms, s, min)"),
                fixture(
                        "budget-zero.yaml",
                        "budget-zero.yaml:3:9: budget: '0s' is zero; "
                                + "expected a duration (ns, us, ms, s, min), greater than zero"),
                fixture(
                        "comments-only.yaml",
                        "comments-only.yaml: file is empty (nothing but white space or comments); "
                                + "expected a spec: a mapping with iocert, name and requirements"),
                fixture(
                        "confidence-as-percent-text.yaml",
                        "confidence-as-percent-text.yaml:3:13: confidence: is text '95%'; "
                                + "expected a number between 0 and 1, exclusive, such as 0.95"),
                fixture(
                        "confidence-negative.yaml",
                        "confidence-negative.yaml:3:13: confidence: -0.1 is out of range; "
                                + "expected a number between 0 and 1, exclusive, such as 0.95"),
                fixture(
                        "confidence-one-and-a-half.yaml",
                        "confidence-one-and-a-half.yaml:3:13: confidence: 1.5 is out of range; "
                                + "expected a number between 0 and 1, exclusive, such as 0.95"),
                fixture(
                        "confidence-one.yaml",
                        "confidence-one.yaml:3:13: confidence: 1 is out of range; "
                                + "expected a number between 0 and 1, exclusive, such as 0.95"),
                fixture(
                        "confidence-zero.yaml",
                        "confidence-zero.yaml:3:13: confidence: 0 is out of range; "
                                + "expected a number between 0 and 1, exclusive, such as 0.95"),
                fixture(
                        "control-character.yaml",
                        "control-character.yaml:2:10: control character U+0007; "
                                + "expected printable text (tab, line feed and carriage return are allowed)"),
                fixture(
                        "count-not-whole.yaml",
                        "count-not-whole.yaml:6:42: requirements[0](create).workload.files: 2.5 is not a whole number; "
                                + "expected a whole number of at least 1"),
                fixture(
                        "cv-negative.yaml",
                        "cv-negative.yaml:7:42: requirements[0](stream).expect.throughput.cv: -0.1 is out of range; "
                                + "expected a ratio of zero or more, such as 0.05"),
                fixture(
                        "deeply-nested.json",
                        "deeply-nested.json:1:430: mappings and lists are nested more than 64 levels deep; "
                                + "expected at most 64 levels (the loader's limit; a spec needs 5)"),
                fixture(
                        "deeply-nested.yaml",
                        "deeply-nested.yaml:3:77: mappings and lists are nested more than 64 levels deep; "
                                + "expected at most 64 levels (the loader's limit; a spec needs 5)"),
                fixture(
                        "description-is-a-number.yaml",
                        "description-is-a-number.yaml:3:14: description: is a number (42); "
                                + "expected text describing the job"),
                fixture(
                        "duplicate-requirement-ids.yaml",
                        "duplicate-requirement-ids.yaml:9:9: requirements[1](random-read).id: duplicate id 'random-read' (also used by requirements[0](random-read) at line 4); "
                                + "expected a unique id for each requirement"),
                fixture(
                        "duplicate-top-level-key.yaml",
                        "duplicate-top-level-key.yaml:3:1: name: duplicate key (first at line 2, column 1); "
                                + "expected each key at most once in a mapping"),
                fixture(
                        "duplicate-workload-key.yaml",
                        "duplicate-workload-key.yaml:9:7: requirements[0].workload.blockSize: duplicate key (first at line 7, column 7); "
                                + "expected each key at most once in a mapping"),
                fixture(
                        "duration-negative.yaml",
                        "duration-negative.yaml:6:77: requirements[0](random-read).workload.duration: '-5s' is negative; "
                                + "expected a duration (ns, us, ms, s, min), greater than zero"),
                fixture(
                        "empty-expect.yaml",
                        "empty-expect.yaml:6:13: requirements[0](random-read).expect: is an empty mapping; "
                                + "expected a mapping of metric to statistic thresholds, such as latency: {p99: \"<= 2 ms\"}"),
                fixture(
                        "empty-file.yaml",
                        "empty-file.yaml: file is empty (nothing but white space or comments); "
                                + "expected a spec: a mapping with iocert, name and requirements"),
                fixture(
                        "empty-requirements.yaml",
                        "empty-requirements.yaml:3:15: requirements: is an empty list; "
                                + "expected at least one requirement with id, probe and expect"),
                fixture(
                        "enum-value-unknown.yaml",
                        "enum-value-unknown.yaml:6:25: requirements[0](random-read).workload.pattern: unknown value 'rand' (did you mean 'random'?); "
                                + "expected one of sequential, random"),
                fixture(
                        "filesystem-empty-mapping.yaml",
                        "filesystem-empty-mapping.yaml:3:13: filesystem.path: missing; "
                                + "expected the directory the job writes to"),
                fixture(
                        "filesystem-not-a-mapping.yaml",
                        "filesystem-not-a-mapping.yaml:3:13: filesystem: is text '/scratch'; "
                                + "expected a mapping {path: DIR} naming the directory the job writes to"),
                fixture(
                        "filesystem-without-path.yaml",
                        "filesystem-without-path.yaml:3:14: filesystem.dir: unknown key 'dir'; " + "expected path"),
                fixture(
                        "fsync-policy-unknown.yaml",
                        "fsync-policy-unknown.yaml:6:74: requirements[0](random-read).workload.fsync: unknown value 'always'; "
                                + "expected none, end, or a whole number N (fsync every N writes)"),
                fixture(
                        "initialize-as-text.yaml",
                        "initialize-as-text.yaml:6:82: requirements[0](restored).workload.initialize: unknown value 'yes please'; "
                                + "expected true or false"),
                fixture(
                        "initialize-on-fs-write.yaml",
                        "initialize-on-fs-write.yaml:6:70: requirements[0](restored).workload.initialize: unknown key 'initialize' for probe fs.write; "
                                + "expected one of pattern, blockSize, fileSize, threads, direct, fsync, readPercent, rate, duration, totalSize, interval, warmup"),
                fixture(
                        "invalid-requirement-id.yaml",
                        "invalid-requirement-id.yaml:4:9: requirements[0].id: 'random read' is not a valid id; "
                                + "expected letters, digits, '.', '_' and '-', starting with a letter or digit"),
                fixture(
                        "invalid-utf8.yaml",
                        "invalid-utf8.yaml:2:10: invalid UTF-8 byte 0xE9; "
                                + "expected a YAML or JSON text file in UTF-8"),
                fixture(
                        "json-duplicate-key.json",
                        "json-duplicate-key.json:4:3: iocert: duplicate key (first at line 2, column 3); "
                                + "expected each key at most once in a mapping"),
                fixture(
                        "json-syntax-missing-comma.json",
                        "json-syntax-missing-comma.json:3:3: JSON syntax error: unexpected character '\"'; "
                                + "expected comma to separate Object entries"),
                fixture(
                        "json-syntax-trailing-comma.json",
                        "json-syntax-trailing-comma.json:4:1: JSON syntax error: unexpected character '}'; "
                                + "expected double-quote to start field name"),
                fixture(
                        "json-wrong-type.json",
                        "json-wrong-type.json:4:17: confidence: is text 'high'; "
                                + "expected a number between 0 and 1, exclusive, such as 0.95"),
                fixture(
                        "metric-not-measured-by-probe.yaml",
                        "metric-not-measured-by-probe.yaml:7:7: requirements[0](wal-sync).expect.throughput: probe fs.fsync does not measure throughput; "
                                + "expected a metric of fs.fsync: latency"),
                fixture(
                        "missing-expect.yaml",
                        "missing-expect.yaml:4:5: requirements[0](random-read).expect: missing; "
                                + "expected a mapping of metric to statistic thresholds, such as latency: {p99: \"<= 2 ms\"}"),
                fixture(
                        "missing-iocert-version.yaml",
                        "missing-iocert-version.yaml:1:1: iocert: missing; "
                                + "expected iocert: v1 (the spec format version)"),
                fixture(
                        "missing-name.yaml",
                        "missing-name.yaml:1:1: name: missing; " + "expected a non-empty name for the spec"),
                fixture(
                        "missing-probe.yaml",
                        "missing-probe.yaml:4:5: requirements[0](random-read).probe: missing; "
                                + "expected one of fs.read, fs.write, fs.fsync, fs.metadata, net.pingpong, net.stream, net.connect, compute.memory-bandwidth, compute.flops, compute.jitter"),
                fixture(
                        "missing-requirement-id.yaml",
                        "missing-requirement-id.yaml:4:5: requirements[0].id: missing; "
                                + "expected an id for the requirement (letters, digits, '.', '_' and '-', starting with a letter or digit)"),
                fixture(
                        "missing-requirements.yaml",
                        "missing-requirements.yaml:1:1: requirements: missing; "
                                + "expected a list of requirements, each with id, probe and expect"),
                fixture(
                        "name-is-a-list.yaml",
                        "name-is-a-list.yaml:2:7: name: is a list; " + "expected a non-empty name for the spec"),
                fixture(
                        "percent-out-of-range.yaml",
                        "percent-out-of-range.yaml:6:80: requirements[0](random-read).workload.readPercent: 150 is above the maximum of 100; "
                                + "expected a whole number from 0 to 100"),
                fixture(
                        "percentile-zero.yaml",
                        "percentile-zero.yaml:8:17: requirements[0](random-read).expect.latency.p0: unknown statistic 'p0'; "
                                + "expected min, max, mean, median, stddev, cv, or a percentile pNN / pNN.N (p50, p99, p99.9)"),
                fixture(
                        "rate-with-data-rate-unit.yaml",
                        "rate-with-data-rate-unit.yaml:6:73: requirements[0](random-read).workload.rate: unit 'MB/s' is a data rate, which does not fit here; "
                                + "expected an operation rate (ops/s, kops/s, Mops/s, IOPS, kIOPS)"),
                fixture(
                        "requirement-confidence-one.yaml",
                        "requirement-confidence-one.yaml:9:17: requirements[0](random-read).confidence: 1.0 is out of range; "
                                + "expected a number between 0 and 1, exclusive, such as 0.95"),
                fixture(
                        "requirement-id-is-a-number.yaml",
                        "requirement-id-is-a-number.yaml:4:9: requirements[0].id: is a number (1); "
                                + "expected letters, digits, '.', '_' and '-', starting with a letter or digit"),
                fixture(
                        "requirement-not-a-mapping.yaml",
                        "requirement-not-a-mapping.yaml:4:5: requirements[0]: is text 'random-read'; "
                                + "expected a mapping with id, probe and expect"),
                fixture(
                        "requirements-not-a-list.yaml",
                        "requirements-not-a-list.yaml:4:3: requirements: is a mapping; "
                                + "expected a list of requirements, each with id, probe and expect"),
                fixture(
                        "size-bare-number.yaml",
                        "size-bare-number.yaml:6:44: requirements[0](random-read).workload.blockSize: 4096 has no unit (a unit is required); "
                                + "expected a size (B, KB, KiB, MB, MiB, GB, GiB, TB, TiB), such as 4KiB"),
                fixture(
                        "size-list-element-bare-number.yaml",
                        "size-list-element-bare-number.yaml:7:26: requirements[0](sweep).workload.sizes[2]: 8192 has no unit (a unit is required); "
                                + "expected a size (B, KB, KiB, MB, MiB, GB, GiB, TB, TiB), such as 4KiB"),
                fixture(
                        "size-list-empty.yaml",
                        "size-list-empty.yaml:6:23: requirements[0](sweep).workload.sizes: is an empty list; "
                                + "expected a list of sizes, such as [64B, 8KiB, 1MiB], each at most 1 GiB"),
                fixture(
                        "size-with-rate-unit.yaml",
                        "size-with-rate-unit.yaml:6:44: requirements[0](random-read).workload.blockSize: unit 'MB/s' is a data rate, which does not fit here; "
                                + "expected a size (B, KB, KiB, MB, MiB, GB, GiB, TB, TiB)"),
                fixture(
                        "size-without-unit-text.yaml",
                        "size-without-unit-text.yaml:6:44: requirements[0](random-read).workload.blockSize: '4096' has no unit; "
                                + "expected a size (B, KB, KiB, MB, MiB, GB, GiB, TB, TiB)"),
                fixture(
                        "size-zero.yaml",
                        "size-zero.yaml:6:44: requirements[0](random-read).workload.blockSize: '0KiB' is zero; "
                                + "expected a size (B, KB, KiB, MB, MiB, GB, GiB, TB, TiB), greater than zero"),
                fixture(
                        "statistics-not-a-mapping.yaml",
                        "statistics-not-a-mapping.yaml:8:16: requirements[0](random-read).expect.latency: is text '<= 2 ms'; "
                                + "expected a mapping of statistic to threshold, such as {p99: \"<= 2 ms\"}"),
                fixture(
                        "threads-word.yaml",
                        "threads-word.yaml:6:76: requirements[0](random-read).workload.threads: unknown value 'many'; "
                                + "expected a whole number from 1 to 4096, or all"),
                fixture(
                        "threads-zero.yaml",
                        "threads-zero.yaml:6:76: requirements[0](random-read).workload.threads: 0 is out of range; "
                                + "expected a whole number from 1 to 4096, or all"),
                fixture(
                        "threshold-bare-number.yaml",
                        "threshold-bare-number.yaml:8:22: requirements[0](random-read).expect.latency.p99: 2 has no comparator and no unit (a unit is required); "
                                + "expected a comparator (<=, <, >=, >) and a duration (ns, us, ms, s, min), such as \"<= 2 ms\""),
                fixture(
                        "threshold-is-a-list.yaml",
                        "threshold-is-a-list.yaml:8:22: requirements[0](random-read).expect.latency.p99: is a list; "
                                + "expected a comparator (<=, <, >=, >) and a duration (ns, us, ms, s, min), such as \"<= 2 ms\""),
                fixture(
                        "threshold-negative.yaml",
                        "threshold-negative.yaml:8:22: requirements[0](random-read).expect.latency.p99: '>= -1 ms' is negative; "
                                + "expected a duration (ns, us, ms, s, min), zero or more"),
                fixture(
                        "threshold-without-comparator.yaml",
                        "threshold-without-comparator.yaml:8:22: requirements[0](random-read).expect.latency.p99: '2 ms' has no comparator; "
                                + "expected a comparator (<=, <, >=, >) and a duration (ns, us, ms, s, min), such as \"<= 2 ms\""),
                fixture(
                        "top-level-is-a-list.yaml",
                        "top-level-is-a-list.yaml:1:1: the top level is a list; "
                                + "expected a mapping with iocert, name and requirements"),
                fixture(
                        "top-level-is-text.yaml",
                        "top-level-is-text.yaml:1:1: the top level is text 'just some text'; "
                                + "expected a mapping with iocert, name and requirements"),
                fixture(
                        "tristate-unknown.yaml",
                        "tristate-unknown.yaml:6:75: requirements[0](random-read).workload.direct: unknown value 'maybe'; "
                                + "expected true, false or auto"),
                fixture(
                        "two-yaml-documents.yaml",
                        "two-yaml-documents.yaml:10:1: a second YAML document starts here; "
                                + "expected one spec per file"),
                fixture(
                        "unit-does-not-fit-metric.yaml",
                        "unit-does-not-fit-metric.yaml:8:22: requirements[0](random-read).expect.latency.p99: unit 'GB/s' is a data rate, which does not fit here; "
                                + "expected a duration (ns, us, ms, s, min)"),
                fixture(
                        "unknown-metric.yaml",
                        "unknown-metric.yaml:8:7: requirements[0](random-read).expect.latncy: unknown metric 'latncy' (did you mean 'latency'?); "
                                + "expected a metric of fs.read: latency, throughput, iops"),
                fixture(
                        "unknown-probe.yaml",
                        "unknown-probe.yaml:5:12: requirements[0](random-read).probe: unknown probe 'fs.reed' (did you mean 'fs.read'?); "
                                + "expected one of fs.read, fs.write, fs.fsync, fs.metadata, net.pingpong, net.stream, net.connect, compute.memory-bandwidth, compute.flops, compute.jitter"),
                fixture(
                        "unknown-requirement-key.yaml",
                        "unknown-requirement-key.yaml:7:5: requirements[0](random-read).expects: unknown key 'expects' (did you mean 'expect'?); "
                                + "expected one of id, probe, workload, expect, confidence, budget, sustained, coordinated"),
                fixture(
                        "unknown-statistic.yaml",
                        "unknown-statistic.yaml:8:17: requirements[0](random-read).expect.latency.p999: unknown statistic 'p999'; "
                                + "expected min, max, mean, median, stddev, cv, or a percentile pNN / pNN.N (p50, p99, p99.9)"),
                fixture(
                        "unknown-top-level-key.yaml",
                        "unknown-top-level-key.yaml:3:1: requirement: unknown key 'requirement' (did you mean 'requirements'?); "
                                + "expected one of iocert, name, description, confidence, budget, filesystem, requirements"),
                fixture(
                        "unknown-unit.yaml",
                        "unknown-unit.yaml:8:22: requirements[0](random-read).expect.latency.p99: unknown unit 'msec'; "
                                + "expected a duration (ns, us, ms, s, min)"),
                fixture(
                        "unknown-workload-key.yaml",
                        "unknown-workload-key.yaml:6:33: requirements[0](random-read).workload.blocksize: unknown key 'blocksize' for probe fs.read (did you mean 'blockSize'?); "
                                + "expected one of pattern, blockSize, fileSize, threads, direct, fsync, readPercent, rate, duration, totalSize, interval, warmup, initialize"),
                fixture(
                        "utf16-text.yaml",
                        "utf16-text.yaml:1:1: file is UTF-16 text; " + "expected a YAML or JSON text file in UTF-8"),
                fixture(
                        "whitespace-only.yaml",
                        "whitespace-only.yaml: file is empty (nothing but white space or comments); "
                                + "expected a spec: a mapping with iocert, name and requirements"),
                fixture(
                        "window-missing.yaml",
                        "window-missing.yaml:8:19: requirements[0](volume).expect.iops.p10.window: missing; "
                                + "expected how long one window is, such as 1min"),
                fixture(
                        "window-share-hundred-percent.yaml",
                        "window-share-hundred-percent.yaml:8:74: requirements[0](volume).expect.iops.p10.windowShare: '100%' is not a percentage above 0% and below 100%; "
                                + "expected a share of windows between 0 and 1 or 0% and 100%, exclusive, such as 0.99 or 99%"),
                fixture(
                        "window-share-one.yaml",
                        "window-share-one.yaml:8:74: requirements[0](volume).expect.iops.p10.windowShare: 1 is out of range (no finite run shows 100% of windows); "
                                + "expected a share of windows between 0 and 1 or 0% and 100%, exclusive, such as 0.99 or 99%"),
                fixture(
                        "window-threshold-wrong-unit.yaml",
                        "window-threshold-wrong-unit.yaml:8:31: requirements[0](volume).expect.iops.p10.threshold: unit 'MB/s' is a data rate, which does not fit here; "
                                + "expected an operation rate (ops/s, kops/s, Mops/s, IOPS, kIOPS)"),
                fixture(
                        "window-unknown-key.yaml",
                        "window-unknown-key.yaml:8:61: requirements[0](volume).expect.iops.p10.share: unknown key 'share' of a windowed threshold; "
                                + "expected one of threshold, window, windowShare"),
                fixture(
                        "window-zero.yaml",
                        "window-zero.yaml:8:55: requirements[0](volume).expect.iops.p10.window: '0s' is zero; "
                                + "expected a duration (ns, us, ms, s, min), greater than zero"),
                fixture(
                        "windows-on-latency.yaml",
                        "windows-on-latency.yaml:8:22: requirements[0](volume).expect.latency.p99: is a mapping, but latency is a per-operation metric without windows; "
                                + "expected a threshold such as \"<= 2 ms\" (windows apply to throughput, iops, ops and flops)"),
                fixture(
                        "windows-on-stddev.yaml",
                        "windows-on-stddev.yaml:8:22: requirements[0](volume).expect.iops.stddev: stddev is not judged per window; "
                                + "expected a threshold such as \">= 5000 IOPS\" (per window: min, max, mean, median or a percentile)"),
                fixture(
                        "workload-key-of-another-probe.yaml",
                        "workload-key-of-another-probe.yaml:6:33: requirements[0](wal-sync).workload.pattern: unknown key 'pattern' for probe fs.fsync; "
                                + "expected one of blockSize, sync, direct, duration, warmup"),
                fixture(
                        "workload-not-a-mapping.yaml",
                        "workload-not-a-mapping.yaml:6:15: requirements[0](random-read).workload: is text 'random'; "
                                + "expected a mapping of workload parameters of fs.read: pattern, blockSize, fileSize, threads, direct, fsync, readPercent, rate, duration, totalSize, interval, warmup, initialize"),
                fixture(
                        "wrong-iocert-version.yaml",
                        "wrong-iocert-version.yaml:1:9: iocert: unsupported spec format 'v2'; " + "expected v1"),
                fixture(
                        "yaml-alias-reused-workload.yaml",
                        "yaml-alias-reused-workload.yaml:11:15: requirements[1].workload: YAML alias '*small' is not supported; "
                                + "expected the value written out in full (specs do not use anchors and aliases)"),
                fixture(
                        "yaml-syntax-colon-in-plain-value.yaml",
                        "yaml-syntax-colon-in-plain-value.yaml:2:14: YAML syntax error: a ':' where no mapping value can start; "
                                + "expected one 'key: value' per line, with quotes around text that contains ': '"),
                fixture(
                        "yaml-syntax-tab-indentation.yaml",
                        "yaml-syntax-tab-indentation.yaml:5:1: YAML syntax error: a tab character where YAML expects indentation or a value; "
                                + "expected spaces for indentation (YAML does not allow tabs there)"),
                fixture(
                        "yaml-syntax-unclosed-flow-mapping.yaml",
                        "yaml-syntax-unclosed-flow-mapping.yaml:7:11: YAML syntax error: found ':' while parsing a flow mapping (started at line 6, column 15); "
                                + "expected ',' or '}'"),
                fixture(
                        "yaml-syntax-unclosed-quote.yaml",
                        "yaml-syntax-unclosed-quote.yaml:4:1: YAML syntax error: unexpected end of file while scanning a quoted scalar (started at line 2, column 7); "
                                + "expected a closing quote"));
    }

    private static Arguments fixture(String file, String message) {
        return Arguments.of(file, message);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fixtures")
    void shouldRejectMalformedSpecWithExactMessage(String file, String message) {
        SpecException e = assertThrows(SpecException.class, () -> SpecLoader.load(DIR.resolve(file), file));
        assertEquals(message, e.getMessage());
    }

    @Test
    void shouldListEveryFixtureFileWithItsMessage() throws IOException {
        Set<String> listed = fixtures().map(a -> (String) a.get()[0]).collect(Collectors.toCollection(TreeSet::new));
        Set<String> files;
        try (Stream<Path> s = Files.list(DIR)) {
            files = s.map(p -> p.getFileName().toString()).collect(Collectors.toCollection(TreeSet::new));
        }
        assertEquals(files, listed);
    }

    @Test
    void shouldRejectFiftyMegabyteFileBeforeReadingIt(@TempDir Path dir) throws IOException {
        Path huge = dir.resolve("huge.yaml");
        try (RandomAccessFile f = new RandomAccessFile(huge.toFile(), "rw")) {
            f.setLength(50_000_000L); // sparse: no disk space used, and never read
        }
        SpecException e = assertThrows(SpecException.class, () -> SpecLoader.load(huge));
        assertEquals(huge + ": file is 50.0 MB; expected a spec of at most 1 MiB", e.getMessage());
    }

    @Test
    void shouldRejectTextOverOneMebibyte() {
        String text = "iocert: v1\nname: big\ndescription: " + "x".repeat(1024 * 1024) + "\n";
        SpecException e = assertThrows(SpecException.class, () -> SpecLoader.parse(text, "big.yaml"));
        assertEquals("big.yaml: spec is 1.0 MB; expected a spec of at most 1 MiB", e.getMessage());
    }

    @Test
    void shouldRejectMissingFile(@TempDir Path dir) {
        Path missing = dir.resolve("missing.yaml");
        SpecException e = assertThrows(SpecException.class, () -> SpecLoader.load(missing));
        assertEquals(missing + ": no such file; expected a readable spec file", e.getMessage());
    }

    @Test
    void shouldRejectDirectory(@TempDir Path dir) {
        SpecException e = assertThrows(SpecException.class, () -> SpecLoader.load(dir));
        assertEquals(dir + ": is a directory; expected a spec file", e.getMessage());
    }

    @Test
    void shouldRejectVeryDeepNestingQuicklyAndWithoutStackOverflow() {
        // Flow lists, flow mappings, and block lists ("- - - x" at the start of a line).
        for (String open : List.of(" [", " {\"a\": ", "\n- ")) {
            String text =
                    "iocert: v1\ndescription:" + open + open.strip().concat(" ").repeat(100_000) + "x";
            SpecException e = assertTimeoutPreemptively(
                    Duration.ofSeconds(10),
                    () -> assertThrows(SpecException.class, () -> SpecLoader.parse(text, "deep.yaml")));
            assertEquals("mappings and lists are nested more than 64 levels deep", e.problem(), open);
        }
    }

    @Test
    void shouldNotExpandAliasBomb() {
        StringBuilder text =
                new StringBuilder("iocert: v1\nname: bomb\na0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol]\n");
        for (int i = 1; i <= 30; i++) {
            List<String> refs = new ArrayList<>();
            for (int j = 0; j < 8; j++) {
                refs.add("*a" + (i - 1));
            }
            text.append('a')
                    .append(i)
                    .append(": &a")
                    .append(i)
                    .append(" [")
                    .append(String.join(", ", refs))
                    .append("]\n");
        }
        SpecException e = assertTimeoutPreemptively(
                Duration.ofSeconds(10),
                () -> assertThrows(SpecException.class, () -> SpecLoader.parse(text.toString(), "bomb.yaml")));
        assertEquals(
                "bomb.yaml:4:10: a1[0]: YAML alias '*a0' is not supported; "
                        + "expected the value written out in full (specs do not use anchors and aliases)",
                e.getMessage());
    }

    @Test
    void shouldReportLocationAndFieldInExceptionAccessors() {
        SpecException e = assertThrows(
                SpecException.class, () -> SpecLoader.load(DIR.resolve("unit-does-not-fit-metric.yaml"), "u.yaml"));
        assertEquals("u.yaml", e.file());
        assertEquals(8, e.line());
        assertEquals(22, e.column());
        assertEquals("requirements[0](random-read).expect.latency.p99", e.field());
        assertEquals("unit 'GB/s' is a data rate, which does not fit here", e.problem());
        assertEquals("a duration (ns, us, ms, s, min)", e.expected());
    }
}
