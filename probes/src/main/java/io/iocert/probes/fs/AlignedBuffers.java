package io.iocert.probes.fs;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Direct buffers whose address is a multiple of the O_DIRECT alignment. */
final class AlignedBuffers {
    private AlignedBuffers() {}

    /** A direct buffer of exactly {@code size} bytes starting at an address that is a multiple of {@code alignment}. */
    static ByteBuffer allocate(int size, int alignment) {
        if (Integer.bitCount(alignment) != 1) {
            throw new IllegalArgumentException("alignment must be a power of two, got " + alignment);
        }
        // alignedSlice moves the start up and the end down to multiples of the alignment, so
        // allocate a whole number of alignment units plus one unit of room to move the start.
        int units = Math.addExact(size, alignment - 1) / alignment;
        ByteBuffer aligned = ByteBuffer.allocateDirect(Math.multiplyExact(units + 1, alignment))
                .alignedSlice(alignment);
        return aligned.limit(size).slice().order(ByteOrder.nativeOrder());
    }
}
