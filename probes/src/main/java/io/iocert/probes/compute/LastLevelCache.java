package io.iocert.probes.compute;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;

/**
 * The total size of the last-level caches, from sysfs ({@code /sys/devices/system/cpu/cpu*\/cache/index*}):
 * for every CPU the data or unified cache of the highest level, counted once per distinct
 * {@code shared_cpu_list} (one L3 per socket, or per core complex on AMD). STREAM sizes its
 * arrays from the sum of all last-level caches, since every thread's share must miss in its own.
 */
final class LastLevelCache {
    private LastLevelCache() {}

    static OptionalLong totalBytes() {
        return totalBytes(Path.of("/sys/devices/system/cpu"));
    }

    static OptionalLong totalBytes(Path cpuRoot) {
        Map<String, Long> byShare = new HashMap<>();
        int bestLevel = 0;
        try (DirectoryStream<Path> cpus = Files.newDirectoryStream(cpuRoot, "cpu[0-9]*")) {
            for (Path cpu : cpus) {
                Path cache = cpu.resolve("cache");
                if (!Files.isDirectory(cache)) {
                    continue;
                }
                try (DirectoryStream<Path> indexes = Files.newDirectoryStream(cache, "index[0-9]*")) {
                    for (Path index : indexes) {
                        String type = read(index.resolve("type"));
                        int level = parseInt(read(index.resolve("level")));
                        long size = parseSize(read(index.resolve("size")));
                        if (level <= 0 || size <= 0 || !(type.equals("Unified") || type.equals("Data"))) {
                            continue;
                        }
                        if (level > bestLevel) {
                            bestLevel = level;
                            byShare.clear();
                        }
                        if (level == bestLevel) {
                            String share = read(index.resolve("shared_cpu_list"));
                            byShare.put(share.isEmpty() ? cpu.getFileName().toString() : share, size);
                        }
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            return OptionalLong.empty();
        }
        long total = byShare.values().stream().mapToLong(Long::longValue).sum();
        return total > 0 ? OptionalLong.of(total) : OptionalLong.empty();
    }

    /** "32768K" (what sysfs writes), "1M", "512": bytes; -1 when unreadable. */
    static long parseSize(String s) {
        String t = s.strip().toUpperCase(Locale.ROOT);
        if (t.isEmpty()) {
            return -1;
        }
        long factor = 1;
        char last = t.charAt(t.length() - 1);
        if (last == 'K' || last == 'M' || last == 'G') {
            factor = last == 'K' ? 1L << 10 : last == 'M' ? 1L << 20 : 1L << 30;
            t = t.substring(0, t.length() - 1);
        }
        try {
            return Long.parseLong(t) * factor;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static int parseInt(String s) {
        try {
            return Integer.parseInt(s.strip());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static String read(Path p) {
        try {
            return Files.readString(p, StandardCharsets.US_ASCII).strip();
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }
}
