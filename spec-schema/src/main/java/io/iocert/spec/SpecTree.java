package io.iocert.spec;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;

/**
 * A parsed spec document: the JSON tree and the source location of every value and every
 * object key, by JSON Pointer. Built by {@link TreeReader}.
 */
final class SpecTree {
    private final String source;
    private final JsonNode root;
    private final Map<String, Mark> valueMarks;
    private final Map<String, Mark> keyMarks;

    SpecTree(String source, JsonNode root, Map<String, Mark> valueMarks, Map<String, Mark> keyMarks) {
        this.source = source;
        this.root = root;
        this.valueMarks = Map.copyOf(valueMarks);
        this.keyMarks = Map.copyOf(keyMarks);
    }

    /** The name used in messages: the file name or the caller's source name. */
    String source() {
        return source;
    }

    JsonNode root() {
        return root;
    }

    /** Where the value at {@code path} starts; the nearest enclosing value when absent. */
    Mark valueMark(FieldPath path) {
        FieldPath p = path;
        while (true) {
            Mark m = valueMarks.get(p.pointer());
            if (m != null) {
                return m;
            }
            if (p.isRoot()) {
                return Mark.START;
            }
            p = p.parent();
        }
    }

    /** Where the key of the object member at {@code path} is; its value's location otherwise. */
    Mark keyMark(FieldPath path) {
        Mark m = keyMarks.get(path.pointer());
        return m != null ? m : valueMark(path);
    }

    SpecException error(FieldPath path, boolean atKey, String problem, String expected) {
        Mark m = atKey ? keyMark(path) : valueMark(path);
        return new SpecException(source, m.line(), m.column(), path.display(root), problem, expected);
    }
}
