package io.iocert.probes.fs;

import static io.iocert.probes.fs.FsTesting.kib;
import static io.iocert.probes.fs.FsTesting.mib;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.iocert.probes.ProbeException;
import io.iocert.spec.ProbeType;
import io.iocert.spec.Quantity;
import io.iocert.spec.Workload;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class FsWorkloadTest {

    private static Workload workload(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return new Workload(m);
    }

    @Test
    void shouldResolveDefaults() throws Exception {
        FsWorkload w = FsWorkload.resolve(ProbeType.FS_WRITE, Workload.EMPTY, 8);

        assertEquals(1L << 20, w.blockSizeBytes());
        assertEquals(256L << 20, w.fileSizeBytes());
        assertEquals(1, w.threads());
        assertEquals(DirectMode.TRUE, w.direct());
        assertEquals(OptionalLong.empty(), w.durationNs());
        assertEquals(OptionalLong.empty(), w.intervalNs());
        assertEquals(0, w.warmupNs());
    }

    @Test
    void shouldGiveTheWorkloadAsRunInCanonicalNumbers() throws Exception {
        FsWorkload w = FsWorkload.resolve(
                ProbeType.FS_READ,
                workload(
                        "pattern",
                        "sequential",
                        "blockSize",
                        kib(4),
                        "fileSize",
                        mib(64),
                        "threads",
                        "all",
                        "direct",
                        "auto",
                        "duration",
                        Quantity.nanos(5e9),
                        "fsync",
                        "none"),
                3);

        Map<String, Object> expected = new LinkedHashMap<>();
        expected.put("pattern", "sequential");
        expected.put("blockSize", 4096L);
        expected.put("fileSize", 64L << 20);
        expected.put("threads", 3L);
        expected.put("direct", false);
        expected.put("duration", 5_000_000_000L);
        expected.put("interval", 100_000_000L);
        expected.put("warmup", 0L);
        assertEquals(expected, w.asRun(false, 100_000_000L));
        assertEquals(3 * (64L << 20), w.totalBytes());
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "pattern|zigzag|pattern 'zigzag' is not valid for fs.read; expected sequential or random",
                "fsync|end|fsync end needs writes, but fs.read with readPercent 100 only reads; use fsync: none",
                "fsync|0|fsync 0 is not valid for fs.read; expected none, end, or a whole number of writes of at least 1",
                "readPercent|70|readPercent is only meaningful with pattern: random for fs.read, got pattern sequential",
                "rate|0|rate must be positive for fs.read, got 0 ops/s",
                "totalSize|1KiB|totalSize 1 KiB is smaller than blockSize 1 MiB; fs.read needs at least one whole block",
                "direct|maybe|direct 'maybe' is not valid for fs.read; expected true, false or auto",
            })
    void shouldRefuseWhatItCannotHonour(String key, String value, String message) {
        Object v = switch (key) {
            case "readPercent" -> Long.valueOf(value);
            case "rate" -> new Quantity(Double.parseDouble(value), io.iocert.spec.Dimension.OP_RATE);
            case "totalSize" -> Quantity.bytes(1024);
            case "fsync" -> value.equals("end") ? value : (Object) Long.valueOf(value);
            default -> value;
        };
        ProbeException e =
                assertThrows(ProbeException.class, () -> FsWorkload.resolve(ProbeType.FS_READ, workload(key, v), 2));
        assertEquals(message, e.getMessage());
    }

    @Test
    void shouldRefuseKeysItDoesNotKnow() {
        ProbeException e = assertThrows(
                ProbeException.class, () -> FsWorkload.resolve(ProbeType.FS_WRITE, workload("messageSize", kib(8)), 2));
        assertEquals(
                "workload key 'messageSize' is not known to fs.write; expected one of pattern, blockSize, fileSize, "
                        + "threads, direct, fsync, readPercent, rate, duration, totalSize, interval, warmup",
                e.getMessage());
    }

    @Test
    void shouldRefuseAFileSmallerThanOneBlock() {
        ProbeException e = assertThrows(
                ProbeException.class,
                () -> FsWorkload.resolve(ProbeType.FS_WRITE, workload("blockSize", mib(1), "fileSize", kib(4)), 2));
        assertEquals(
                "fileSize 4 KiB is smaller than blockSize 1 MiB; fs.write needs at least one whole block",
                e.getMessage());
    }

    @Test
    void shouldRefuseAValueOfTheWrongKind() {
        ProbeException e = assertThrows(
                ProbeException.class,
                () -> FsWorkload.resolve(ProbeType.FS_WRITE, workload("blockSize", Quantity.nanos(5)), 2));
        assertEquals(
                "blockSize of fs.write must be a size (B, KB, KiB, MB, MiB, GB, GiB, TB, TiB), at most 1 GiB,"
                        + " got '5 ns'",
                e.getMessage());
    }

    @Test
    void shouldGiveTheNewKeysInTheWorkloadAsRun() throws Exception {
        FsWorkload w = FsWorkload.resolve(
                ProbeType.FS_WRITE,
                workload(
                        "pattern",
                        "random",
                        "blockSize",
                        kib(4),
                        "fileSize",
                        mib(1),
                        "readPercent",
                        30L,
                        "fsync",
                        4L,
                        "totalSize",
                        mib(2),
                        "rate",
                        new Quantity(1000, io.iocert.spec.Dimension.OP_RATE)),
                2);

        Map<String, Object> asRun = w.asRun(true, 1_000_000L);
        assertEquals("random", asRun.get("pattern"));
        assertEquals(30L, asRun.get("readPercent"));
        assertEquals(4L, asRun.get("fsync"));
        assertEquals(2L << 20, asRun.get("totalSize"));
        assertEquals(1000.0, asRun.get("rate"));
        assertEquals(1_000_000L, w.scheduleIntervalNs());
    }

    @Test
    void shouldRoundTotalSizeDownToWholeBlocks() throws Exception {
        FsWorkload w = FsWorkload.resolve(
                ProbeType.FS_WRITE,
                workload("blockSize", kib(4), "fileSize", mib(1), "totalSize", Quantity.bytes(10_000)),
                1);

        assertEquals(OptionalLong.of(8192), w.totalSizeBytes());
    }

    @Test
    void shouldRefuseAReadPercentAboveOneHundred() {
        ProbeException e = assertThrows(
                ProbeException.class,
                () -> FsWorkload.resolve(ProbeType.FS_WRITE, workload("pattern", "random", "readPercent", 101L), 1));
        assertEquals(true, e.getMessage().startsWith("readPercent of fs.write must be "), e.getMessage());
    }
}
