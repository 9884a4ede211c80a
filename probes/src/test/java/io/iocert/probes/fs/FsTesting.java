package io.iocert.probes.fs;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.iocert.probes.NanoClock;
import io.iocert.probes.ProbeContext;
import io.iocert.probes.ProgressListener;
import io.iocert.results.Measurement;
import io.iocert.spec.ProbeType;
import io.iocert.spec.Quantity;
import io.iocert.spec.Requirement;
import io.iocert.spec.Workload;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/** Builders for fs probe tests (SpecLoader is not written yet, so requirements are built directly). */
final class FsTesting {
    static final String RUN_ID = "test-run";

    private FsTesting() {}

    static Requirement requirement(ProbeType probe, Object... keyValues) {
        Map<String, Object> values = new java.util.LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            values.put((String) keyValues[i], keyValues[i + 1]);
        }
        return new Requirement("req-1", probe, new Workload(values), List.of(), 0.95, Duration.ofSeconds(60));
    }

    static Quantity kib(long n) {
        return Quantity.bytes(n * 1024);
    }

    static Quantity mib(long n) {
        return Quantity.bytes(n * 1024 * 1024);
    }

    static Quantity ms(long n) {
        return Quantity.nanos(n * 1_000_000L);
    }

    static ProbeContext context(Path fsPath) {
        return context(fsPath, Duration.ofSeconds(60), NanoClock.SYSTEM, ProgressListener.NONE);
    }

    static ProbeContext context(Path fsPath, Duration budget, NanoClock clock, ProgressListener progress) {
        return new ProbeContext(fsPath, RUN_ID, budget, Optional.empty(), clock, progress);
    }

    static Measurement metric(List<Measurement> ms, String metric) {
        return ms.stream()
                .filter(m -> m.metric().equals(metric))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no " + metric + " in " + ms));
    }

    /** Every entry below {@code dir} with its content (files) or a marker (directories), for before/after comparison. */
    static Map<String, String> snapshot(Path dir) throws IOException {
        Map<String, String> m = new TreeMap<>();
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                String key = dir.relativize(p).toString();
                m.put(
                        key,
                        Files.isDirectory(p)
                                ? "<dir>"
                                : java.util.HexFormat.of().formatHex(Files.readAllBytes(p)) + "@"
                                        + Files.getLastModifiedTime(p).toMillis());
            }
        }
        return m;
    }

    static void assertNoWorkspaceLeft(Path fsPath) throws IOException {
        try (Stream<Path> s = Files.list(fsPath)) {
            assertEquals(
                    List.of(),
                    s.map(p -> p.getFileName().toString())
                            .filter(n -> n.startsWith(".iocert-"))
                            .toList());
        }
    }

    /** A clock that moves {@code stepNs} on every reading, from any thread. */
    static NanoClock steppingClock(long stepNs) {
        AtomicLong t = new AtomicLong(1_000_000_000L);
        return () -> t.getAndAdd(stepNs);
    }

    /** Counts progress updates and keeps the last. */
    static final class RecordingProgress implements ProgressListener {
        final Map<String, Object> last = new HashMap<>();
        int updates;
        double minFraction = Double.MAX_VALUE;
        double maxFraction = -Double.MAX_VALUE;

        @Override
        public synchronized void update(String requirementId, double fractionDone, String status) {
            updates++;
            minFraction = Math.min(minFraction, fractionDone);
            maxFraction = Math.max(maxFraction, fractionDone);
            last.put("id", requirementId);
            last.put("fraction", fractionDone);
            last.put("status", status);
        }
    }
}
