package io.iocert.results;

import java.util.Locale;

/**
 * The memory one document (a result file, an imported tool output) may make iocert allocate
 * beyond its own bytes. Small files can declare large things: a 42-byte HdrHistogram may declare
 * 5 significant digits over the whole range of a long, 46 MiB of counts once decoded, and an
 * OSU file of short rows becomes one histogram per row. Readers {@linkplain #charge charge} what
 * they are about to allocate; past the limit the document is refused as bad input, and the
 * message says which limit was hit, by how much, and where the limit came from.
 *
 * <p>The limit is {@value #DEFAULT_LIMIT_MIB} MiB per document unless the system property
 * {@value #PROPERTY} (MiB) says otherwise. Not thread-safe: one budget per document read.
 */
public final class MemoryBudget {
    /** System property overriding the per-document limit, in MiB. */
    public static final String PROPERTY = "iocert.documentMemoryMiB";

    static final long DEFAULT_LIMIT_MIB = 256;
    private static final long MIB = 1024L * 1024;

    private final String source;
    private final long limitBytes;
    private final String origin;
    private long usedBytes;

    MemoryBudget(String source, long limitBytes, String origin) {
        this.source = source;
        this.limitBytes = limitBytes;
        this.origin = origin;
    }

    /** A fresh budget for the document named {@code source} in messages. */
    public static MemoryBudget forDocument(String source) {
        String p = System.getProperty(PROPERTY);
        if (p != null) {
            try {
                long mib = Long.parseLong(p.strip());
                if (mib > 0 && mib < Long.MAX_VALUE / MIB) {
                    return new MemoryBudget(source, mib * MIB, "system property " + PROPERTY);
                }
            } catch (NumberFormatException e) {
                // fall through to the default, which the message then names
            }
        }
        return new MemoryBudget(source, DEFAULT_LIMIT_MIB * MIB, "iocert's default per document");
    }

    /**
     * Records that reading {@code where} (a field path or line) needs {@code bytes} more.
     *
     * @param what what takes the memory, for the message ("the histogram's counts")
     */
    public void charge(long bytes, String where, String what) throws ResultFormatException {
        long after = bytes > Long.MAX_VALUE - usedBytes ? Long.MAX_VALUE : usedBytes + bytes;
        if (after > limitBytes) {
            throw new ResultFormatException(String.format(
                    Locale.ROOT,
                    "%s: %s: %s would take %s, bringing the document to %s, over its memory budget of %s (%s);"
                            + " the document is too large or declares more than it holds",
                    source,
                    where,
                    what,
                    size(bytes),
                    size(after),
                    size(limitBytes),
                    origin));
        }
        usedBytes = after;
    }

    /** Bytes charged so far. */
    public long used() {
        return usedBytes;
    }

    static String size(long bytes) {
        if (bytes == Long.MAX_VALUE) {
            return "more than 8 EiB";
        }
        if (bytes >= MIB) {
            return String.format(Locale.ROOT, "%.1f MiB", bytes / (double) MIB);
        }
        if (bytes >= 1024) {
            return String.format(Locale.ROOT, "%.1f KiB", bytes / 1024.0);
        }
        return bytes + " B";
    }
}
