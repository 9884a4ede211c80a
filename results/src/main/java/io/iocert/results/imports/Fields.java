package io.iocert.results.imports;

import com.fasterxml.jackson.databind.JsonNode;
import io.iocert.results.ResultFormatException;
import java.util.Locale;

/**
 * Typed reads from a tool's JSON tree. A failure names the source file, the field as a JSON
 * path ({@code jobs[1].read.clat_ns.N}), what was found and what was expected. Jackson's tree
 * keeps no positions, so these messages have a path but no line number; syntax errors, found
 * by the parser, have the line.
 */
final class Fields {
    private final String source;

    Fields(String source) {
        this.source = source;
    }

    String source() {
        return source;
    }

    JsonNode object(JsonNode parent, String field, String path) throws ResultFormatException {
        JsonNode n = parent.get(field);
        if (n == null || !n.isObject()) {
            throw mismatch(path, n, "an object");
        }
        return n;
    }

    /** The object, or null when the member is absent or null. */
    JsonNode objectOrNull(JsonNode parent, String field, String path) throws ResultFormatException {
        JsonNode n = parent.get(field);
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isObject()) {
            throw mismatch(path, n, "an object");
        }
        return n;
    }

    JsonNode array(JsonNode parent, String field, String path) throws ResultFormatException {
        JsonNode n = parent.get(field);
        if (n == null || !n.isArray()) {
            throw mismatch(path, n, "an array");
        }
        return n;
    }

    String text(JsonNode parent, String field, String path) throws ResultFormatException {
        JsonNode n = parent.get(field);
        if (n == null || !n.isTextual()) {
            throw mismatch(path, n, "a string");
        }
        return n.textValue();
    }

    String textOrNull(JsonNode parent, String field, String path) throws ResultFormatException {
        JsonNode n = parent.get(field);
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isTextual()) {
            throw mismatch(path, n, "a string");
        }
        return n.textValue();
    }

    long count(JsonNode parent, String field, String path) throws ResultFormatException {
        JsonNode n = parent.get(field);
        if (n == null || !n.isIntegralNumber() || !n.canConvertToLong() || n.longValue() < 0) {
            throw mismatch(path, n, "a non-negative integer");
        }
        return n.longValue();
    }

    /** A non-negative integer, or {@code otherwise} when absent. */
    long countOr(JsonNode parent, String field, String path, long otherwise) throws ResultFormatException {
        return parent.has(field) ? count(parent, field, path) : otherwise;
    }

    double number(JsonNode parent, String field, String path) throws ResultFormatException {
        JsonNode n = parent.get(field);
        if (n == null || !n.isNumber() || !Double.isFinite(n.doubleValue())) {
            throw mismatch(path, n, "a number");
        }
        return n.doubleValue();
    }

    /** A number, or NaN when the member is absent. */
    double numberOrNaN(JsonNode parent, String field, String path) throws ResultFormatException {
        return parent.has(field) ? number(parent, field, path) : Double.NaN;
    }

    /** A JSON boolean, or a 0/1 integer as some tools write flags; {@code otherwise} when absent. */
    boolean flag(JsonNode parent, String field, String path, boolean otherwise) throws ResultFormatException {
        JsonNode n = parent.get(field);
        if (n == null || n.isNull()) {
            return otherwise;
        }
        if (n.isBoolean()) {
            return n.booleanValue();
        }
        if (n.isIntegralNumber() && (n.longValue() == 0 || n.longValue() == 1)) {
            return n.longValue() == 1;
        }
        throw mismatch(path, n, "true, false, 0 or 1");
    }

    ResultFormatException mismatch(String path, JsonNode found, String expected) {
        if (found == null) {
            return new ResultFormatException(source + ": " + path + " is missing; expected " + expected);
        }
        return new ResultFormatException(source + ": " + path + " is " + describe(found) + "; expected " + expected);
    }

    ResultFormatException problem(String message) {
        return new ResultFormatException(source + ": " + message);
    }

    static String describe(JsonNode n) {
        if (n.isTextual()) {
            String t = n.textValue();
            if (t.length() > 60) {
                t = t.substring(0, 57) + "...";
            }
            StringBuilder sb = new StringBuilder(t.length() + 2).append('\'');
            t.codePoints().forEach(cp -> sb.appendCodePoint(Character.isISOControl(cp) ? '?' : cp));
            return "the string " + sb.append('\'');
        } else if (n.isNumber() || n.isBoolean() || n.isNull()) {
            return n.asText();
        } else if (n.isObject()) {
            return "an object";
        } else if (n.isArray()) {
            return "an array";
        }
        return n.getNodeType().toString().toLowerCase(Locale.ROOT);
    }
}
