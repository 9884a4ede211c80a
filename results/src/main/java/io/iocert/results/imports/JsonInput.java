package io.iocert.results.imports;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.io.JsonEOFException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.iocert.results.ResultFormatException;
import java.io.IOException;
import java.util.List;

/**
 * Finds and parses the JSON document in a tool's output. fio prints notes ("note: both iodepth
 * >= 1 and synchronous I/O engine are selected...") on standard output before its JSON, and
 * wrappers may print more after it, so the document is taken to start at the first line whose
 * first non-blank character is <code>{</code> and to end where that object closes; lines before
 * and after it are reported as notes, not errors. Tools' JSON is taken as they write it: a
 * member that appears twice keeps its last value (iperf3 3.12 writes {@code sock_bufsize}
 * twice). Line numbers in messages count from the
 * start of the file, not of the document.
 */
final class JsonInput {
    /**
     * Duplicate members are allowed, the last one winning: iperf3 3.12 writes
     * {@code sock_bufsize} twice in {@code start}.
     */
    private static final JsonFactory FACTORY = JsonFactory.builder().build();

    private static final ObjectMapper MAPPER = new ObjectMapper(FACTORY);

    private JsonInput() {}

    /**
     * The document's root object.
     *
     * @param what  what the document should be, for messages ("fio JSON output (--output-format=json)")
     * @param notes receives a note about text skipped before or after the document
     */
    static JsonNode parse(byte[] content, String source, String what, List<String> notes) throws ResultFormatException {
        int start = -1;
        int lines = 0;
        int lineStart = 0;
        for (int i = 0; i < content.length; i++) {
            byte b = content[i];
            if (b == '{') {
                start = lineStart;
                break;
            }
            if (b == '\n') {
                lines++;
                lineStart = i + 1;
            } else if (b != ' ' && b != '\t' && b != '\r') {
                // A line of text: skip to its end.
                while (i + 1 < content.length && content[i + 1] != '\n') {
                    i++;
                }
            }
        }
        if (start < 0) {
            throw new ResultFormatException(
                    source + ": holds no JSON object (no line starts with '{'); expected " + what);
        }
        if (lines > 0) {
            notes.add("skipped " + lines + " line" + (lines == 1 ? "" : "s") + " of text before the JSON document");
        }
        JsonNode root;
        try (JsonParser parser = FACTORY.createParser(content, start, content.length - start)) {
            root = MAPPER.readTree(parser);
            long end = parser.currentLocation().getByteOffset();
            if (hasText(content, start + (int) Math.min(end, content.length - start), content.length)) {
                notes.add("ignored text after the JSON document (from line "
                        + (lines + parser.currentLocation().getLineNr()) + ")");
            }
        } catch (JsonProcessingException e) {
            JsonLocation where = e.getLocation();
            // Jackson reports some early ends (a cut after a whole line) as a parse error at the end of input.
            if (e instanceof JsonEOFException || where != null && where.getByteOffset() >= content.length - start) {
                throw new ResultFormatException(
                        source + ": the JSON ends early" + at(where, lines) + "; the file looks truncated (expected "
                                + what + ")",
                        e);
            }
            throw new ResultFormatException(
                    source + ": not valid JSON" + at(e.getLocation(), lines) + ": " + detail(e) + " (expected " + what
                            + ")",
                    e);
        } catch (IOException e) {
            throw new ResultFormatException(source + ": cannot be parsed as JSON (" + e.getMessage() + ")", e);
        }
        if (root == null || !root.isObject()) {
            throw new ResultFormatException(source + ": the document is not a JSON object; expected " + what);
        }
        return root;
    }

    private static boolean hasText(byte[] content, int from, int to) {
        for (int i = Math.max(0, from); i < to; i++) {
            byte b = content[i];
            if (b != ' ' && b != '\t' && b != '\r' && b != '\n') {
                return true;
            }
        }
        return false;
    }

    private static String at(JsonLocation location, int linesBefore) {
        if (location == null || location.getLineNr() < 0) {
            return "";
        }
        return " at line " + (linesBefore + location.getLineNr()) + ", column " + location.getColumnNr();
    }

    /** Jackson's own words without its source excerpt and location (ours is in the message). */
    private static String detail(JsonProcessingException e) {
        String d = e.getOriginalMessage();
        if (d == null) {
            return e.getClass().getSimpleName();
        }
        int cut = d.indexOf('\n');
        if (cut >= 0) {
            d = d.substring(0, cut);
        }
        cut = d.indexOf("[Source:");
        if (cut >= 0) {
            int open = d.lastIndexOf(" (", cut);
            d = d.substring(0, open >= 0 ? open : cut);
        }
        return d.strip();
    }
}
