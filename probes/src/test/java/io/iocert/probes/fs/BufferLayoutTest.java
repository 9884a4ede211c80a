package io.iocert.probes.fs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BufferLayoutTest {
    @TempDir
    Path dir;

    private BufferLayout.Sources sources(long freeHugePages, String thp, Path hugetlbfs) throws IOException {
        Path meminfo = Files.writeString(
                dir.resolve("meminfo"),
                "MemTotal: 24000000 kB\nHugePages_Total: " + freeHugePages + "\nHugePages_Free: " + freeHugePages
                        + "\nHugepagesize: 2048 kB\n");
        Path mounts = Files.writeString(
                dir.resolve("mounts"),
                "proc /proc proc rw 0 0\n"
                        + (hugetlbfs == null
                                ? ""
                                : "hugetlbfs " + hugetlbfs + " hugetlbfs rw,relatime,pagesize=2M 0 0\n"));
        Path enabled = Files.writeString(dir.resolve("enabled"), "always [" + thp + "] never\n");
        return new BufferLayout.Sources(meminfo, mounts, enabled, dir.resolve("no-smaps"));
    }

    @Test
    void shouldFallBackToAlignedPagesAndSayWhy() throws IOException {
        BufferLayout layout = BufferLayout.allocate(3 << 20, "run1", sources(0, "madvise", null));

        assertEquals(BufferLayout.ALIGNED, layout.label());
        assertEquals(
                "no hugetlbfs with 2 free 2 MiB pages (none mounted, 0 free of 2048 kB); transparent huge pages are"
                        + " 'madvise' (Java cannot madvise; 'always' would do)",
                layout.why());
    }

    @Test
    void shouldHandOutBuffersAtTwoMebibyteBoundaries() throws IOException {
        BufferLayout layout =
                BufferLayout.allocate(BufferLayout.footprint(1 << 20) * 2, "run2", sources(0, "never", null));
        ByteBuffer a = layout.buffer(1 << 20, 4096);
        ByteBuffer b = layout.buffer(1 << 20, 4096);
        a.put(0, (byte) 1);
        b.put(0, (byte) 2);
        assertEquals(1, a.get(0));
        assertEquals(1 << 20, a.capacity());
        assertTrue(
                a.alignmentOffset(0, BufferLayout.HUGE_PAGE) == 0 && b.alignmentOffset(0, BufferLayout.HUGE_PAGE) == 0);
        // Beyond the region: still an aligned buffer, from the ordinary allocator.
        ByteBuffer c = layout.buffer(4096, 4096);
        assertEquals(0, c.alignmentOffset(0, 4096));
    }

    @Test
    void shouldMapTheRegionFromHugetlbfsAndLeaveNothingThere() throws IOException {
        // A directory playing the hugetlbfs mount: the mapping code is the same, the pages are not huge.
        Path mount = Files.createDirectory(dir.resolve("hugepages"));
        BufferLayout layout = BufferLayout.allocate(5 << 20, "run3", sources(4, "madvise", mount));

        assertEquals(BufferLayout.HUGETLBFS, layout.label());
        assertEquals("", layout.why());
        ByteBuffer b = layout.buffer(1 << 20, 4096);
        b.putLong(8, 42);
        assertEquals(42, b.getLong(8));
        try (Stream<Path> left = Files.list(mount)) {
            assertEquals(0, left.count());
        }
    }

    @Test
    void shouldNotUseAPoolWithTooFewFreePages() throws IOException {
        Path mount = Files.createDirectory(dir.resolve("hugepages"));
        BufferLayout layout = BufferLayout.allocate(5 << 20, "run4", sources(2, "never", mount));

        assertEquals(BufferLayout.ALIGNED, layout.label());
        assertTrue(
                layout.why().startsWith("no hugetlbfs with 3 free 2 MiB pages (mounted at " + mount + ", 2 free"),
                layout.why());
    }

    @Test
    void shouldUseRealHugePagesWhereTheNodeHasThem() {
        BufferLayout.Sources system = BufferLayout.Sources.SYSTEM;
        org.junit.jupiter.api.Assumptions.assumeTrue(
                BufferLayout.hugetlbfsMount(system.mounts()).isPresent()
                        && BufferLayout.meminfo(system.meminfo(), "HugePages_Free") >= 2,
                "no hugetlbfs mount with 2 free huge pages on this node");
        BufferLayout layout = BufferLayout.allocate(4 << 20, "real", system);
        assertEquals(BufferLayout.HUGETLBFS, layout.label(), layout.why());
    }
}
