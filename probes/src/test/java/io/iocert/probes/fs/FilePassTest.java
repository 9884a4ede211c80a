package io.iocert.probes.fs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.iocert.probes.measure.IntervalTracker;
import java.nio.ByteBuffer;
import java.util.HashSet;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

/** The operation loop, op by op, against a channel that stores nothing and a clock that moves only when told. */
class FilePassTest {
    private static final int BLOCK = 4096;

    private final ScriptedChannel.FakeClock clock = new ScriptedChannel.FakeClock();
    private final Histogram latency = new Histogram(3);

    private FilePass pass(ScriptedChannel ch, FilePass.Plan plan, AtomicLong totalLeft, FilePass.Waiter waiter) {
        OperationRecorder recorder =
                new OperationRecorder(clock, latency, new IntervalTracker(0, OptionalLong.of(1_000_000L)), 0);
        BlockSource source = new BlockSource(BLOCK, BLOCK, 1, new SplittableRandom(1));
        ByteBuffer readBuffer = AlignedBuffers.allocate(BLOCK, BLOCK);
        return new FilePass(
                ch,
                plan,
                source,
                readBuffer,
                recorder,
                Long.MAX_VALUE / 4,
                new AtomicBoolean(),
                new AtomicLong(),
                totalLeft,
                new SplittableRandom(42),
                waiter);
    }

    private static FilePass.Plan plan(
            boolean random, long fileBlocks, long capBytes, int readPercent, long fsync, long intervalNs) {
        return new FilePass.Plan(random, fileBlocks * BLOCK, BLOCK, capBytes, readPercent, fsync, intervalNs);
    }

    private ScriptedChannel channel(long opNs) {
        return new ScriptedChannel(clock, i -> opNs, 0);
    }

    @Test
    void shouldPickBlockAlignedRandomOffsetsThatCoverTheFile() {
        ScriptedChannel ch = channel(10);
        FilePass.Outcome o = pass(
                        ch,
                        plan(true, 16, Long.MAX_VALUE, 0, FsWorkload.FSYNC_NONE, 0),
                        new AtomicLong(2000L * BLOCK),
                        t -> {})
                .call();

        assertEquals(FilePass.End.TOTAL, o.end());
        assertEquals(2000, ch.accesses.size());
        Set<Long> offsets = new HashSet<>();
        for (ScriptedChannel.Access a : ch.accesses) {
            assertEquals(0, a.offset() % BLOCK, "offset " + a.offset());
            assertTrue(a.offset() >= 0 && a.offset() < 16L * BLOCK, "offset " + a.offset());
            assertEquals(BLOCK, a.length());
            offsets.add(a.offset());
        }
        assertEquals(16, offsets.size());
        // Not the sequential order: the first 16 operations do not visit the blocks front to back.
        List<Long> first = ch.accesses.stream()
                .limit(16)
                .map(ScriptedChannel.Access::offset)
                .toList();
        assertTrue(!first.equals(java.util.stream.LongStream.range(0, 16)
                .map(b -> b * BLOCK)
                .boxed()
                .toList()));
    }

    @Test
    void shouldStopARandomPassAtTheFileSizeWhenNoTotalIsGiven() {
        ScriptedChannel ch = channel(10);
        FilePass.Outcome o = pass(ch, plan(true, 16, 16L * BLOCK, 0, FsWorkload.FSYNC_NONE, 0), null, t -> {})
                .call();

        assertEquals(FilePass.End.COMPLETE, o.end());
        assertEquals(16, ch.accesses.size());
        assertEquals(16L * BLOCK, o.bytesDone());
    }

    @Test
    void shouldWrapASequentialPassToTheFileStartUntilTheTotalIsDone() {
        ScriptedChannel ch = channel(10);
        AtomicLong totalLeft = new AtomicLong(10L * BLOCK);
        FilePass.Outcome o = pass(ch, plan(false, 4, Long.MAX_VALUE, 0, FsWorkload.FSYNC_NONE, 0), totalLeft, t -> {})
                .call();

        assertEquals(FilePass.End.TOTAL, o.end());
        assertEquals(
                List.of(0L, 1L, 2L, 3L, 0L, 1L, 2L, 3L, 0L, 1L),
                ch.accesses.stream().map(a -> a.offset() / BLOCK).toList());
        assertEquals(0, totalLeft.get());
        assertEquals(10, latency.getTotalCount());
    }

    @Test
    void shouldShareTheTotalSoThatPassesTogetherStopExactlyAtIt() {
        AtomicLong totalLeft = new AtomicLong(7L * BLOCK);
        ScriptedChannel a = channel(10);
        ScriptedChannel b = channel(10);
        long done = pass(a, plan(false, 4, Long.MAX_VALUE, 0, FsWorkload.FSYNC_NONE, 0), totalLeft, t -> {})
                .call()
                .bytesDone();
        done += pass(b, plan(false, 4, Long.MAX_VALUE, 0, FsWorkload.FSYNC_NONE, 0), totalLeft, t -> {})
                .call()
                .bytesDone();

        assertEquals(7L * BLOCK, done);
        assertEquals(7, a.accesses.size() + b.accesses.size());
    }

    @Test
    void shouldFsyncAfterEveryNthWriteAndChargeItToThatWrite() {
        ScriptedChannel ch = new ScriptedChannel(clock, i -> 10, 1000);
        pass(ch, plan(false, 10, 10L * BLOCK, 0, 3, 0), null, t -> {}).call();

        assertEquals(List.of(3, 6, 9), ch.forcedAfterAccess);
        assertEquals(10, latency.getTotalCount());
        assertEquals(3, latency.getCountBetweenValues(1010, 1010));
        assertEquals(7, latency.getCountBetweenValues(10, 10));
    }

    @Test
    void shouldFsyncOnceAtTheEndAndChargeItToTheLastWrite() {
        ScriptedChannel ch = new ScriptedChannel(clock, i -> 10, 1000);
        pass(ch, plan(false, 5, 5L * BLOCK, 0, FsWorkload.FSYNC_END, 0), null, t -> {})
                .call();

        assertEquals(List.of(5), ch.forcedAfterAccess);
        assertEquals(5, latency.getTotalCount());
        assertEquals(1, latency.getCountBetweenValues(1010, 1010));
        assertEquals(4, latency.getCountBetweenValues(10, 10));
    }

    @Test
    void shouldReadAboutReadPercentOfTheOperations() {
        ScriptedChannel ch = channel(10);
        pass(ch, plan(true, 64, Long.MAX_VALUE, 70, FsWorkload.FSYNC_NONE, 0), new AtomicLong(2000L * BLOCK), t -> {})
                .call();

        assertEquals(2000, ch.accesses.size());
        double share = ch.reads() / 2000.0;
        // Binomial standard deviation at n = 2000, p = 0.7 is about 1%; 5% is five of them.
        assertTrue(Math.abs(share - 0.70) < 0.05, "read share " + share);
    }

    @Test
    void shouldNeverFsyncReads() {
        ScriptedChannel ch = channel(10);
        pass(ch, plan(true, 64, Long.MAX_VALUE, 50, 1, 0), new AtomicLong(200L * BLOCK), t -> {})
                .call();

        assertEquals(200 - ch.reads(), ch.forces());
    }

    @Test
    void shouldWaitForEachPlannedStartOnAnOpenLoop() {
        ScriptedChannel ch = channel(10);
        List<Long> waitedFor = new java.util.ArrayList<>();
        FilePass.Waiter waiter = t -> {
            waitedFor.add(t);
            clock.now = Math.max(clock.now, t);
        };
        pass(ch, plan(false, 5, 5L * BLOCK, 0, FsWorkload.FSYNC_NONE, 100), null, waiter)
                .call();

        assertEquals(List.of(0L, 100L, 200L, 300L, 400L), waitedFor);
        assertEquals(5, latency.getTotalCount());
        assertEquals(10, latency.getMaxValue());
    }

    @Test
    void shouldChargeAStallToEveryOperationItDelayedOnAnOpenLoop() {
        // Interval 100 ns, operations take 10 ns, but operation 5 stalls for 1000 ns (ten intervals).
        ScriptedChannel ch = new ScriptedChannel(clock, i -> i == 5 ? 1000 : 10, 0);
        FilePass.Waiter waiter = t -> clock.now = Math.max(clock.now, t);
        pass(ch, plan(false, 30, 30L * BLOCK, 0, FsWorkload.FSYNC_NONE, 100), null, waiter)
                .call();

        assertEquals(30, latency.getTotalCount());
        assertEquals(1000, latency.getMaxValue());
        // Operation k > 5 (planned at 100k) ends at 1500 + 10 (k - 5): operations 5..15 take
        // an interval or more, 11 samples, where a closed loop shows one.
        assertEquals(11, latency.getCountBetweenValues(100, 2000));
        // Operation 6 waited for the stall: planned at 600, done at 1510.
        assertEquals(1, latency.getCountBetweenValues(910, 910));
    }

    @Test
    void shouldShowAStallAsOneSlowOperationOnAClosedLoop() {
        ScriptedChannel ch = new ScriptedChannel(clock, i -> i == 5 ? 1000 : 10, 0);
        pass(ch, plan(false, 30, 30L * BLOCK, 0, FsWorkload.FSYNC_NONE, 0), null, t -> {})
                .call();

        assertEquals(1, latency.getCountBetweenValues(100, 2000));
    }

    @Test
    void shouldNotStartAPlannedOperationAtOrAfterTheDeadline() {
        ScriptedChannel ch = channel(10);
        OperationRecorder recorder =
                new OperationRecorder(clock, latency, new IntervalTracker(0, OptionalLong.of(1000L)), 0);
        FilePass p = new FilePass(
                ch,
                plan(true, 16, Long.MAX_VALUE, 0, FsWorkload.FSYNC_NONE, 100),
                new BlockSource(BLOCK, BLOCK, 1, new SplittableRandom(1)),
                null,
                recorder,
                1000,
                new AtomicBoolean(),
                new AtomicLong(),
                null,
                new SplittableRandom(3),
                t -> clock.now = Math.max(clock.now, t));

        assertEquals(FilePass.End.DEADLINE, p.call().end());
        assertEquals(10, ch.accesses.size());
    }

    @Test
    void shouldParkUntilTheTargetTimeOfTheClock() throws Exception {
        long target = System.nanoTime() + 2_000_000L;
        FsProbeEngine.parkUntil(io.iocert.probes.NanoClock.SYSTEM, target);
        assertTrue(System.nanoTime() - target >= 0);
    }
}
