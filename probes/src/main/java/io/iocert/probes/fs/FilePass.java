package io.iocert.probes.fs;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One thread's operations on its own file, one outstanding at a time.
 *
 * <p><b>Offsets.</b> Sequential: front to back, wrapping to the start when more bytes are
 * asked for than the file holds (as fio does with {@code io_size}). Random: a uniformly random
 * whole block of the file for every operation, from this thread's own generator. "The file" is
 * {@code [regionStart, regionStart + fileBytes)} of the channel's file: the whole of a file of
 * its own ({@code regionStart} 0), or this thread's region of a file shared by every node of a
 * coordinated run (N-1).
 *
 * <p><b>Mix.</b> Each operation is a read with probability {@code readPercent}/100, else a write.
 *
 * <p><b>Limits.</b> The pass stops at the first of: its own byte cap ({@code capBytes}, the file
 * size when no {@code totalSize} is given), the shared {@code totalSize} counter (claimed a
 * block at a time before each operation, so all threads together stop exactly at it), the
 * deadline (no operation is planned to start at or after it), or a stop request.
 *
 * <p><b>Schedule.</b> With {@code scheduleIntervalNs == 0} the loop is closed: the planned
 * start of an operation is when it is issued. Otherwise it is open: operation k is planned for
 * {@code t0 + k * scheduleIntervalNs}, the pass waits (parks) until then if it is early, and
 * latency runs from the planned start, so when an operation stalls, the wait of every
 * operation it delayed counts too (coordinated omission corrected, as wrk2 does).
 *
 * <p><b>fsync.</b> {@code fsync: N}: after every N-th write of this thread the channel is
 * forced ({@code fsync(2)}), and the sync's time is part of that write's latency (the
 * write and its sync are one operation, as fio's {@code fsync=N} shows it in the op stream).
 * {@code fsync: end}: once the pass has finished, the file is forced once and the sync's time is
 * added to the pass's last write: its latency runs from its start to the end of the sync, and
 * its bytes are spread over that span in the interval series like any operation's, so the
 * run's span and throughput include the sync, as fio's {@code end_fsync} does. Latency
 * percentiles then have one sample holding the sync. A pass that is stopped or fails does
 * not sync.
 */
final class FilePass implements Callable<FilePass.Outcome> {

    enum Op {
        READ,
        WRITE
    }

    /** Why a pass ended. */
    enum End {
        COMPLETE,
        TOTAL,
        DEADLINE,
        STOPPED,
        FAILED
    }

    /** How far a pass got. */
    record Outcome(End end, long bytesDone, IOException failure) {}

    /** Waits until a time of the recorder's clock: a seam so the open loop is tested with a fake clock. */
    @FunctionalInterface
    interface Waiter {
        void awaitUntil(long targetNs) throws InterruptedException;
    }

    /**
     * What a pass does.
     *
     * @param random             random offsets, else sequential
     * @param fileBytes          the file's size, a whole number of {@code opBytes} for random
     * @param opBytes            bytes per operation
     * @param capBytes           bytes this pass moves at most (Long.MAX_VALUE: no cap of its own)
     * @param readPercent        share of reads, 0..100
     * @param fsyncEvery         {@link FsWorkload#FSYNC_NONE}, {@link FsWorkload#FSYNC_END} or N
     * @param scheduleIntervalNs open-loop gap between planned starts, 0 for the closed loop
     * @param regionStart        where this pass's part of the file begins, in bytes (0: the whole file)
     */
    record Plan(
            boolean random,
            long fileBytes,
            int opBytes,
            long capBytes,
            int readPercent,
            long fsyncEvery,
            long scheduleIntervalNs,
            long regionStart) {
        Plan {
            if (regionStart < 0) {
                throw new IllegalArgumentException("regionStart must be 0 or more, got " + regionStart);
            }
        }

        /** A plan over a whole file of its own. */
        Plan(
                boolean random,
                long fileBytes,
                int opBytes,
                long capBytes,
                int readPercent,
                long fsyncEvery,
                long scheduleIntervalNs) {
            this(random, fileBytes, opBytes, capBytes, readPercent, fsyncEvery, scheduleIntervalNs, 0);
        }

        static Plan sequential(Op op, long fileBytes, int opBytes) {
            return new Plan(false, fileBytes, opBytes, fileBytes, op == Op.READ ? 100 : 0, FsWorkload.FSYNC_NONE, 0);
        }

        /** This plan over {@code [start, start + fileBytes)} of a shared file. */
        Plan at(long start) {
            return new Plan(random, fileBytes, opBytes, capBytes, readPercent, fsyncEvery, scheduleIntervalNs, start);
        }
    }

    private final FileChannel channel;
    private final Plan plan;
    private final BlockSource source;
    private final ByteBuffer readBuffer;
    private final OperationRecorder recorder;
    private final long deadlineNs;
    private final AtomicBoolean stop;
    private final AtomicLong progressBytes;
    private final AtomicLong totalLeft;
    private final SplittableRandom random;
    private final Waiter waiter;

    /**
     * @param source      data to write (needed when the plan writes)
     * @param readBuffer  an aligned buffer of at least {@code opBytes} (needed when the plan reads)
     * @param deadlineNs  no operation is planned to start at or after this time of the recorder's clock
     * @param stop        set by anyone to end all passes early
     * @param progress    bytes done, summed over all passes
     * @param totalLeft   bytes all passes together may still move, or null for no shared limit
     * @param random      this pass's generator for offsets and the read/write choice
     */
    FilePass(
            FileChannel channel,
            Plan plan,
            BlockSource source,
            ByteBuffer readBuffer,
            OperationRecorder recorder,
            long deadlineNs,
            AtomicBoolean stop,
            AtomicLong progress,
            AtomicLong totalLeft,
            SplittableRandom random,
            Waiter waiter) {
        this.channel = channel;
        this.plan = plan;
        this.source = source;
        this.readBuffer = readBuffer;
        this.recorder = recorder;
        this.deadlineNs = deadlineNs;
        this.stop = stop;
        this.progressBytes = progress;
        this.totalLeft = totalLeft;
        this.random = random;
        this.waiter = waiter;
    }

    /** The sequential closed loop of one operation kind over the whole file once (fs.read's preparation). */
    static FilePass sequential(
            FileChannel channel,
            Op op,
            long fileBytes,
            int opBytes,
            BlockSource source,
            ByteBuffer readBuffer,
            OperationRecorder recorder,
            long deadlineNs,
            AtomicBoolean stop,
            AtomicLong progress) {
        return sequential(channel, op, 0, fileBytes, opBytes, source, readBuffer, recorder, deadlineNs, stop, progress);
    }

    /** As the other, over {@code [regionStart, regionStart + fileBytes)} of the channel's file. */
    static FilePass sequential(
            FileChannel channel,
            Op op,
            long regionStart,
            long fileBytes,
            int opBytes,
            BlockSource source,
            ByteBuffer readBuffer,
            OperationRecorder recorder,
            long deadlineNs,
            AtomicBoolean stop,
            AtomicLong progress) {
        return new FilePass(
                channel,
                Plan.sequential(op, fileBytes, opBytes).at(regionStart),
                source,
                readBuffer,
                recorder,
                deadlineNs,
                stop,
                progress,
                null,
                new SplittableRandom(),
                t -> {});
    }

    @Override
    public Outcome call() {
        long done = 0;
        long position = 0;
        long writes = 0;
        long blocks = plan.fileBytes() / plan.opBytes();
        long nextPlannedNs = recorder.now();
        long lastEndNs = nextPlannedNs;
        boolean open = plan.scheduleIntervalNs() > 0;
        boolean syncAtEnd = plan.fsyncEvery() == FsWorkload.FSYNC_END;
        long pendingStartNs = 0;
        long pendingEndNs = 0;
        long pendingBytes = -1;
        End end;
        IOException failure = null;
        try {
            while (true) {
                if (stop.get()) {
                    end = End.STOPPED;
                    break;
                }
                long startAt = open ? Math.max(lastEndNs, nextPlannedNs) : lastEndNs;
                if (startAt - deadlineNs >= 0) {
                    end = End.DEADLINE;
                    break;
                }
                if (done >= plan.capBytes()) {
                    end = End.COMPLETE;
                    break;
                }
                int length = (int) Math.min(plan.opBytes(), plan.capBytes() - done);
                if (!plan.random()) {
                    length = (int) Math.min(length, plan.fileBytes() - position);
                }
                if (totalLeft != null) {
                    length = (int) claim(length);
                    if (length == 0) {
                        end = End.TOTAL;
                        break;
                    }
                }
                long offset =
                        plan.regionStart() + (plan.random() ? random.nextLong(blocks) * plan.opBytes() : position);
                boolean read = plan.readPercent() >= 100
                        || (plan.readPercent() > 0 && random.nextInt(100) < plan.readPercent());
                ByteBuffer buffer = read ? readBuffer.clear().limit(length) : source.next(length);
                long plannedNs;
                if (open) {
                    plannedNs = nextPlannedNs;
                    nextPlannedNs += plan.scheduleIntervalNs();
                    waiter.awaitUntil(plannedNs);
                } else {
                    plannedNs = recorder.now();
                }
                transfer(buffer, offset, read);
                if (!read) {
                    writes++;
                    if (plan.fsyncEvery() > 0 && writes % plan.fsyncEvery() == 0) {
                        channel.force(true);
                    }
                }
                if (!read && syncAtEnd) {
                    if (pendingBytes >= 0) {
                        recorder.record(pendingStartNs, pendingEndNs, pendingBytes);
                    }
                    pendingStartNs = plannedNs;
                    pendingEndNs = recorder.now();
                    pendingBytes = length;
                    lastEndNs = pendingEndNs;
                } else {
                    lastEndNs = recorder.finish(plannedNs, length);
                }
                done += length;
                position = (position + length) % plan.fileBytes();
                progressBytes.addAndGet(length);
            }
        } catch (IOException e) {
            stop.set(true);
            end = End.FAILED;
            failure = e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            end = End.STOPPED;
        }
        if (pendingBytes >= 0) {
            if (end != End.FAILED && end != End.STOPPED) {
                try {
                    channel.force(true);
                    pendingEndNs = recorder.now();
                } catch (IOException e) {
                    stop.set(true);
                    end = End.FAILED;
                    failure = e;
                }
            }
            recorder.record(pendingStartNs, pendingEndNs, pendingBytes);
        }
        recorder.flush();
        return new Outcome(end, done, failure);
    }

    /** Takes up to {@code wanted} bytes from the shared total; 0 when it is used up. */
    private long claim(long wanted) {
        while (true) {
            long left = totalLeft.get();
            if (left <= 0) {
                return 0;
            }
            long take = Math.min(left, wanted);
            if (totalLeft.compareAndSet(left, left - take)) {
                return take;
            }
        }
    }

    private void transfer(ByteBuffer buffer, long position, boolean read) throws IOException {
        long at = position;
        while (buffer.hasRemaining()) {
            int n = read ? channel.read(buffer, at) : channel.write(buffer, at);
            if (n < 0) {
                throw new EOFException("file ended at byte " + at + " of " + (plan.regionStart() + plan.fileBytes()));
            }
            at += n;
        }
    }
}
