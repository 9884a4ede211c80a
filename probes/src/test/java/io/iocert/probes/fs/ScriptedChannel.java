package io.iocert.probes.fs;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongUnaryOperator;

/**
 * A file channel that stores nothing: it records each positional read and write (offset and
 * kind) and each force, and moves a {@link FakeClock} by a scripted time per operation, so a
 * {@link FilePass} can be checked op by op without a filesystem or real time.
 */
final class ScriptedChannel extends FileChannel {

    /** A clock that only moves when told. */
    static final class FakeClock implements io.iocert.probes.NanoClock {
        long now;

        @Override
        public long nanoTime() {
            return now;
        }
    }

    record Access(boolean read, long offset, int length) {}

    final List<Access> accesses = new ArrayList<>();
    final List<Integer> forcedAfterAccess = new ArrayList<>();
    private final FakeClock clock;
    private final LongUnaryOperator opNsByIndex;
    private final long forceNs;

    /**
     * @param opNsByIndex how long the i-th (0-based) read or write takes
     * @param forceNs     how long a force takes
     */
    ScriptedChannel(FakeClock clock, LongUnaryOperator opNsByIndex, long forceNs) {
        this.clock = clock;
        this.opNsByIndex = opNsByIndex;
        this.forceNs = forceNs;
    }

    int forces() {
        return forcedAfterAccess.size();
    }

    long reads() {
        return accesses.stream().filter(Access::read).count();
    }

    private int access(ByteBuffer b, long position, boolean read) {
        clock.now += opNsByIndex.applyAsLong(accesses.size());
        int n = b.remaining();
        accesses.add(new Access(read, position, n));
        b.position(b.limit());
        return n;
    }

    @Override
    public int read(ByteBuffer dst, long position) {
        return access(dst, position, true);
    }

    @Override
    public int write(ByteBuffer src, long position) {
        return access(src, position, false);
    }

    @Override
    public void force(boolean metaData) {
        clock.now += forceNs;
        forcedAfterAccess.add(accesses.size());
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        throw new UnsupportedOperationException();
    }

    @Override
    public long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
        throw new UnsupportedOperationException();
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
        throw new UnsupportedOperationException();
    }

    @Override
    public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
        throw new UnsupportedOperationException();
    }

    @Override
    public long position() {
        return 0;
    }

    @Override
    public FileChannel position(long newPosition) {
        return this;
    }

    @Override
    public long size() {
        return 0;
    }

    @Override
    public FileChannel truncate(long size) {
        return this;
    }

    @Override
    public long transferTo(long position, long count, WritableByteChannel target) {
        throw new UnsupportedOperationException();
    }

    @Override
    public long transferFrom(ReadableByteChannel src, long position, long count) {
        throw new UnsupportedOperationException();
    }

    @Override
    public MappedByteBuffer map(MapMode mode, long position, long size) {
        throw new UnsupportedOperationException();
    }

    @Override
    public FileLock lock(long position, long size, boolean shared) {
        throw new UnsupportedOperationException();
    }

    @Override
    public FileLock tryLock(long position, long size, boolean shared) {
        throw new UnsupportedOperationException();
    }

    @Override
    protected void implCloseChannel() {}
}
