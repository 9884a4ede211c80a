package io.iocert.results;

import java.util.ArrayList;
import java.util.List;
import org.HdrHistogram.Histogram;

/**
 * Records per-operation values into time blocks for a {@link BlockSeries}, in bounded memory
 * whatever the run length: blocks start {@link #INITIAL_BLOCK_NS} long, and whenever a value
 * falls beyond {@link #MAX_BLOCKS} blocks, neighbouring blocks are merged pairwise and the
 * block length doubles. Block lengths are therefore the initial length times a power of two,
 * counted from a common origin, so recorders of different threads merge exactly.
 *
 * <p>Not thread-safe: one recorder per thread, merged at the end.
 */
public final class BlockRecorder {
    /** The first block length: fine enough that a 100-ms run still has several blocks. */
    public static final long INITIAL_BLOCK_NS = 5_000_000L;
    /** At most this many blocks while recording; more halve the count by merging neighbours. */
    public static final int MAX_BLOCKS = 64;
    /**
     * At most this many blocks in the series handed out: enough for the certifier's eight
     * batches, few enough that results stay small and quick to read.
     */
    public static final int MAX_SERIES_BLOCKS = 16;

    private static final int DIGITS = 2;

    private final long originNs;
    private long blockNs = INITIAL_BLOCK_NS;
    private final List<Histogram> blocks = new ArrayList<>();

    /** @param originNs the start of the measurement; values recorded before it are dropped */
    public BlockRecorder(long originNs) {
        this.originNs = originNs;
    }

    /** Records {@code value} for an operation that completed at {@code atNs}. */
    public void record(long value, long atNs) {
        recordWithCount(value, 1, atNs);
    }

    /** Records {@code count} operations of {@code value} that completed at {@code atNs}. */
    public void recordWithCount(long value, long count, long atNs) {
        long offset = atNs - originNs;
        if (offset < 0) {
            return;
        }
        while (offset / blockNs >= MAX_BLOCKS) {
            coarsen();
        }
        int index = (int) (offset / blockNs);
        while (blocks.size() <= index) {
            blocks.add(newHistogram());
        }
        blocks.get(index).recordValueWithCount(Math.max(0, value), count);
    }

    /**
     * Records {@code value} and, as HdrHistogram's {@code recordValueWithExpectedInterval} does,
     * the values of the operations a stall of that length held back ({@code value - expected},
     * {@code value - 2 * expected}, ... down to {@code expected}), all at {@code atNs}.
     */
    public void recordWithExpectedInterval(long value, long expectedIntervalNs, long atNs) {
        record(value, atNs);
        if (expectedIntervalNs <= 0) {
            return;
        }
        for (long missing = value - expectedIntervalNs; missing >= expectedIntervalNs; missing -= expectedIntervalNs) {
            record(missing, atNs);
        }
    }

    /** Adds another recorder's blocks (same origin) to this one's. */
    public void merge(BlockRecorder other) {
        if (other.originNs != originNs) {
            throw new IllegalArgumentException("recorders have different origins");
        }
        while (blockNs < other.blockNs) {
            coarsen();
        }
        List<Histogram> theirs = other.blockNs == blockNs ? other.blocks : other.coarsenedCopy(blockNs);
        while (blocks.size() < theirs.size()) {
            blocks.add(newHistogram());
        }
        for (int i = 0; i < theirs.size(); i++) {
            blocks.get(i).add(theirs.get(i));
        }
    }

    /**
     * The blocks recorded so far, trailing empty blocks dropped, neighbours merged until at most
     * {@link #MAX_SERIES_BLOCKS} remain; null when nothing was recorded.
     */
    public BlockSeries series() {
        int last = blocks.size() - 1;
        while (last >= 0 && blocks.get(last).getTotalCount() == 0) {
            last--;
        }
        if (last < 0) {
            return null;
        }
        List<Histogram> copy = new ArrayList<>(last + 1);
        for (int i = 0; i <= last; i++) {
            copy.add(blocks.get(i).copy());
        }
        long len = blockNs;
        while (copy.size() > MAX_SERIES_BLOCKS) {
            copy = pairUp(copy);
            len *= 2;
        }
        return new BlockSeries(len, copy);
    }

    long blockNs() {
        return blockNs;
    }

    private void coarsen() {
        List<Histogram> merged = pairUp(blocks);
        blocks.clear();
        blocks.addAll(merged);
        blockNs *= 2;
    }

    private List<Histogram> coarsenedCopy(long targetNs) {
        List<Histogram> current = new ArrayList<>();
        for (Histogram h : blocks) {
            current.add(h.copy());
        }
        for (long len = blockNs; len < targetNs; len *= 2) {
            current = pairUp(current);
        }
        return current;
    }

    /** Neighbours merged pairwise (into the first of each pair): half as many blocks, twice as long. */
    static List<Histogram> pairUp(List<Histogram> in) {
        List<Histogram> out = new ArrayList<>((in.size() + 1) / 2);
        for (int i = 0; i < in.size(); i += 2) {
            Histogram h = in.get(i);
            if (i + 1 < in.size()) {
                h.add(in.get(i + 1));
            }
            out.add(h);
        }
        return out;
    }

    private static Histogram newHistogram() {
        Histogram h = new Histogram(DIGITS);
        h.setAutoResize(true);
        return h;
    }
}
