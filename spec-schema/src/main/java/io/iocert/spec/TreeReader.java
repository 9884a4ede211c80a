package io.iocert.spec;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BigIntegerNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.DecimalNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import java.io.IOException;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.error.MarkedYAMLException;

/**
 * Reads YAML or JSON text into a {@link SpecTree} with Jackson's streaming parser, recording the
 * location of every value and key. Refuses, with a located {@link SpecException}: syntax errors,
 * duplicate keys, nesting deeper than {@link #MAX_DEPTH}, YAML aliases (so no alias bomb can
 * expand), binary YAML values, empty documents and more than one document.
 *
 * <p>Floating-point numbers are kept as exact decimals ({@link DecimalNode}) so that the
 * canonical form, and so the spec hash, does not depend on how a JVM prints doubles.
 */
final class TreeReader {
    /** Deepest nesting of mappings and lists accepted; a spec needs 5. */
    static final int MAX_DEPTH = 64;

    private static final JsonFactory JSON = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder()
                    .maxNestingDepth(MAX_DEPTH + 1)
                    .build())
            .build();
    private static final YAMLFactory YAML = YAMLFactory.builder()
            .loaderOptions(loaderOptions())
            // "key:" with nothing after it is null, as YAML says, not an empty string.
            .enable(YAMLParser.Feature.EMPTY_STRING_AS_NULL)
            .streamReadConstraints(StreamReadConstraints.builder()
                    .maxNestingDepth(MAX_DEPTH + 1)
                    .build())
            .build();

    private final String source;
    private final boolean json;
    private final Map<String, Mark> valueMarks = new HashMap<>();
    private final Map<String, Mark> keyMarks = new HashMap<>();

    private TreeReader(String source, boolean json) {
        this.source = source;
        this.json = json;
    }

    /**
     * Parses {@code text}: as JSON when {@code source} ends in {@code .json}, or when it does not
     * end in {@code .yaml} or {@code .yml} and the text starts with '{' (JSON's parser gives the
     * clearer message on broken JSON); as YAML otherwise.
     */
    static SpecTree read(String text, String source) throws SpecException {
        if (text.isBlank()) {
            throw empty(source);
        }
        String name = source.toLowerCase(Locale.ROOT);
        boolean json = name.endsWith(".json")
                || (!name.endsWith(".yaml")
                        && !name.endsWith(".yml")
                        && text.stripLeading().startsWith("{"));
        return new TreeReader(source, json).parse(text);
    }

    private static SpecException empty(String source) {
        return new SpecException(
                source,
                0,
                0,
                null,
                "file is empty (nothing but white space or comments)",
                "a spec: a mapping with iocert, name and requirements");
    }

    private static LoaderOptions loaderOptions() {
        LoaderOptions o = new LoaderOptions();
        // Jackson's YAML parser reports aliases without expanding them and we reject them,
        // so no alias can expand; these limits are a second line should that ever change.
        // Duplicate keys are left to value(), which reports both locations.
        o.setMaxAliasesForCollections(0);
        o.setAllowRecursiveKeys(false);
        o.setNestingDepthLimit(MAX_DEPTH);
        o.setCodePointLimit(2 * SourceText.MAX_BYTES);
        return o;
    }

    private SpecTree parse(String text) throws SpecException {
        try (JsonParser p = (json ? JSON : YAML).createParser(text)) {
            JsonToken first = p.nextToken();
            if (first == null) {
                throw empty(source);
            }
            JsonNode root = value(p, FieldPath.ROOT, 0);
            JsonToken next = p.nextToken();
            if (next != null) {
                Mark m = mark(p.currentTokenLocation());
                throw new SpecException(
                        source,
                        m.line(),
                        m.column(),
                        null,
                        json ? "a second JSON value follows the first" : "a second YAML document starts here",
                        "one spec per file");
            }
            return new SpecTree(source, root, valueMarks, keyMarks);
        } catch (JsonProcessingException e) {
            throw syntaxError(e);
        } catch (IOException | RuntimeException e) {
            // A parser failure without a usable location; never show a stack trace.
            throw new SpecException(
                    source,
                    0,
                    0,
                    null,
                    (json ? "JSON" : "YAML") + " cannot be parsed: " + firstLine(e.getMessage()),
                    "a valid " + (json ? "JSON" : "YAML") + " document");
        }
    }

    private JsonNode value(JsonParser p, FieldPath path, int depth) throws IOException, SpecException {
        JsonToken t = p.currentToken();
        Mark at = mark(p.currentTokenLocation());
        valueMarks.put(path.pointer(), at);
        if (p instanceof YAMLParser y && y.isCurrentAlias()) {
            throw new SpecException(
                    source,
                    at.line(),
                    at.column(),
                    path.display(null),
                    "YAML alias '*" + p.getText() + "' is not supported",
                    "the value written out in full (specs do not use anchors and aliases)");
        }
        switch (t) {
            case START_OBJECT: {
                checkDepth(depth + 1, at);
                ObjectNode node = JsonNodeFactory.instance.objectNode();
                Map<String, Mark> seen = new HashMap<>();
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String key = p.currentName();
                    Mark keyAt = mark(p.currentTokenLocation());
                    FieldPath child = path.key(key);
                    Mark first = seen.putIfAbsent(key, keyAt);
                    if (first != null) {
                        throw new SpecException(
                                source,
                                keyAt.line(),
                                keyAt.column(),
                                child.display(null),
                                "duplicate key (first at line " + first.line() + ", column " + first.column() + ")",
                                "each key at most once in a mapping");
                    }
                    keyMarks.put(child.pointer(), keyAt);
                    p.nextToken();
                    node.set(key, value(p, child, depth + 1));
                }
                return node;
            }
            case START_ARRAY: {
                checkDepth(depth + 1, at);
                ArrayNode node = JsonNodeFactory.instance.arrayNode();
                int i = 0;
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    node.add(value(p, path.index(i++), depth + 1));
                }
                return node;
            }
            case VALUE_STRING:
                return TextNode.valueOf(p.getText());
            case VALUE_NUMBER_INT:
                return switch (p.getNumberType()) {
                    case INT -> IntNode.valueOf(p.getIntValue());
                    case LONG -> LongNode.valueOf(p.getLongValue());
                    default -> BigIntegerNode.valueOf(p.getBigIntegerValue());
                };
            case VALUE_NUMBER_FLOAT:
                return decimal(p, path, at);
            case VALUE_TRUE:
                return BooleanNode.TRUE;
            case VALUE_FALSE:
                return BooleanNode.FALSE;
            case VALUE_NULL:
                return NullNode.instance;
            default:
                throw new SpecException(
                        source,
                        at.line(),
                        at.column(),
                        path.display(null),
                        "unsupported " + (json ? "JSON" : "YAML") + " value (a binary or tagged value?)",
                        "text, a number, true/false, a list or a mapping");
        }
    }

    private JsonNode decimal(JsonParser p, FieldPath path, Mark at) throws IOException, SpecException {
        try {
            return DecimalNode.valueOf(p.getDecimalValue());
        } catch (NumberFormatException | JsonProcessingException e) {
            // YAML's .inf and .nan: no decimal form, and Jackson does not read them as doubles.
            throw new SpecException(
                    source,
                    at.line(),
                    at.column(),
                    path.display(null),
                    "'" + p.getText() + "' is not a finite number",
                    "a finite number such as 0.95");
        }
    }

    private void checkDepth(int depth, Mark at) throws SpecException {
        if (depth > MAX_DEPTH) {
            throw new SpecException(
                    source,
                    at.line(),
                    at.column(),
                    null,
                    "mappings and lists are nested more than " + MAX_DEPTH + " levels deep",
                    "at most " + MAX_DEPTH + " levels (the loader's limit; a spec needs 5)");
        }
    }

    private static Mark mark(JsonLocation l) {
        return new Mark(Math.max(l.getLineNr(), 1), Math.max(l.getColumnNr(), 1));
    }

    // ---- syntax errors: a located, short problem instead of the parser's raw message ----

    private static final Pattern SOURCE_REF = Pattern.compile("\\[Source: [^\\]]*?; line: (\\d+), column: (\\d+)\\]");
    private static final Pattern CHAR_CODE = Pattern.compile("\\(('.{1,2}') \\(code [^)]*\\)\\)");
    private static final Pattern CTRL_CODE = Pattern.compile("\\(\\(CTRL-CHAR, code (\\d+)\\)\\)");
    private static final Pattern EXPECTED_FOUND =
            Pattern.compile("expected (.+?), but (?:found|got) (.+)", Pattern.DOTALL);

    private SpecException syntaxError(JsonProcessingException e) {
        if (e.getCause() instanceof MarkedYAMLException y && y.getProblemMark() != null) {
            return yamlSyntaxError(y);
        }
        Mark at = e.getLocation() == null ? new Mark(0, 0) : mark(e.getLocation());
        String message = firstLine(e.getOriginalMessage());
        message = SOURCE_REF.matcher(message).replaceAll("line $1, column $2");
        message = CHAR_CODE.matcher(message).replaceAll("$1");
        message = CTRL_CODE.matcher(message).replaceAll("(control character $1)");
        String problem = message;
        String expected = json ? "valid JSON" : "valid YAML";
        for (String split : new String[] {": was expecting ", ": expected "}) {
            int i = message.indexOf(split);
            if (i > 0) {
                problem = message.substring(0, i);
                expected = stripParens(message.substring(i + split.length()));
                break;
            }
        }
        return new SpecException(
                source,
                at.line(),
                at.column(),
                null,
                (json ? "JSON" : "YAML") + " syntax error: " + lowerFirst(problem),
                expected);
    }

    private SpecException yamlSyntaxError(MarkedYAMLException y) {
        org.yaml.snakeyaml.error.Mark pm = y.getProblemMark();
        String problem = firstLine(y.getProblem());
        String context = y.getContext();
        org.yaml.snakeyaml.error.Mark cm = y.getContextMark();
        String where = context == null || cm == null
                ? ""
                : " " + context + " (started at line " + (cm.getLine() + 1) + ", column " + (cm.getColumn() + 1) + ")";
        String expected = "valid YAML";
        if (problem.contains("'\\t(TAB)'")) {
            problem = "a tab character where YAML expects indentation or a value";
            expected = "spaces for indentation (YAML does not allow tabs there)";
            where = "";
        } else if (problem.equals("mapping values are not allowed here")) {
            problem = "a ':' where no mapping value can start";
            expected = "one 'key: value' per line, with quotes around text that contains ': '";
        } else if (problem.equals("found unexpected end of stream")) {
            problem = "unexpected end of file";
            if (context != null && context.contains("quoted scalar")) {
                expected = "a closing quote";
            }
        } else {
            problem = problem.replaceFirst("\\s*\\(Do not use .* for indentation\\)", "");
            Matcher m = EXPECTED_FOUND.matcher(problem);
            if (m.matches()) {
                expected = token(m.group(1));
                problem = "found " + token(m.group(2));
            }
        }
        return new SpecException(
                source, pm.getLine() + 1, pm.getColumn() + 1, null, "YAML syntax error: " + problem + where, expected);
    }

    /** SnakeYAML's token names in words. */
    private static String token(String t) {
        return t.replace("<stream end>", "the end of the file")
                .replace("<block end>", "the end of the indented block")
                .replace("<block mapping start>", "a new mapping")
                .replace("<block sequence start>", "a new list")
                .replace("'?'", "a mapping key")
                .replaceAll("^([:,\\[\\]{}])$", "'$1'")
                .replace("'<document start>'", "a document start");
    }

    private static String stripParens(String s) {
        return s.startsWith("(") && s.endsWith(")") ? s.substring(1, s.length() - 1) : s;
    }

    private static String lowerFirst(String s) {
        return s.isEmpty() ? s : Character.toLowerCase(s.charAt(0)) + s.substring(1);
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "unknown error";
        }
        int nl = s.indexOf('\n');
        return (nl < 0 ? s : s.substring(0, nl)).strip();
    }
}
