package io.iocert.results;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * A result document (format {@value #FORMAT}): the measurements one run took on one node,
 * against one spec.
 */
public record Result(
        String format,
        String toolVersion,
        NodeIdentity node,
        String specName,
        String specSha256,
        Instant startedAt,
        Instant endedAt,
        List<Measurement> measurements) {

    /** The format written: the look plan of adaptive probing is a typed member of each measurement. */
    public static final String FORMAT = "iocert-result/2";
    /**
     * The first format, still read: the same document, with the look plan as the context strings
     * {@code rounds} and {@code maxRounds} (see {@link LookPlan}).
     */
    public static final String FORMAT_V1 = "iocert-result/1";

    public Result {
        Objects.requireNonNull(format, "format");
        Objects.requireNonNull(toolVersion, "toolVersion");
        Objects.requireNonNull(node, "node");
        Objects.requireNonNull(startedAt, "startedAt");
        Objects.requireNonNull(endedAt, "endedAt");
        measurements = List.copyOf(measurements);
    }
}
