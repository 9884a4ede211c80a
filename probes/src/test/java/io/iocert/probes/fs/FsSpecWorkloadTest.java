package io.iocert.probes.fs;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.iocert.spec.ProbeType;
import io.iocert.spec.Requirement;
import io.iocert.spec.Spec;
import io.iocert.spec.SpecLoader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Real spec syntax, through the real loader, reaches the fs probes' workload resolution. */
class FsSpecWorkloadTest {

    private static FsWorkload resolve(String workloadYaml, String probe) throws Exception {
        String yaml = """
                iocert: v1
                name: t
                requirements:
                  - id: r
                    probe: %s
                    workload: %s
                    expect:
                      latency: {p99: "<= 2 ms"}
                """.formatted(probe, workloadYaml);
        Requirement r = SpecLoader.parse(yaml, "test").requirements().get(0);
        return FsWorkload.resolve(r.probe(), r.workload(), 4);
    }

    @Test
    void shouldResolveAMixedOpenLoopRandomWorkloadFromSpecSyntax() throws Exception {
        FsWorkload w = resolve(
                "{pattern: random, blockSize: 8KiB, fileSize: 1MiB, threads: 4, readPercent: 70,"
                        + " rate: 5000 IOPS, totalSize: 3MiB, fsync: 16}",
                "fs.read");

        assertTrue(w.random());
        assertEquals(70, w.readPercent());
        assertEquals(5000.0, w.rateOpsPerSecond().orElseThrow());
        assertEquals(800_000L, w.scheduleIntervalNs());
        assertEquals(OptionalLong.of(3L << 20), w.totalSizeBytes());
        assertEquals(16, w.fsyncEvery());
    }

    @Test
    void shouldResolveFsyncEndAndASequentialTotalFromSpecSyntax() throws Exception {
        FsWorkload w = resolve(
                "{pattern: sequential, blockSize: 1MiB, fileSize: 64MiB, totalSize: 256MiB, fsync: end}", "fs.write");

        assertFalse(w.random());
        assertEquals(FsWorkload.FSYNC_END, w.fsyncEvery());
        assertEquals(0, w.readPercent());
        assertEquals(256L << 20, w.plannedBytes());
        assertEquals(0, w.scheduleIntervalNs());
    }

    @Test
    void shouldResolveEveryFsWorkloadOfTheExampleSpecs() throws IOException {
        Path dir = Path.of("..", "examples", "specs");
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
        }
        assertFalse(files.isEmpty(), "no example specs in " + dir.toAbsolutePath());
        int fsRequirements = 0;
        for (Path f : files) {
            Spec spec = assertDoesNotThrow(() -> SpecLoader.load(f), f.toString());
            for (Requirement r : spec.requirements()) {
                if (r.probe() == ProbeType.FS_READ || r.probe() == ProbeType.FS_WRITE) {
                    fsRequirements++;
                    assertDoesNotThrow(() -> FsWorkload.resolve(r.probe(), r.workload(), 4), f + ": " + r.id());
                }
            }
        }
        assertTrue(fsRequirements >= 10, "only " + fsRequirements + " fs requirements found");
    }
}
