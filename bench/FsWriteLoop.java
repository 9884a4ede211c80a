import com.sun.nio.file.ExtendedOpenOption;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

/**
 * The Java floor for random 4 KiB O_DIRECT writes from one thread: FileChannel.write at
 * uniformly random 4 KiB-aligned offsets for SECONDS, each call timed with System.nanoTime.
 * With POOL (second argument "pool") every write takes its data from a random page of an 8 MiB
 * buffer, as iocert's BlockSource does; without it, from one page. Used by
 * bench/fs-randwrite-anatomy.sh.
 *
 *   java bench/FsWriteLoop.java FILE SECONDS [pool]
 */
public final class FsWriteLoop {
    public static void main(String[] args) throws Exception {
        Path file = Path.of(args[0]);
        long seconds = Long.parseLong(args[1]);
        boolean pool = args.length > 2 && args[2].equals("pool");
        long blocks = Files.size(file) / 4096;
        int pages = pool ? (8 << 20) / 4096 : 1;
        ByteBuffer data = ByteBuffer.allocateDirect(pages * 4096 + 4096).alignedSlice(4096);
        for (int i = 0; i + 8 <= data.capacity(); i += 8) {
            data.putLong(i, i * 0x9E3779B97F4A7C15L);
        }
        long[] latency = new long[4_000_000];
        int n = 0;
        long x = 0x2545F4914F6CDD1DL;
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE, ExtendedOpenOption.DIRECT)) {
            long start = System.nanoTime();
            long end = start + seconds * 1_000_000_000L;
            long now = start;
            while (now < end && n < latency.length) {
                x ^= x << 13;
                x ^= x >>> 7;
                x ^= x << 17;
                long offset = Long.remainderUnsigned(x, blocks) * 4096;
                ByteBuffer block = data.slice((int) Long.remainderUnsigned(x >>> 11, pages) * 4096, 4096);
                for (int k = 0; k < 4096; k += 512) {
                    block.putLong(k, x + k);
                }
                long t0 = System.nanoTime();
                ch.write(block, offset);
                now = System.nanoTime();
                latency[n++] = now - t0;
            }
            long[] s = Arrays.copyOf(latency, n);
            Arrays.sort(s);
            double sum = 0;
            for (long v : s) {
                sum += v;
            }
            System.out.printf("%.0f %.0f %d %d %d%n", n / ((now - start) / 1e9), sum / n, s[n / 2], s[(int) (n * 0.99)],
                    s[(int) (n * 0.999)]);
        }
    }
}
