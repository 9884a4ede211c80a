package io.iocert.certifier.export;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * A strict reader of the Prometheus text exposition format, for tests: every line is a HELP, a
 * TYPE or a sample; names, label syntax, escapes and values are checked; each family has at most
 * one HELP and one TYPE, both before its samples, and its samples together, all with the same
 * label names; no series twice.
 * Fails with the line number and what is wrong.
 */
final class Exposition {
    private static final Pattern METRIC = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
    private static final Pattern LABEL = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");
    private static final Pattern VALUE =
            Pattern.compile("[+-]?Inf|NaN|[+-]?([0-9]+(\\.[0-9]*)?|\\.[0-9]+)([eE][+-]?[0-9]+)?");
    private static final Set<String> TYPES = Set.of("counter", "gauge", "histogram", "summary", "untyped");

    /** One sample line, labels unescaped. */
    record Sample(String name, Map<String, String> labels, String value) {}

    private Exposition() {}

    static List<Sample> parse(String text) {
        if (!text.isEmpty() && !text.endsWith("\n")) {
            throw new AssertionError("the exposition must end with a line feed");
        }
        List<Sample> samples = new ArrayList<>();
        Set<String> helped = new HashSet<>();
        Map<String, String> typed = new LinkedHashMap<>();
        Set<String> closed = new HashSet<>();
        Set<String> series = new HashSet<>();
        Map<String, Set<String>> labelNames = new LinkedHashMap<>();
        String current = null;
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length - 1; i++) {
            String line = lines[i];
            int n = i + 1;
            if (line.startsWith("# HELP ") || line.startsWith("# TYPE ")) {
                String[] parts = line.split(" ", 4);
                if (parts.length < 4) {
                    throw fail(n, "incomplete " + parts[1] + " line", line);
                }
                String name = parts[2];
                if (!METRIC.matcher(name).matches()) {
                    throw fail(n, "bad metric name", line);
                }
                if (parts[1].equals("HELP")) {
                    checkHelp(n, parts[3], line);
                    if (!helped.add(name)) {
                        throw fail(n, "second HELP for " + name, line);
                    }
                } else {
                    if (!TYPES.contains(parts[3])) {
                        throw fail(n, "unknown type", line);
                    }
                    if (typed.put(name, parts[3]) != null) {
                        throw fail(n, "second TYPE for " + name, line);
                    }
                }
                if (closed.contains(name)
                        || (current != null
                                && !current.equals(name)
                                && series.stream().anyMatch(s -> s.startsWith(name + "{")))) {
                    throw fail(n, "HELP/TYPE after samples of " + name, line);
                }
                if (current != null && !current.equals(name)) {
                    closed.add(current);
                }
                current = name;
                continue;
            }
            if (line.startsWith("#") || line.isBlank()) {
                throw fail(n, "a comment or blank line iocert does not write", line);
            }
            Sample s = sample(n, line);
            if (!typed.containsKey(s.name())) {
                throw fail(n, "sample before the TYPE of its family", line);
            }
            if (closed.contains(s.name()) || !s.name().equals(current)) {
                throw fail(n, "samples of " + s.name() + " are not together", line);
            }
            if (!labelNames
                    .computeIfAbsent(s.name(), k -> s.labels().keySet())
                    .equals(s.labels().keySet())) {
                throw fail(n, "label names differ within the family " + s.name(), line);
            }
            if (!series.add(s.name() + new TreeMap<>(s.labels()))) {
                throw fail(n, "duplicate series", line);
            }
            samples.add(s);
        }
        return samples;
    }

    private static void checkHelp(int n, String help, String line) {
        for (int i = 0; i < help.length(); i++) {
            if (help.charAt(i) == '\\') {
                if (i + 1 >= help.length() || "\\n".indexOf(help.charAt(i + 1)) < 0) {
                    throw fail(n, "bad escape in HELP", line);
                }
                i++;
            }
        }
    }

    private static Sample sample(int n, String line) {
        int i = 0;
        while (i < line.length() && line.charAt(i) != '{' && line.charAt(i) != ' ') {
            i++;
        }
        String name = line.substring(0, i);
        if (!METRIC.matcher(name).matches()) {
            throw fail(n, "bad metric name", line);
        }
        Map<String, String> labels = new LinkedHashMap<>();
        if (i < line.length() && line.charAt(i) == '{') {
            i++;
            while (line.charAt(i) != '}') {
                int eq = line.indexOf('=', i);
                if (eq < 0) {
                    throw fail(n, "label without '='", line);
                }
                String label = line.substring(i, eq);
                if (!LABEL.matcher(label).matches() || label.startsWith("__")) {
                    throw fail(n, "bad label name '" + label + "'", line);
                }
                if (eq + 1 >= line.length() || line.charAt(eq + 1) != '"') {
                    throw fail(n, "label value not quoted", line);
                }
                StringBuilder v = new StringBuilder();
                int j = eq + 2;
                for (; ; j++) {
                    if (j >= line.length()) {
                        throw fail(n, "unterminated label value", line);
                    }
                    char c = line.charAt(j);
                    if (c == '"') {
                        break;
                    }
                    if (c == '\\') {
                        char e = j + 1 < line.length() ? line.charAt(++j) : ' ';
                        switch (e) {
                            case '\\' -> v.append('\\');
                            case '"' -> v.append('"');
                            case 'n' -> v.append('\n');
                            default -> throw fail(n, "bad escape \\" + e + " in a label value", line);
                        }
                    } else {
                        v.append(c);
                    }
                }
                if (labels.put(label, v.toString()) != null) {
                    throw fail(n, "label " + label + " twice", line);
                }
                i = j + 1;
                if (i < line.length() && line.charAt(i) == ',') {
                    i++;
                } else if (i >= line.length() || line.charAt(i) != '}') {
                    throw fail(n, "expected ',' or '}' after a label", line);
                }
            }
            i++;
        }
        if (i >= line.length() || line.charAt(i) != ' ') {
            throw fail(n, "expected one space before the value", line);
        }
        String value = line.substring(i + 1);
        if (!VALUE.matcher(value).matches()) {
            throw fail(n, "bad value '" + value + "' (or a timestamp iocert does not write)", line);
        }
        return new Sample(name, labels, value);
    }

    private static AssertionError fail(int n, String what, String line) {
        return new AssertionError("line " + n + ": " + what + ": " + line);
    }
}
