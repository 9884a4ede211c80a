package io.iocert.probes.fs;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Optional;

/**
 * Where a probe's I/O buffers live (the files' own writes and the measured pass's), chosen once per
 * run so that their physical layout does not change from run to run.
 *
 * <p>Why it matters: a large O_DIRECT request is handed to the device as a list of physically
 * contiguous segments. A 1 MiB buffer in 256 scattered 4 KiB pages needs 256 segments; a virtio
 * disk that takes 254 gets it as two requests, one that happens to be contiguous as one, and
 * sequential throughput moves by up to 2x between runs (BENCHMARKS.md). A buffer inside 2 MiB
 * huge pages is contiguous by construction. In order of preference:
 * <ol>
 *   <li>{@value #HUGETLBFS}: a file in a mounted hugetlbfs, mapped, when the pool has enough free
 *       huge pages of 2 MiB ({@code /proc/meminfo}). The kernel reserves the pages when the file
 *       is mapped, or the mapping fails and the next choice is taken. The file lives in the run's
 *       own {@code .iocert-<run-id>} directory on that mount and is removed once mapped.</li>
 *   <li>{@value #THP}: transparent huge pages set to {@code always}: a direct buffer aligned to
 *       2 MiB and touched page by page, so that each 2 MiB of it faults in as one huge page;
 *       confirmed by the process's {@code AnonHugePages} growing by the region's size (else
 *       reported as the fallback).</li>
 *   <li>{@value #ALIGNED}, the fallback: a direct buffer aligned to 2 MiB in ordinary 4 KiB
 *       pages, physically wherever the kernel put them. With transparent huge pages at
 *       {@code madvise} (most distributions' default) Java 17 cannot ask for huge pages (it has
 *       no madvise), so this is what such a node gets; large O_DIRECT operations then vary, and
 *       the result's {@code deviceRequestsPerOp} shows how they were split.</li>
 * </ol>
 * Each buffer handed out starts at a 2 MiB boundary of the region, so a buffer of up to 2 MiB
 * sits in one huge page.
 */
final class BufferLayout {
    static final String HUGETLBFS = "hugetlbfs-2MiB";
    static final String THP = "thp-2MiB";
    static final String ALIGNED = "aligned-4KiB";
    static final int HUGE_PAGE = 2 << 20;

    /** Where the kernel tells what it has: a seam for tests. */
    record Sources(Path meminfo, Path mounts, Path thpEnabled, Path smapsRollup) {
        static final Sources SYSTEM = new Sources(
                Path.of("/proc/meminfo"),
                Path.of("/proc/mounts"),
                Path.of("/sys/kernel/mm/transparent_hugepage/enabled"),
                Path.of("/proc/self/smaps_rollup"));
    }

    private final ByteBuffer region;
    private final String label;
    private final String why;
    private int next;

    private BufferLayout(ByteBuffer region, String label, String why) {
        this.region = region;
        this.label = label;
        this.why = why;
    }

    /** A region of at least {@code bytes} for the run {@code runId}, huge-page backed where the node allows it. */
    static BufferLayout allocate(long bytes, String runId, Sources sources) {
        long size = roundUp(Math.max(bytes, 1), HUGE_PAGE);
        if (size > Integer.MAX_VALUE - HUGE_PAGE) {
            return fallback(bytes, "the buffers need more than 2 GiB");
        }
        StringBuilder why = new StringBuilder();
        Optional<ByteBuffer> huge = hugetlbfs(size, runId, sources, why);
        if (huge.isPresent()) {
            return new BufferLayout(huge.get(), HUGETLBFS, "");
        }
        String thp = bracketed(sources.thpEnabled());
        if ("always".equals(thp)) {
            long before = anonHugeBytes(sources.smapsRollup());
            ByteBuffer b = ByteBuffer.allocateDirect((int) size + HUGE_PAGE).alignedSlice(HUGE_PAGE);
            for (int i = 0; i < b.capacity(); i += 4096) {
                b.put(i, (byte) 0);
            }
            long grew = anonHugeBytes(sources.smapsRollup()) - before;
            if (before >= 0 && grew >= size) {
                return new BufferLayout(b, THP, "");
            }
            why.append("; transparent huge pages are 'always' but AnonHugePages grew by ")
                    .append(grew >> 20)
                    .append(" MiB, not the ")
                    .append(size >> 20)
                    .append(" MiB of the buffers");
            return new BufferLayout(b, ALIGNED, why.substring(2));
        }
        why.append("; transparent huge pages are ")
                .append(thp == null ? "unavailable" : "'" + thp + "'")
                .append(" (Java cannot madvise; 'always' would do)");
        return fallback(size, why.substring(2));
    }

    private static BufferLayout fallback(long size, String why) {
        ByteBuffer b = ByteBuffer.allocateDirect((int) Math.min(Integer.MAX_VALUE - HUGE_PAGE, size) + HUGE_PAGE)
                .alignedSlice(HUGE_PAGE);
        return new BufferLayout(b, ALIGNED, why);
    }

    /** The region as a mapped file in a hugetlbfs with enough free 2 MiB pages; empty, with the reason in {@code why}, else. */
    private static Optional<ByteBuffer> hugetlbfs(long size, String runId, Sources sources, StringBuilder why) {
        long pageKb = meminfo(sources.meminfo(), "Hugepagesize");
        long free = meminfo(sources.meminfo(), "HugePages_Free");
        Optional<Path> mount = hugetlbfsMount(sources.mounts());
        if (mount.isEmpty() || pageKb != HUGE_PAGE / 1024 || free * HUGE_PAGE < size) {
            why.append("; no hugetlbfs with ")
                    .append(size / HUGE_PAGE)
                    .append(" free 2 MiB pages (")
                    .append(mount.map(m -> "mounted at " + m).orElse("none mounted"))
                    .append(", ")
                    .append(Math.max(0, free))
                    .append(" free of ")
                    .append(pageKb > 0 ? pageKb + " kB" : "unknown size")
                    .append(")");
            return Optional.empty();
        }
        Path dir = mount.get().resolve(".iocert-" + runId + "-buffers");
        try {
            Files.createDirectory(dir);
            Path file = dir.resolve("buffers");
            try (FileChannel ch = FileChannel.open(
                    file, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
                MappedByteBuffer map = ch.map(FileChannel.MapMode.READ_WRITE, 0, size);
                return Optional.of(map);
            } finally {
                Files.deleteIfExists(file);
                Files.deleteIfExists(dir);
            }
        } catch (IOException | RuntimeException e) {
            why.append("; hugetlbfs at ")
                    .append(mount.get())
                    .append(" refused: ")
                    .append(e.getMessage());
            return Optional.empty();
        }
    }

    /** The next buffer of {@code size} bytes, at a 2 MiB boundary of the region; a plain aligned one once the region is used up. */
    synchronized ByteBuffer buffer(int size, int alignment) {
        if (next + (long) size <= region.capacity()) {
            ByteBuffer b = region.slice(next, size).order(ByteOrder.nativeOrder());
            next = (int) Math.min(region.capacity(), roundUp((long) next + size, HUGE_PAGE));
            return b;
        }
        return AlignedBuffers.allocate(size, alignment);
    }

    /**
     * Hands out buffers from the region's start again: for the next phase of a probe, once every
     * buffer of the one before is no longer used (a probe's file writes, then its measured pass).
     */
    synchronized void rewind() {
        next = 0;
    }

    /** hugetlbfs-2MiB, thp-2MiB or aligned-4KiB. */
    String label() {
        return label;
    }

    /** Why no huge pages were used; empty when they were. */
    String why() {
        return why;
    }

    /** The bytes a buffer of {@code size} takes in the region. */
    static long footprint(long size) {
        return roundUp(size, HUGE_PAGE);
    }

    private static long roundUp(long n, long unit) {
        return (n + unit - 1) / unit * unit;
    }

    private static String bracketed(Path file) {
        try {
            String s = Files.readString(file, StandardCharsets.US_ASCII);
            int a = s.indexOf('[');
            int b = s.indexOf(']', a + 1);
            return a >= 0 && b > a ? s.substring(a + 1, b) : null;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** A /proc/meminfo field's number (kB for sizes, a count for HugePages_*); -1 when absent. */
    static long meminfo(Path file, String key) {
        try {
            for (String line : Files.readAllLines(file, StandardCharsets.US_ASCII)) {
                if (line.startsWith(key + ":")) {
                    String[] f = line.substring(key.length() + 1).trim().split("\\s+");
                    return Long.parseLong(f[0]);
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }

    private static long anonHugeBytes(Path smapsRollup) {
        long kb = meminfo(smapsRollup, "AnonHugePages");
        return kb < 0 ? -1 : kb * 1024;
    }

    /** The first writable hugetlbfs mount whose page size is 2 MiB (the default) in {@code /proc/mounts}. */
    static Optional<Path> hugetlbfsMount(Path mounts) {
        try {
            List<String> lines = Files.readAllLines(mounts, StandardCharsets.US_ASCII);
            for (String line : lines) {
                String[] f = line.split(" ");
                // Without a pagesize option the mount uses the default size, which allocate() checks is 2 MiB.
                boolean twoMiB = f.length >= 4 && (!f[3].contains("pagesize=") || f[3].contains("pagesize=2M"));
                if (twoMiB && f[2].equals("hugetlbfs")) {
                    Path p = Path.of(f[1].replace("\\040", " "));
                    if (Files.isDirectory(p) && Files.isWritable(p)) {
                        return Optional.of(p);
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
        return Optional.empty();
    }
}
