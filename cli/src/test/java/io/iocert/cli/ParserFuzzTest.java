package io.iocert.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.iocert.certifier.ConfidenceInterval;
import io.iocert.certifier.NodeVerdict;
import io.iocert.certifier.Report;
import io.iocert.certifier.RequirementVerdict;
import io.iocert.certifier.Verdict;
import io.iocert.certifier.cert.Certificates;
import io.iocert.certifier.cert.Keys;
import io.iocert.certifier.report.ReportFormat;
import io.iocert.results.NodeIdentity;
import io.iocert.spec.SpecLoader;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringWriter;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.Function;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A seeded mutation fuzz test of every parser, through the real command line ({@link Main#run}
 * in-process). Each target starts from a valid document, applies 1 to 4 random mutations (bit
 * flips, deleted, repeated or spliced spans, inserted tokens that parsers find hard: huge and
 * negative numbers, NUL, ESC, YAML anchors, deep brackets, long strings) and runs the command
 * that reads it. Every run must:
 * <ul>
 *   <li>exit with a code the command allows for its input (bad input: 2; a mutation that stays
 *       valid may pass: 0, or a verdict, including ERROR for a readable result), never 4 from an
 *       internal error;</li>
 *   <li>print no stack trace, no "internal error", and no raw ESC or BEL;</li>
 *   <li>allocate at most {@value #MAX_ALLOCATED_MIB} MiB on the thread that ran it (an upper bound
 *       of the heap the input made iocert use).</li>
 * </ul>
 * Seeds are fixed, so a failure reproduces: the message names the target and seed and shows the
 * input; {@code -Diocert.fuzz.replay=TARGET:SEED} runs that one input alone.
 * {@code -Diocert.fuzz.iterations=N} changes the number of inputs per target (default
 * {@value #DEFAULT_ITERATIONS}; about 40 s for all targets on a shared 2-core machine). A target also
 * stops after {@value #MAX_SECONDS_PER_TARGET} s ({@code -Diocert.fuzz.seconds}) so that a slow machine cannot
 * stall the build. A longer campaign: {@code -Diocert.fuzz.base=SEED} with more iterations and seconds.
 */
class ParserFuzzTest {
    static final int DEFAULT_ITERATIONS = 300;
    static final int MAX_SECONDS_PER_TARGET = 10;
    static final long MAX_ALLOCATED_MIB = 512;
    private static final long BASE_SEED = 0x10CE_27F0_2026L;

    @TempDir
    static Path tmp;

    private static Path pub;
    private static Path resultSpec;
    private static final java.util.EnumMap<Target, byte[]> SEEDS = new java.util.EnumMap<>(Target.class);

    /** One parser, the command that reads its input, and the exit codes allowed. */
    enum Target {
        SPEC_YAML("spec.yaml", Set.of(0, 2), f -> List.of("spec", "validate", f.toString())),
        SPEC_JSON("spec.json", Set.of(0, 2), f -> List.of("spec", "validate", f.toString())),
        RESULT(
                "result.json",
                Set.of(0, 1, 2, 3),
                f -> List.of("certify", "--spec", resultSpec.toString(), f.toString())),
        FIO(
                "fio.json",
                Set.of(0, 2),
                f -> List.of(
                        "import", "fio", f.toString(), "--out", fresh("fio-out").toString())),
        IPERF3(
                "iperf3.json",
                Set.of(0, 2),
                f -> List.of(
                        "import",
                        "iperf3",
                        f.toString(),
                        "--out",
                        fresh("iperf3-out").toString())),
        OSU_LATENCY(
                "osu-latency.txt",
                Set.of(0, 2),
                f -> List.of(
                        "import", "osu", f.toString(), "--out", fresh("osu-out").toString())),
        OSU_BW(
                "osu-bw.txt",
                Set.of(0, 2),
                f -> List.of(
                        "import",
                        "osu",
                        f.toString(),
                        "--out",
                        fresh("osu-bw-out").toString())),
        CERTIFICATE("certificate.json", Set.of(0, 1, 2), f -> List.of("verify", f.toString(), "--key", pub.toString())),
        CERTIFICATE_EXPORT(
                "certificate.json",
                Set.of(0, 1, 2),
                f -> List.of("export", "--to", "nfd", f.toString(), "--key", pub.toString())),
        REPORT_EXPORT("report.json", Set.of(0, 2), f -> List.of("export", "--to", "slurm", f.toString()));

        final String file;
        final Set<Integer> allowed;
        final Function<Path, List<String>> command;

        Target(String file, Set<Integer> allowed, Function<Path, List<String>> command) {
            this.file = file;
            this.allowed = allowed;
            this.command = command;
        }
    }

    private static Path fresh(String name) {
        Path p = tmp.resolve(name + ".json");
        try {
            Files.deleteIfExists(p);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return p;
    }

    @BeforeAll
    static void seeds() throws Exception {
        String yaml = Inputs.bundledSpecText();
        SEEDS.put(Target.SPEC_YAML, yaml.getBytes(StandardCharsets.UTF_8));
        SEEDS.put(Target.SPEC_JSON, SpecLoader.canonicalJson(yaml, "default.yaml"));
        SEEDS.put(Target.FIO, resource("/fuzz/fio-group.json"));
        SEEDS.put(Target.IPERF3, resource("/fuzz/iperf3-p2.json"));
        SEEDS.put(Target.OSU_LATENCY, resource("/fuzz/osu-latency.txt"));
        SEEDS.put(Target.OSU_BW, resource("/fuzz/osu-bw.txt"));

        Path fio = Files.write(tmp.resolve("seed-fio.json"), resource("/imports/fio-two-jobs.jsonplus.json"));
        Path result = tmp.resolve("seed-result.json");
        CliRunner imp = CliRunner.run(
                "import",
                "fio",
                fio.toString(),
                "--out",
                result.toString(),
                "--map",
                "randread=restart-read",
                "--hostname",
                "cn1");
        assertEquals(0, imp.code(), imp.err());
        SEEDS.put(Target.RESULT, Files.readAllBytes(result));
        resultSpec = Files.writeString(
                tmp.resolve("result-spec.yaml"),
                String.join(
                        "\n",
                        "iocert: v1",
                        "name: fuzz",
                        "requirements:",
                        "  - id: restart-read",
                        "    probe: fs.read",
                        "    expect:",
                        "      latency: {p90: \"<= 100 ms\", p99: \"<= 1 s\"}",
                        "      iops: {mean: \">= 1 IOPS\"}",
                        ""));

        assertEquals(
                0,
                CliRunner.run("keygen", "--out", tmp.resolve("fuzz").toString()).code());
        pub = tmp.resolve("fuzz.pub");
        var privateKey = Keys.readPrivate(Files.readString(tmp.resolve("fuzz.key")), "fuzz.key");
        var publicKey = Keys.readPublic(Files.readString(pub), "fuzz.pub");
        Report report = new Report(
                "0.1.0-test",
                "ocean-checkpoint",
                "ab".repeat(32),
                new NodeIdentity(Map.of(NodeIdentity.HOSTNAME, "cn1.example.org", NodeIdentity.CORES, 64L)),
                NodeVerdict.ELIGIBLE,
                List.of(new RequirementVerdict(
                        "restart-read",
                        "fs.read",
                        "latency",
                        "p99",
                        "<=",
                        2_000_000,
                        "ns",
                        1_650_000,
                        new ConfidenceInterval(1_580_000, 1_720_000, 0.95),
                        48211,
                        Verdict.PASS,
                        "order-statistic (binomial)",
                        "p99 = 1.65 ms",
                        null)));
        StringWriter w = new StringWriter();
        ReportFormat.JSON.writer().write(report, w);
        SEEDS.put(Target.REPORT_EXPORT, w.toString().getBytes(StandardCharsets.UTF_8));
        byte[] cert = Certificates.issue(
                report,
                List.of(),
                Instant.now().minus(Duration.ofHours(1)),
                Duration.ofDays(30),
                privateKey,
                publicKey);
        SEEDS.put(Target.CERTIFICATE, cert);
        SEEDS.put(Target.CERTIFICATE_EXPORT, cert);
    }

    private static byte[] resource(String name) throws IOException {
        try (InputStream in = ParserFuzzTest.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing test resource " + name);
            }
            return in.readAllBytes();
        }
    }

    @ParameterizedTest
    @EnumSource(Target.class)
    void shouldRefuseEveryMutatedInputCleanly(Target target) throws Exception {
        String replay = System.getProperty("iocert.fuzz.replay");
        if (replay != null) {
            String[] parts = replay.split(":");
            if (parts[0].equals(target.name())) {
                check(target, Long.parseLong(parts[1]));
            }
            return;
        }
        // The unmutated seed must be accepted, or the fuzzing would only ever test rejection.
        CliRunner seed = runOn(target, SEEDS.get(target)).run();
        assertTrue(
                seed.code() != 2 && target.allowed.contains(seed.code()), target + " accepts its seed: " + seed.err());
        int iterations = Integer.getInteger("iocert.fuzz.iterations", DEFAULT_ITERATIONS);
        long deadline =
                System.nanoTime() + Integer.getInteger("iocert.fuzz.seconds", MAX_SECONDS_PER_TARGET) * 1_000_000_000L;
        long base = Long.getLong("iocert.fuzz.base", BASE_SEED);
        int done = 0;
        for (int i = 0; i < iterations && System.nanoTime() < deadline; i++) {
            check(target, base + 1_000_003L * target.ordinal() + i);
            done++;
        }
        System.out.printf("fuzz %s: %d inputs%n", target, done);
    }

    private record Ran(CliRunner run, long allocatedBytes) {}

    private static Ran runOn(Target target, byte[] input) throws IOException {
        Path file = tmp.resolve(target.file);
        Files.write(file, input);
        String[] args = target.command.apply(file).toArray(String[]::new);
        long before = allocated();
        CliRunner run = CliRunner.run(args);
        return new Ran(run, allocated() - before);
    }

    private static void check(Target target, long seed) throws IOException {
        byte[] input = mutate(SEEDS.get(target), new SplittableRandom(seed));
        Ran ran = runOn(target, input);
        CliRunner r = ran.run();
        String output = r.out() + r.err();
        String problem = null;
        // A result that stays readable may still be judged ERROR (a measurement of another probe):
        // that is a verdict, exit 4 by contract, shown as such in the report, not an internal error.
        boolean errorVerdict = target == Target.RESULT
                && r.code() == 4
                && r.out().contains("\nNode verdict: ERROR\n")
                && r.err().isEmpty();
        if (!target.allowed.contains(r.code()) && !errorVerdict) {
            problem = "exit code " + r.code() + ", expected one of " + target.allowed;
        } else if (!r.noStackTrace() || output.contains("internal error")) {
            problem = "a stack trace or internal error";
        } else if (output.indexOf('\u001b') >= 0 || output.indexOf('\u0007') >= 0) {
            problem = "a raw ESC or BEL in the output";
        } else if (r.code() == 2 && r.err().isBlank()) {
            problem = "exit 2 without a message";
        } else if (ran.allocatedBytes() > MAX_ALLOCATED_MIB * 1024 * 1024) {
            problem = "allocated " + ran.allocatedBytes() / (1024 * 1024) + " MiB, above the bound of "
                    + MAX_ALLOCATED_MIB + " MiB";
        }
        if (problem != null) {
            fail(target + " seed " + seed + " (replay: -Diocert.fuzz.replay=" + target.name() + ":" + seed + "): "
                    + problem + "\n--- input (" + input.length + " bytes, escaped) ---\n" + shown(input)
                    + "\n--- stdout ---\n" + clip(r.out()) + "\n--- stderr ---\n" + clip(r.err()));
        }
    }

    /** Bytes allocated so far by this thread (HotSpot's per-thread counter). */
    private static long allocated() {
        var bean = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        return bean.getThreadAllocatedBytes(Thread.currentThread().getId());
    }

    // ---- mutations ----

    private static final String[] TOKENS = {
        "-1",
        "0",
        "-0",
        "1e308",
        "-1e308",
        "1e-320",
        "9223372036854775807",
        "9223372036854775808",
        "-9223372036854775809",
        "18446744073709551616",
        "NaN",
        "Infinity",
        "null",
        "true",
        "\"\"",
        "[]",
        "{}",
        "[[[[[[[[[[[[[[[[",
        "}}}}",
        "\u0000",
        "\u001b[2J",
        "\u0007",
        "\r",
        "\n",
        "\t",
        "\\u0000",
        "\\ud800",
        "&a ",
        "*a ",
        "!!binary ",
        "<<: *a",
        "~",
        "? ",
        "- ",
        ": ",
        "#",
        "%YAML 1.1\n",
        "---\n",
        "...\n",
        "1ns",
        "0.1ns",
        "2GiB",
        "100000",
        "1e30 s",
        "p99.9",
        "p0",
        "cv",
        "\"parsecs\"",
        "\"B/s\"",
        "ÿ",
        "\u202e",
        "\"format\": \"iocert-result/1\"",
        "\"histogram\": \"" + bomb() + "\"",
        "'",
        "\"",
        ",",
        ":",
        "="
    };

    /** A 42-byte histogram that declares 5 digits over the whole range (46 MiB once decoded). */
    private static String bomb() {
        org.HdrHistogram.Histogram h = new org.HdrHistogram.Histogram(1, Long.MAX_VALUE / 2, 5);
        h.recordValue(3);
        java.nio.ByteBuffer buffer = java.nio.ByteBuffer.allocate(h.getNeededByteBufferCapacity());
        int length = h.encodeIntoCompressedByteBuffer(buffer);
        return java.util.Base64.getEncoder().encodeToString(Arrays.copyOf(buffer.array(), length));
    }

    static byte[] mutate(byte[] seed, SplittableRandom rnd) {
        byte[] b = seed.clone();
        int n = 1 + rnd.nextInt(4);
        for (int k = 0; k < n; k++) {
            b = mutateOnce(b, rnd);
        }
        return b;
    }

    private static byte[] mutateOnce(byte[] b, SplittableRandom rnd) {
        if (b.length == 0) {
            return token(rnd).getBytes(StandardCharsets.UTF_8);
        }
        int at = rnd.nextInt(b.length);
        switch (rnd.nextInt(9)) {
            case 0 -> {
                byte[] c = b.clone();
                c[at] ^= (byte) (1 << rnd.nextInt(8));
                return c;
            }
            case 1 -> {
                int len = 1 + rnd.nextInt(Math.min(64, b.length - at));
                return concat(Arrays.copyOfRange(b, 0, at), Arrays.copyOfRange(b, at + len, b.length));
            }
            case 2 -> {
                int len = 1 + rnd.nextInt(Math.min(256, b.length - at));
                byte[] span = Arrays.copyOfRange(b, at, at + len);
                int to = rnd.nextInt(b.length + 1);
                return concat(Arrays.copyOfRange(b, 0, to), span, Arrays.copyOfRange(b, to, b.length));
            }
            case 3 -> {
                return concat(
                        Arrays.copyOfRange(b, 0, at),
                        token(rnd).getBytes(StandardCharsets.UTF_8),
                        Arrays.copyOfRange(b, at, b.length));
            }
            case 4 -> {
                return Arrays.copyOf(b, at);
            }
            case 5 -> {
                // A number in the document replaced by a hard one.
                int start = at;
                while (start < b.length && (b[start] < '0' || b[start] > '9')) {
                    start++;
                }
                int end = start;
                while (end < b.length && (b[end] >= '0' && b[end] <= '9' || b[end] == '.')) {
                    end++;
                }
                String[] numbers = {
                    "-1",
                    "0",
                    "1e308",
                    "9223372036854775808",
                    "4611686018427387904",
                    "0.0000001",
                    "99999999999999999999999",
                    "-0.5",
                    "2147483648"
                };
                return concat(
                        Arrays.copyOfRange(b, 0, start),
                        numbers[rnd.nextInt(numbers.length)].getBytes(StandardCharsets.US_ASCII),
                        Arrays.copyOfRange(b, end, b.length));
            }
            case 6 -> {
                byte[] c = b.clone();
                byte[] interesting = {
                    0,
                    0x1b,
                    0x07,
                    '\n',
                    '\r',
                    '"',
                    '{',
                    '}',
                    '[',
                    ']',
                    ',',
                    ':',
                    '-',
                    '9',
                    (byte) 0xff,
                    (byte) 0xc3,
                    ' ',
                    '\\'
                };
                c[at] = interesting[rnd.nextInt(interesting.length)];
                return c;
            }
            case 7 -> {
                // A long run: strings, names and numbers far beyond their usual size.
                byte[] run = new byte[1 + rnd.nextInt(20_000)];
                Arrays.fill(run, (byte) "A9[{ \"".charAt(rnd.nextInt(6)));
                return concat(Arrays.copyOfRange(b, 0, at), run, Arrays.copyOfRange(b, at, b.length));
            }
            default -> {
                // Splice: a span copied over another place.
                int from = rnd.nextInt(b.length);
                int len = Math.min(1 + rnd.nextInt(128), Math.min(b.length - from, b.length - at));
                byte[] c = b.clone();
                System.arraycopy(b, from, c, at, len);
                return c;
            }
        }
    }

    private static String token(SplittableRandom rnd) {
        return TOKENS[rnd.nextInt(TOKENS.length)];
    }

    private static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) {
            n += p.length;
        }
        byte[] out = new byte[n];
        int at = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }

    private static String shown(byte[] input) {
        String s = new String(input, StandardCharsets.UTF_8);
        StringBuilder b = new StringBuilder();
        s.codePoints().limit(6000).forEach(cp -> {
            if (cp == '\n' || cp >= 0x20 && cp != 0x7f && cp != 0xfffd) {
                b.appendCodePoint(cp);
            } else {
                b.append(String.format(Locale.ROOT, "\\u%04x", cp));
            }
        });
        return s.length() > 6000 ? b + "... (" + s.length() + " chars)" : b.toString();
    }

    private static String clip(String s) {
        return s.length() > 3000 ? s.substring(0, 3000) + "..." : s;
    }
}
