package io.iocert.probes.fs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Where the blocks a source hands out lie in its pool. */
class BlockSourceTest {
    private static final int PAGE = BufferLayout.HUGE_PAGE;

    /** A pool for a source of {@code threads}, starting on a 2 MiB boundary as BufferLayout's buffers do. */
    private static ByteBuffer pool(int block, int alignment, int threads) {
        return ByteBuffer.allocateDirect((int) BlockSource.poolBytes(block, alignment, threads) + 2 * PAGE)
                .alignedSlice(PAGE);
    }

    /** The block's offset in {@code pool}, found by its bytes past the stamped first word of its first sector. */
    private static int offsetOf(ByteBuffer block, ByteBuffer pool, int alignment) {
        int found = -1;
        for (int o = 0; o + block.capacity() <= pool.capacity(); o += alignment) {
            boolean same = true;
            for (int i = 8; i < 512 && same; i++) {
                same = pool.get(o + i) == block.get(i);
            }
            if (same) {
                assertEquals(-1, found, "two offsets hold the same bytes");
                found = o;
            }
        }
        assertTrue(found >= 0, "the block is not a slice of the pool");
        return found;
    }

    @Test
    void shouldKeepEachBlockWithinOneHugePageOfThePool() {
        int block = 1 << 20;
        int alignment = 4096;
        ByteBuffer pool = pool(block, alignment, 1);
        BlockSource source = new BlockSource(block, alignment, 1, new SplittableRandom(7), pool);
        Set<Integer> pages = new HashSet<>();
        Set<Integer> offsets = new HashSet<>();
        for (int i = 0; i < 400; i++) {
            int o = offsetOf(source.next(), pool, alignment);
            assertEquals(0, o % alignment);
            assertEquals(o / PAGE, (o + block - 1) / PAGE, "block at " + o + " crosses a 2 MiB boundary");
            pages.add(o / PAGE);
            offsets.add(o);
        }
        // Spread over every whole page of the 9-MiB pool, at many offsets in each.
        assertEquals(4, pages.size(), pages.toString());
        assertTrue(offsets.size() > 300, offsets.size() + " distinct offsets");
    }

    @Test
    void shouldTakeAnyOffsetForABlockLargerThanAPage() {
        int block = 4 << 20;
        int alignment = 4096;
        ByteBuffer pool = pool(block, alignment, 8);
        BlockSource source = new BlockSource(block, alignment, 8, new SplittableRandom(8), pool);
        boolean unaligned = false;
        for (int i = 0; i < 50; i++) {
            unaligned |= offsetOf(source.next(), pool, alignment) % PAGE != 0;
        }
        assertTrue(unaligned, "a 4-MiB block moves across page boundaries like any other");
    }
}
