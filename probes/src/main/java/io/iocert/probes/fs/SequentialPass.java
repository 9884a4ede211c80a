package io.iocert.probes.fs;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One thread's pass over its file, front to back, one operation outstanding: the closed loop
 * of {@code pattern: sequential}. A later random pattern replaces the offset sequence, not the loop.
 */
final class SequentialPass implements Callable<SequentialPass.Outcome> {

    enum Op { READ, WRITE }

    /** Why a pass ended. */
    enum End { COMPLETE, DEADLINE, STOPPED, FAILED }

    /** How far a pass got. */
    record Outcome(End end, long bytesDone, IOException failure) {
    }

    private final FileChannel channel;
    private final Op op;
    private final long fileBytes;
    private final int opBytes;
    private final BlockSource source;
    private final ByteBuffer readBuffer;
    private final OperationRecorder recorder;
    private final long deadlineNs;
    private final AtomicBoolean stop;
    private final AtomicLong progressBytes;

    /**
     * @param source      data to write (for {@link Op#WRITE})
     * @param readBuffer  an aligned buffer of at least {@code opBytes} (for {@link Op#READ})
     * @param deadlineNs  no operation starts at or after this time of the recorder's clock
     * @param stop        set by anyone to end all passes early
     * @param progress    bytes done, summed over all passes
     */
    SequentialPass(FileChannel channel, Op op, long fileBytes, int opBytes, BlockSource source, ByteBuffer readBuffer,
                   OperationRecorder recorder, long deadlineNs, AtomicBoolean stop, AtomicLong progress) {
        this.channel = channel;
        this.op = op;
        this.fileBytes = fileBytes;
        this.opBytes = opBytes;
        this.source = source;
        this.readBuffer = readBuffer;
        this.recorder = recorder;
        this.deadlineNs = deadlineNs;
        this.stop = stop;
        this.progressBytes = progress;
    }

    @Override
    public Outcome call() {
        long position = 0;
        long lastEndNs = recorder.now();
        try {
            while (position < fileBytes) {
                if (stop.get()) {
                    return new Outcome(End.STOPPED, position, null);
                }
                if (lastEndNs - deadlineNs >= 0) {
                    return new Outcome(End.DEADLINE, position, null);
                }
                int length = (int) Math.min(opBytes, fileBytes - position);
                ByteBuffer buffer = op == Op.WRITE ? source.next(length) : readBuffer.clear().limit(length);
                long startNs = recorder.now();
                transfer(buffer, position);
                lastEndNs = recorder.finish(startNs, length);
                position += length;
                progressBytes.addAndGet(length);
            }
            return new Outcome(End.COMPLETE, position, null);
        } catch (IOException e) {
            stop.set(true);
            return new Outcome(End.FAILED, position, e);
        }
    }

    private void transfer(ByteBuffer buffer, long position) throws IOException {
        long at = position;
        while (buffer.hasRemaining()) {
            int n = op == Op.WRITE ? channel.write(buffer, at) : channel.read(buffer, at);
            if (n < 0) {
                throw new EOFException("file ended at byte " + at + " of " + fileBytes);
            }
            at += n;
        }
    }
}
