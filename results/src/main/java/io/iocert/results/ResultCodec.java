package io.iocert.results;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.io.JsonEOFException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * Reads and writes result documents (format {@value Result#FORMAT}).
 *
 * <h2>The JSON form</h2>
 * Keys come in a fixed order: {@code format, toolVersion, node, spec {name, sha256}, startedAt,
 * endedAt, measurements}; each measurement {@code id, probe, metric, unit, workload, samples,
 * summary, histogram, intervals, blocks, looks, context, error}. {@code summary} and {@code histogram}
 * are left out when null, {@code intervals} and {@code blocks} ({@code {blockNs, histograms[]}})
 * when null, {@code looks} ({@code {round, maxRounds}}) when the measurement has no look plan,
 * {@code context} when empty, {@code error} when
 * null. Times are ISO-8601 UTC ({@code 2026-11-23T10:15:30.250Z}). Output is UTF-8, indented
 * by two spaces, {@code \n} line ends, a trailing newline; lists of scalars stay on one line.
 *
 * <h2>Numbers</h2>
 * Numbers never depend on the default locale. A measured value (summary, interval values) that
 * is a whole number below 10^15 is written as an integer ({@code 1650000}); any other value in
 * its shortest exact form ({@code 0.25}, {@code 4.123456789E8}). JSON has no NaN or infinity:
 * a non-finite measured value is written as {@code null} and {@code null} reads back as NaN
 * (so an infinite value comes back as NaN). In the untyped maps ({@code workload},
 * {@code node}) integers read back as {@link Long}, other numbers as {@link Double}; a
 * {@link Double} is always written with a fraction or exponent ({@code 1.0}) so it reads back
 * as a Double, a non-finite one as null; an {@link io.iocert.spec.Quantity} is written as its
 * value in the canonical unit.
 *
 * <h2>Histograms</h2>
 * {@code histogram} is HdrHistogram's {@code encodeIntoCompressedByteBuffer} output in base64.
 * It is zlib-compressed, so its exact bytes may differ between zlib builds; the histogram it
 * decodes to does not.
 *
 * <h2>Reading</h2>
 * The reader accepts {@value Result#FORMAT} documents and {@value Result#FORMAT_V1} ones, whose
 * look plan it takes from the context strings {@code rounds} and {@code maxRounds} (see
 * {@link LookPlan}); either comes back as a {@value Result#FORMAT} result. It ignores members it
 * does not know. Every problem becomes a {@link ResultFormatException} whose message names the source,
 * the field as a JSON path, what was found and what was expected. Files larger than 256 MiB are
 * refused before they are read.
 *
 * <p>All methods are thread-safe; the Jackson factories are built once.
 */
public final class ResultCodec {

    /** Larger files are refused unread: no honest result comes near this. */
    static final long MAX_FILE_BYTES = 256L * 1024 * 1024;

    private static final JsonFactory FACTORY = JsonFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(StreamReadFeature.USE_FAST_DOUBLE_PARSER)
            .build();
    private static final ObjectMapper MAPPER = new ObjectMapper(FACTORY);
    private static final ResultJsonWriter WRITER = new ResultJsonWriter(FACTORY);

    private ResultCodec() {}

    /**
     * The JSON form, UTF-8, deterministic (fixed key order, locale-independent numbers).
     *
     * @throws IllegalArgumentException when the result's format is not {@value Result#FORMAT}, or
     *                                  a workload or node value is not a JSON scalar (or list)
     */
    public static byte[] toJson(Result result) {
        return WRITER.write(result);
    }

    /** Parses a result document; {@code sourceName} is used in messages. */
    public static Result fromJson(byte[] json, String sourceName) throws ResultFormatException {
        JsonNode root;
        try (JsonParser parser = FACTORY.createParser(json)) {
            root = MAPPER.readTree(parser);
            if (root != null && parser.nextToken() != null) {
                throw new ResultFormatException(sourceName + ": more JSON follows the document"
                        + at(parser.currentTokenLocation()) + "; expected one JSON object");
            }
        } catch (JsonProcessingException e) {
            if (e instanceof JsonEOFException || endsAt(e.getLocation(), json.length)) {
                throw new ResultFormatException(
                        sourceName + ": the JSON ends early" + at(e.getLocation()) + "; the file looks truncated", e);
            }
            throw new ResultFormatException(
                    sourceName + ": not valid JSON" + at(e.getLocation()) + ": " + jacksonDetail(e), e);
        } catch (IOException e) {
            // Reading from a byte array does no I/O; this is a parser failure of another kind.
            throw new ResultFormatException(sourceName + ": cannot be parsed as JSON (" + describe(e) + ")", e);
        }
        return new ResultJsonReader(sourceName).read(root);
    }

    /** Reads a result file; messages name the file as given. */
    public static Result read(Path file) throws ResultFormatException {
        String name = file.toString();
        byte[] bytes;
        try {
            BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
            if (!attributes.isRegularFile()) {
                throw new ResultFormatException(name + ": is not a regular file"
                        + (attributes.isDirectory() ? " but a directory" : "") + "; expected a result file");
            }
            if (attributes.size() > MAX_FILE_BYTES) {
                throw new ResultFormatException(String.format(
                        java.util.Locale.ROOT,
                        "%s: is %d bytes, larger than the limit of %d bytes (256 MiB) for result files",
                        name,
                        attributes.size(),
                        MAX_FILE_BYTES));
            }
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new ResultFormatException(name + ": no such file", e);
        } catch (AccessDeniedException e) {
            throw new ResultFormatException(name + ": cannot read it: permission denied", e);
        } catch (IOException e) {
            throw new ResultFormatException(name + ": cannot read it: " + describe(e), e);
        }
        return fromJson(bytes, name);
    }

    private static String describe(IOException e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    private static String at(JsonLocation location) {
        if (location == null || location.getLineNr() < 0) {
            return "";
        }
        return " at line " + location.getLineNr() + ", column " + location.getColumnNr();
    }

    /** Whether a parse error was found at the end of the input, that is, the input stopped short. */
    private static boolean endsAt(JsonLocation location, int length) {
        return location != null && location.getByteOffset() >= length;
    }

    /** Jackson's own description, without its source excerpt and location (we give ours). */
    private static String jacksonDetail(JsonProcessingException e) {
        String detail = e.getOriginalMessage();
        if (detail == null) {
            return e.getClass().getSimpleName();
        }
        int cut = detail.indexOf('\n');
        if (cut >= 0) {
            detail = detail.substring(0, cut);
        }
        // "... (for root starting at [Source: REDACTED ...; line: 1])": drop the parenthesis.
        cut = detail.indexOf("[Source:");
        if (cut >= 0) {
            int open = detail.lastIndexOf(" (", cut);
            detail = detail.substring(0, open >= 0 ? open : cut);
        }
        return detail.strip();
    }
}
