package io.iocert.spec;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Where a value sits in a spec document: a list of segments, each an object key
 * ({@link String}) or a list index ({@link Integer}).
 *
 * <p>Two forms: a JSON Pointer ({@code /requirements/1/expect/latency/p99}), used internally to
 * look up source locations, and the readable form used in messages:
 * {@code requirements[1](restart-read).expect.latency.p99}. In the readable form list indexes
 * are 0-based, and an element of {@code requirements} is followed by its id in parentheses
 * whenever that requirement has a valid id (a string matching {@link #ID_PATTERN}).
 */
final class FieldPath {
    /** What a requirement id may look like. */
    static final Pattern ID_PATTERN = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");

    static final FieldPath ROOT = new FieldPath(List.of());

    private final List<Object> segments;

    private FieldPath(List<Object> segments) {
        this.segments = segments;
    }

    static FieldPath of(Object... segments) {
        FieldPath p = ROOT;
        for (Object s : segments) {
            p = s instanceof Integer i ? p.index(i) : p.key((String) s);
        }
        return p;
    }

    FieldPath key(String key) {
        return append(key);
    }

    FieldPath index(int index) {
        return append(index);
    }

    private FieldPath append(Object segment) {
        List<Object> s = new ArrayList<>(segments.size() + 1);
        s.addAll(segments);
        s.add(segment);
        return new FieldPath(Collections.unmodifiableList(s));
    }

    boolean isRoot() {
        return segments.isEmpty();
    }

    FieldPath parent() {
        return isRoot() ? this : new FieldPath(segments.subList(0, segments.size() - 1));
    }

    /** The last segment as text: a key, or an index in decimal. */
    String lastKey() {
        return isRoot() ? "" : segments.get(segments.size() - 1).toString();
    }

    /** The JSON Pointer (RFC 6901) of this path. */
    String pointer() {
        StringBuilder sb = new StringBuilder();
        for (Object s : segments) {
            sb.append('/').append(s.toString().replace("~", "~0").replace("/", "~1"));
        }
        return sb.toString();
    }

    /** The readable form; {@code root} (may be null) supplies requirement ids. */
    String display(JsonNode root) {
        StringBuilder sb = new StringBuilder();
        JsonNode node = root;
        for (int i = 0; i < segments.size(); i++) {
            Object s = segments.get(i);
            if (s instanceof Integer index) {
                sb.append('[').append(index).append(']');
                node = node == null ? null : node.get(index);
                if (i == 1 && "requirements".equals(segments.get(0))) {
                    String id = idOf(node);
                    if (id != null) {
                        sb.append('(').append(id).append(')');
                    }
                }
            } else {
                if (sb.length() > 0) {
                    sb.append('.');
                }
                sb.append(s);
                node = node == null || !node.isObject() ? null : node.get((String) s);
            }
        }
        return sb.toString();
    }

    private static String idOf(JsonNode requirement) {
        if (requirement == null || !requirement.isObject()) {
            return null;
        }
        JsonNode id = requirement.get("id");
        return id != null
                        && id.isTextual()
                        && ID_PATTERN.matcher(id.textValue()).matches()
                ? id.textValue()
                : null;
    }

    @Override
    public String toString() {
        return display(null);
    }
}
