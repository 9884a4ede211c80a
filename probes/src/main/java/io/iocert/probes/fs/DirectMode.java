package io.iocert.probes.fs;

import io.iocert.probes.ProbeException;
import java.util.Locale;

/** The {@code direct} workload key: whether I/O bypasses the page cache (O_DIRECT). */
enum DirectMode {
    /** O_DIRECT or fail: a measurement through the page cache would not answer the question. */
    TRUE,
    /** Buffered I/O through the page cache. */
    FALSE,
    /** O_DIRECT where the filesystem supports it, buffered (and marked cache-affected) elsewhere. */
    AUTO;

    static DirectMode parse(String text, String probeId) throws ProbeException {
        return switch (text.toLowerCase(Locale.ROOT)) {
            case "true" -> TRUE;
            case "false" -> FALSE;
            case "auto" -> AUTO;
            default ->
                throw new ProbeException(
                        "direct '" + text + "' is not valid for " + probeId + "; expected true, false or auto");
        };
    }

    boolean wanted() {
        return this != FALSE;
    }
}
