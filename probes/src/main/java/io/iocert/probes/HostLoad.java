package io.iocert.probes;

import io.iocert.results.Measurement;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * What else the machine was doing while a probe ran, from {@code /proc}: the share of CPU
 * time the hypervisor stole, the share that was busy (this probe included), and the 1-minute
 * load average at start and end. Taken as a snapshot before and after each probe, so a report
 * can say "measured under 12% steal". Anything unreadable (not Linux, /proc hidden) is
 * left out.
 *
 * <p>Context keys: {@value #STEAL_SHARE} and {@value #BUSY_SHARE} are ratios 0..1 over all
 * CPUs for the probe's run ({@code /proc/stat} "cpu" line: steal over user + nice + system +
 * idle + iowait + irq + softirq + steal; busy excludes idle, iowait and steal);
 * {@value #LOAD_AVERAGE_START} and {@value #LOAD_AVERAGE_END} are the kernel's 1-minute load
 * average as {@code /proc/loadavg} prints it, a smoothed figure that lags a short probe.
 */
public final class HostLoad {
    public static final String STEAL_SHARE = "cpuStealShare";
    public static final String BUSY_SHARE = "cpuBusyShare";
    public static final String LOAD_AVERAGE_START = "loadAverage1mAtStart";
    public static final String LOAD_AVERAGE_END = "loadAverage1mAtEnd";

    /** CPU time counters (ticks) and the load average at one moment; either may be absent. */
    public record Snapshot(Optional<long[]> cpuTicks, Optional<String> loadAverage1m) {}

    private final Path proc;

    HostLoad(Path proc) {
        this.proc = proc;
    }

    /** The sampler of this machine's {@code /proc}. */
    public static HostLoad system() {
        return new HostLoad(Path.of("/proc"));
    }

    public Snapshot sample() {
        return new Snapshot(cpuTicks(), loadAverage());
    }

    /** The context entries for a probe that ran between {@code before} and {@code after}. */
    public static Map<String, String> context(Snapshot before, Snapshot after) {
        Map<String, String> ctx = new LinkedHashMap<>();
        if (before.cpuTicks().isPresent() && after.cpuTicks().isPresent()) {
            long[] a = before.cpuTicks().get();
            long[] b = after.cpuTicks().get();
            long total = 0;
            long[] d = new long[8];
            for (int i = 0; i < 8; i++) {
                d[i] = Math.max(0, b[i] - a[i]);
                total += d[i];
            }
            if (total > 0) {
                long busy = d[0] + d[1] + d[2] + d[5] + d[6];
                ctx.put(STEAL_SHARE, ratio((double) d[7] / total));
                ctx.put(BUSY_SHARE, ratio((double) busy / total));
            }
        }
        before.loadAverage1m().ifPresent(v -> ctx.put(LOAD_AVERAGE_START, v));
        after.loadAverage1m().ifPresent(v -> ctx.put(LOAD_AVERAGE_END, v));
        return ctx;
    }

    /** The measurements with {@code extra} added to their context; a key a probe set itself is kept. */
    public static List<Measurement> withContext(List<Measurement> ms, Map<String, String> extra) {
        List<Measurement> out = new ArrayList<>();
        for (Measurement m : ms) {
            Map<String, String> ctx = new LinkedHashMap<>(m.context());
            extra.forEach(ctx::putIfAbsent);
            out.add(m.withContext(ctx));
        }
        return out;
    }

    private static String ratio(double r) {
        return String.format(Locale.ROOT, "%.4f", r);
    }

    /** user nice system idle iowait irq softirq steal of the aggregate "cpu" line (older kernels lack the later ones: 0). */
    private Optional<long[]> cpuTicks() {
        try {
            for (String line : Files.readAllLines(proc.resolve("stat"), StandardCharsets.US_ASCII)) {
                if (!line.startsWith("cpu ")) {
                    continue;
                }
                String[] f = line.substring(4).strip().split("\\s+");
                if (f.length < 4) {
                    return Optional.empty();
                }
                long[] ticks = new long[8];
                for (int i = 0; i < Math.min(8, f.length); i++) {
                    ticks[i] = Long.parseLong(f[i]);
                }
                return Optional.of(ticks);
            }
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
        return Optional.empty();
    }

    private Optional<String> loadAverage() {
        try {
            String[] f = Files.readString(proc.resolve("loadavg"), StandardCharsets.US_ASCII)
                    .strip()
                    .split("\\s+");
            Double.parseDouble(f[0]);
            return Optional.of(f[0]);
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }
}
