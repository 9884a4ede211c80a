package io.iocert.probes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.iocert.results.Measurement;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HostLoadTest {
    @TempDir
    Path proc;

    private HostLoad.Snapshot at(String cpuLine, String loadavg) throws Exception {
        Files.writeString(proc.resolve("stat"), cpuLine + "\ncpu0 1 2 3 4 5 6 7 8 0 0\nintr 1\n");
        Files.writeString(proc.resolve("loadavg"), loadavg + "\n");
        return new HostLoad(proc).sample();
    }

    @Test
    void shouldReportTheStealAndBusySharesOfTheProbesRunAndTheLoadAverage() throws Exception {
        HostLoad.Snapshot before = at("cpu  100 0 50 1000 10 0 0 5 0 0", "0.50 0.40 0.30 1/200 999");
        // 1000 ticks pass: 300 user, 100 system, 400 idle, 0 iowait, 80 irq+softirq... and 120 stolen.
        HostLoad.Snapshot after = at("cpu  400 0 150 1400 10 50 30 125 0 0", "1.25 0.50 0.31 2/201 1000");
        assertEquals(
                Map.of(
                        HostLoad.STEAL_SHARE,
                        "0.1200",
                        HostLoad.BUSY_SHARE,
                        "0.4800",
                        HostLoad.LOAD_AVERAGE_START,
                        "0.50",
                        HostLoad.LOAD_AVERAGE_END,
                        "1.25"),
                HostLoad.context(before, after));
    }

    @Test
    void shouldLeaveOutWhatCannotBeRead() {
        HostLoad.Snapshot none = new HostLoad(proc.resolve("missing")).sample();
        assertEquals(Map.of(), HostLoad.context(none, none));
    }

    @Test
    void shouldKeepWhatAProbeSaidItself() {
        Measurement m = Measurement.failed("r", "fs.read", "latency", "ns", Map.of(), "boom");
        m = HostLoad.withContext(List.of(m), Map.of("a", "probe")).get(0);
        Measurement merged = HostLoad.withContext(List.of(m), Map.of("a", "sampler", "b", "sampler"))
                .get(0);
        assertEquals(Map.of("a", "probe", "b", "sampler"), merged.context());
        assertEquals("boom", merged.error());
    }

    @Test
    void shouldSampleThisMachine() {
        HostLoad.Snapshot s = HostLoad.system().sample();
        if (Files.isReadable(Path.of("/proc/stat"))) {
            assertTrue(s.cpuTicks().isPresent());
            assertTrue(HostLoad.context(s, HostLoad.system().sample()).containsKey(HostLoad.LOAD_AVERAGE_END));
        }
    }
}
