package io.iocert.probes.fs;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.SplittableRandom;

/**
 * Incompressible, non-repeating data to write, without refilling whole blocks.
 *
 * <p>A per-thread pool of random bytes, a little larger than one block, is filled once. Each
 * block is a slice of the pool at a random aligned offset, and before each write every
 * 512-byte sector of the slice gets a fresh random word. So each sector written is unique
 * (nothing for block-level deduplication), any window a filesystem or device compresses is
 * random (nothing for compression), and the cost per block is a few thousand stores instead
 * of regenerating the block: the PRNG never becomes the bottleneck of a fast device.
 *
 * <p>Not for use by more than one thread.
 */
final class BlockSource {
    static final int SECTOR = 512;
    private static final int MIN_SLACK = 1 << 20;
    private static final int MAX_SLACK = 8 << 20;

    private final ByteBuffer pool;
    private final int blockSize;
    private final int alignment;
    private final int offsets;
    private final SplittableRandom random;

    /**
     * @param blockSize  bytes per block
     * @param alignment  buffer address and offset alignment (the O_DIRECT requirement)
     * @param threads    threads that each hold a source: the slack shrinks with them to bound memory
     * @param random     the generator (seeded per thread)
     */
    BlockSource(int blockSize, int alignment, int threads, SplittableRandom random) {
        this(
                blockSize,
                alignment,
                threads,
                random,
                AlignedBuffers.allocate(Math.toIntExact(poolBytes(blockSize, alignment, threads)), alignment));
    }

    /** As above, with the pool in {@code pool} (aligned, at least {@link #poolBytes} long). */
    BlockSource(int blockSize, int alignment, int threads, SplittableRandom random, ByteBuffer pool) {
        this.blockSize = blockSize;
        this.alignment = alignment;
        this.random = random;
        long slack = slack(alignment, threads);
        this.offsets = Math.toIntExact(slack / alignment) + 1;
        if (pool.capacity() < blockSize + slack || Integer.bitCount(alignment) != 1) {
            throw new IllegalArgumentException(
                    "a pool of " + pool.capacity() + " bytes is smaller than " + (blockSize + slack));
        }
        this.pool = pool.slice(0, Math.toIntExact(blockSize + slack)).order(ByteOrder.nativeOrder());
        int i = 0;
        for (; i + Long.BYTES <= pool.capacity(); i += Long.BYTES) {
            pool.putLong(i, random.nextLong());
        }
        for (; i < pool.capacity(); i++) {
            pool.put(i, (byte) random.nextInt());
        }
    }

    /** The bytes of one source's pool: a block and the slack its random offsets move in. */
    static long poolBytes(int blockSize, int alignment, int threads) {
        return blockSize + slack(alignment, threads);
    }

    private static long slack(int alignment, int threads) {
        long slack = Math.max(MIN_SLACK, Math.min(MAX_SLACK, (64L << 20) / Math.max(1, threads)));
        return Math.max(alignment, slack / alignment * alignment);
    }

    /**
     * The next block: aligned, {@code blockSize} bytes remaining, content never seen before, and,
     * when it fits in one, inside one 2 MiB page of the pool (see {@link #offset}).
     */
    ByteBuffer next() {
        int offset = offset();
        ByteBuffer block = pool.slice(offset, blockSize).order(ByteOrder.nativeOrder());
        for (int i = 0; i + Long.BYTES <= blockSize; i += SECTOR) {
            block.putLong(i, random.nextLong());
        }
        return block;
    }

    /**
     * A random aligned offset for the next block. A block no larger than a 2 MiB page never
     * crosses a page boundary of the pool (pools from {@link BufferLayout} start on one): with the
     * pool in huge pages, a block across two of them is two physically separate pieces, which the
     * host behind a virtual disk writes, and later caches, differently from one piece (a file laid
     * out from such blocks read back at 5.1 GB/s where fio's, laid out from one huge page, read at
     * 8.8 GB/s; BENCHMARKS.md). Larger blocks, and pools shorter than a page, take any offset.
     */
    private int offset() {
        int page = BufferLayout.HUGE_PAGE;
        int pages = pool.capacity() / page;
        if (blockSize > page || pages == 0 || page % alignment != 0) {
            return random.nextInt(offsets) * alignment;
        }
        int perPage = (page - blockSize) / alignment + 1;
        int pick = random.nextInt(pages * perPage);
        return pick / perPage * page + pick % perPage * alignment;
    }

    /** A block of {@code length <= blockSize} bytes, for a short last chunk. */
    ByteBuffer next(int length) {
        ByteBuffer b = next();
        b.limit(length);
        return b;
    }
}
