package io.iocert.probes.compute;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The kernel's transparent huge page mode ({@code /sys/kernel/mm/transparent_hugepage/enabled}):
 * {@code always}, {@code madvise}, {@code never}, or {@code absent} where the file is missing or
 * unreadable. In the first two a JVM started with {@code -XX:+UseTransparentHugePages} asks for
 * huge pages for its heap (madvise), so hundreds of MiB of arrays cost a few hundred page faults
 * instead of a few hundred thousand: on this project's VM, allocating STREAM's three 256-MiB
 * arrays took 2-4 s on 4-KiB pages and 0.1-1.2 s on huge pages.
 */
final class TransparentHugePages {
    private TransparentHugePages() {}

    static String mode() {
        return mode(Path.of("/sys/kernel/mm/transparent_hugepage/enabled"));
    }

    /** The bracketed choice of a file such as "always [madvise] never". */
    static String mode(Path enabled) {
        try {
            String s = Files.readString(enabled, StandardCharsets.US_ASCII);
            int open = s.indexOf('[');
            int close = s.indexOf(']', open + 1);
            return open >= 0 && close > open ? s.substring(open + 1, close) : "absent";
        } catch (IOException | RuntimeException e) {
            return "absent";
        }
    }

    /** Whether a JVM's heap can be given huge pages by madvise in this mode. */
    static boolean usable(String mode) {
        return mode.equals("always") || mode.equals("madvise");
    }
}
