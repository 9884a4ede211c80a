package io.iocert.results.imports;

import io.iocert.results.Measurement;
import io.iocert.results.MemoryBudget;
import io.iocert.results.NodeIdentity;
import io.iocert.results.Result;
import io.iocert.results.ResultFormatException;
import io.iocert.results.ToolVersion;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Turns the output of fio, iperf3 and the OSU micro-benchmarks into an iocert result document,
 * so that {@code iocert certify} judges it like iocert's own measurements. docs/importing.md
 * has the mapping of every field and says what is approximate.
 *
 * <p>Every imported measurement carries {@code source} (the tool) and {@code sourceVersion} in
 * its context, and {@code approximate} when the tool's output did not hold the distribution
 * iocert would have measured. The result's node identity holds what the file says about the
 * machine, never a guessed hostname: {@code hostname} comes from {@code --hostname} or from the
 * file, and {@code hostnameSource} says which.
 */
public final class Importer {
    /** Larger inputs are refused unread; no honest benchmark output comes near this. */
    static final long MAX_FILE_BYTES = 256L * 1024 * 1024;
    /** Context and node key: the tool that produced the imported numbers. */
    public static final String SOURCE = "source";
    /** Context and node key: the tool's version as it printed it. */
    public static final String SOURCE_VERSION = "sourceVersion";
    /** Context key: present when the tool's output did not hold the full distribution; says what is missing. */
    public static final String APPROXIMATE = "approximate";
    /** Node key: where {@code hostname} came from ("--hostname", or the field of the file). */
    public static final String HOSTNAME_SOURCE = "hostnameSource";

    /** What a measurement costs besides its histogram and values: maps of workload and context, the record. */
    static final long MEASUREMENT_OVERHEAD_BYTES = 2048;
    /** A boxed interval value and its list slot. */
    static final long BYTES_PER_VALUE = 24;

    private Importer() {}

    /** Charges an imported measurement (its histogram's counts, its values) to the document's budget. */
    static void charge(MemoryBudget budget, Measurement m, String where) throws ResultFormatException {
        long bytes = MEASUREMENT_OVERHEAD_BYTES
                + m.histogramIfPresent()
                        .map(h -> (long) h.getEstimatedFootprintInBytes())
                        .orElse(0L)
                + m.intervalsIfPresent()
                        .map(s -> s.values().size() * BYTES_PER_VALUE)
                        .orElse(0L);
        budget.charge(bytes, where, "the imported " + m.metric() + " measurement");
    }

    /** Reads {@code file}; messages name it as given. */
    public static Imported read(ImportFormat format, Path file, ImportOptions options)
            throws ResultFormatException, IdMappingException {
        String name = file.toString();
        byte[] bytes;
        Instant modified;
        try {
            BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
            if (!a.isRegularFile()) {
                throw new ResultFormatException(name + ": is not a regular file"
                        + (a.isDirectory() ? " but a directory" : "") + "; expected " + format.expected());
            }
            if (a.size() > MAX_FILE_BYTES) {
                throw new ResultFormatException(name + ": is " + a.size() + " bytes, larger than the limit of "
                        + MAX_FILE_BYTES + " bytes (256 MiB) for imported files");
            }
            modified = a.lastModifiedTime().toInstant();
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new ResultFormatException(name + ": no such file", e);
        } catch (AccessDeniedException e) {
            throw new ResultFormatException(name + ": cannot read it: permission denied", e);
        } catch (IOException e) {
            throw new ResultFormatException(name + ": cannot read it: " + e.getMessage(), e);
        }
        return parse(format, bytes, name, modified, options);
    }

    /**
     * Imports {@code content}.
     *
     * @param source       the name used in messages
     * @param fileModified when the file was last written; the run's time for formats that carry
     *                     none (OSU)
     */
    public static Imported parse(
            ImportFormat format, byte[] content, String source, Instant fileModified, ImportOptions options)
            throws ResultFormatException, IdMappingException {
        List<String> notes = new ArrayList<>();
        MemoryBudget budget = MemoryBudget.forDocument(source);
        Parsed parsed = switch (format) {
            case FIO -> new FioImport(source, notes, budget).parse(content);
            case IPERF3 -> new Iperf3Import(source, notes, budget).parse(content);
            case OSU -> new OsuImport(source, notes, budget).parse(content, fileModified);
        };
        List<String> ids = IdMapping.ids(parsed.sets(), options);
        List<Measurement> measurements = new ArrayList<>();
        List<Imported.SetSummary> summaries = new ArrayList<>();
        for (int i = 0; i < parsed.sets().size(); i++) {
            MeasurementSet s = parsed.sets().get(i);
            measurements.addAll(IdMapping.named(s, ids.get(i)));
            summaries.add(new Imported.SetSummary(
                    s.key(),
                    ids.get(i),
                    s.probe(),
                    String.join(
                            ",",
                            s.measurements().stream()
                                    .map(Measurement::metric)
                                    .distinct()
                                    .toList())));
        }
        Map<String, Object> node = new TreeMap<>(parsed.node());
        if (options.hostname().isPresent()) {
            node.put(NodeIdentity.HOSTNAME, options.hostname().get());
            node.put(HOSTNAME_SOURCE, "--hostname");
        }
        Result result = new Result(
                Result.FORMAT,
                ToolVersion.get(),
                new NodeIdentity(node),
                null,
                null,
                parsed.startedAt(),
                parsed.endedAt(),
                measurements);
        return new Imported(result, summaries, notes);
    }
}
