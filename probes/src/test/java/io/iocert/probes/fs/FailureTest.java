package io.iocert.probes.fs;

import static io.iocert.probes.fs.FsTesting.context;
import static io.iocert.probes.fs.FsTesting.kib;
import static io.iocert.probes.fs.FsTesting.metric;
import static io.iocert.probes.fs.FsTesting.mib;
import static io.iocert.probes.fs.FsTesting.requirement;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.iocert.probes.NanoClock;
import io.iocert.probes.ProbeException;
import io.iocert.probes.ProgressListener;
import io.iocert.results.Measurement;
import io.iocert.spec.ProbeType;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a probe hands back when the filesystem fails under it, or the caller gives up. */
class FailureTest {
    @TempDir
    Path fsPath;

    private static FsProbeEngine failingAfter(int writes) {
        return new FsProbeEngine(
                (file, options) -> new FailingChannel(FileChannel.open(file, options), writes), files -> {}, 2);
    }

    @Test
    void shouldKeepWhatWasMeasuredBeforeAWriteFailed() throws Exception {
        List<Measurement> ms = new FsWriteProbe(failingAfter(5))
                .run(
                        requirement(ProbeType.FS_WRITE, "fileSize", mib(1), "blockSize", kib(64), "direct", "false"),
                        context(fsPath));

        Measurement latency = metric(ms, "latency");
        assertEquals(5, latency.samples());
        assertEquals("error", latency.context().get(FsProbeEngine.STOPPED_BY));
        assertEquals("stopped after 5 measured operations: No space left on device", latency.error());
        for (Measurement m : ms) {
            assertEquals(latency.error(), m.error());
        }
        FsTesting.assertNoWorkspaceLeft(fsPath);
    }

    @Test
    void shouldThrowWhenNothingCouldBeMeasured() {
        ProbeException e = assertThrows(
                ProbeException.class,
                () -> new FsWriteProbe(failingAfter(0))
                        .run(
                                requirement(
                                        ProbeType.FS_WRITE,
                                        "fileSize",
                                        mib(1),
                                        "blockSize",
                                        kib(64),
                                        "direct",
                                        "false"),
                                context(fsPath)));

        assertTrue(e.getMessage().startsWith("fs.write failed in " + fsPath), e.getMessage());
        assertTrue(e.getMessage().endsWith("before measuring anything: No space left on device"), e.getMessage());
    }

    @Test
    void shouldStopAndCleanUpWhenInterrupted() throws Exception {
        // The progress listener runs on the probing thread: interrupting it there is what a caller's
        // interrupt looks like to the probe, at a known point (the file to read has just been written).
        ProgressListener interruptAfterPreparing = (id, fraction, status) -> {
            if (status.startsWith("writing the file to read: done")) {
                Thread.currentThread().interrupt();
            }
        };
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Thread t = new Thread(() -> {
            try {
                new FsReadProbe()
                        .run(
                                requirement(
                                        ProbeType.FS_READ, "fileSize", mib(4), "blockSize", kib(64), "direct", "auto"),
                                context(fsPath, Duration.ofSeconds(60), NanoClock.SYSTEM, interruptAfterPreparing));
            } catch (Throwable e) {
                thrown.set(e);
            }
        });
        t.start();
        t.join(60_000);

        assertTrue(thrown.get() instanceof InterruptedException, String.valueOf(thrown.get()));
        FsTesting.assertNoWorkspaceLeft(fsPath);
    }
}
