package io.iocert.probes.fs;

import com.sun.nio.file.ExtendedOpenOption;
import io.iocert.probes.ProbeException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The data files of one pass, open: with O_DIRECT as the workload's {@code direct} asks and the
 * filesystem allows, else buffered with the reason kept (the result is then marked
 * {@code cacheAffected}). One of the fs engine's jobs, apart so that the engine keeps the pass.
 *
 * @param list           one channel per file, in the files' order
 * @param direct         whether they bypass the page cache
 * @param fallbackReason why O_DIRECT was wanted but not used; null when it was used or not wanted
 */
record DataChannels(List<FileChannel> list, boolean direct, String fallbackReason) implements AutoCloseable {

    /**
     * Opens one channel per file. With {@link DirectMode#TRUE} a filesystem that cannot do
     * O_DIRECT is an error; with {@link DirectMode#AUTO} the files are opened buffered instead, as
     * long as the refusal comes with the first file (a filesystem that accepts some files and
     * refuses others is an error either way).
     *
     * @param blockSize the workload's operation size, which O_DIRECT needs to be a multiple of
     *                  {@code alignment}
     * @param where     the filesystem, as messages name it
     * @param probeId   the probe, as messages name it
     */
    static DataChannels open(
            FsProbeEngine.ChannelOpener opener,
            List<Path> files,
            Set<OpenOption> options,
            int alignment,
            DirectMode mode,
            long blockSize,
            String where,
            String probeId)
            throws ProbeException {
        String obstacle = directObstacle(alignment, blockSize, where);
        if (mode == DirectMode.TRUE && obstacle != null) {
            throw new ProbeException(obstacle + "; use direct: auto to fall back to buffered I/O, or direct: false");
        }
        boolean direct = mode.wanted() && obstacle == null;
        String fallback = mode.wanted() ? obstacle : null;
        List<FileChannel> opened = new ArrayList<>();
        try {
            for (Path file : files) {
                if (direct) {
                    try {
                        opened.add(opener.open(file, withDirect(options)));
                        continue;
                    } catch (IOException | UnsupportedOperationException e) {
                        String why = "O_DIRECT is not supported on " + where + ": " + FsProbeEngine.describe(e);
                        if (mode == DirectMode.TRUE || !opened.isEmpty()) {
                            throw new ProbeException(
                                    why + "; use direct: auto to fall back to buffered I/O"
                                            + " (the result is then marked cacheAffected)",
                                    e);
                        }
                        direct = false;
                        fallback = why;
                        if (options.contains(StandardOpenOption.CREATE_NEW)) {
                            // Some filesystems create the file before refusing O_DIRECT; it is ours.
                            Files.deleteIfExists(file);
                        }
                    }
                }
                opened.add(opener.open(file, options));
            }
        } catch (IOException e) {
            closeQuietly(opened, e);
            throw new ProbeException(
                    probeId + " could not open its file in " + where + ": " + FsProbeEngine.describe(e), e);
        } catch (ProbeException | RuntimeException e) {
            closeQuietly(opened, e);
            throw e;
        }
        return new DataChannels(opened, direct, fallback);
    }

    /** Why O_DIRECT cannot work for operations of {@code blockSize} here, or null when it can be tried. */
    static String directObstacle(int alignment, long blockSize, String where) {
        if (alignment <= 0) {
            return "O_DIRECT needs the filesystem block size of " + where + ", which could not be read";
        }
        if (blockSize % alignment != 0) {
            return "blockSize " + FsWorkload.human(blockSize) + " is not a multiple of the block size "
                    + FsWorkload.human(alignment) + " that O_DIRECT needs on " + where;
        }
        return null;
    }

    /** The filesystem block size, the O_DIRECT alignment; 0 when unknown or not a power of two. */
    static int alignment(Path dir) {
        try {
            long b = Files.getFileStore(dir).getBlockSize();
            return b > 0 && b <= (1 << 20) && Long.bitCount(b) == 1 ? (int) b : 0;
        } catch (IOException | UnsupportedOperationException e) {
            return 0;
        }
    }

    @Override
    public void close() throws ProbeException {
        IOException first = null;
        for (FileChannel ch : list) {
            try {
                ch.close();
            } catch (IOException e) {
                first = first == null ? e : first;
            }
        }
        if (first != null) {
            throw new ProbeException("could not close a data file: " + FsProbeEngine.describe(first), first);
        }
    }

    private static Set<OpenOption> withDirect(Set<OpenOption> options) {
        Set<OpenOption> s = new HashSet<>(options);
        s.add(ExtendedOpenOption.DIRECT);
        return s;
    }

    private static void closeQuietly(List<FileChannel> channels, Throwable into) {
        for (FileChannel ch : channels) {
            try {
                ch.close();
            } catch (IOException e) {
                into.addSuppressed(e);
            }
        }
    }
}
