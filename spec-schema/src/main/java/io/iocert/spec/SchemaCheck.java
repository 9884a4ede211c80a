package io.iocert.spec;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonNodePath;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.PathType;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Validates a spec tree against the published JSON Schema ({@link SpecSchema}) and turns the
 * schema's findings into located {@link SpecException}s. The hand-written checks in
 * {@link SpecBinder} run first and give the friendlier message; this is the second opinion that
 * keeps the loader from accepting what the published contract rejects.
 */
final class SchemaCheck {
    private static final String EXPECTED = "what the spec v1 JSON Schema allows here (see: iocert spec schema)";

    private static final JsonNode SCHEMA_TREE = schemaTree();
    private static final JsonSchema SCHEMA = compile();

    private SchemaCheck() {}

    private static JsonNode schemaTree() {
        try {
            return new ObjectMapper().readTree(SpecSchema.text());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("resource " + SpecSchema.RESOURCE + " is not valid JSON", e);
        }
    }

    private static JsonSchema compile() {
        SchemaValidatorsConfig config = SchemaValidatorsConfig.builder()
                .pathType(PathType.JSON_POINTER)
                .locale(Locale.ROOT)
                .formatAssertionsEnabled(true)
                .build();
        return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(SCHEMA_TREE, config);
    }

    /** Every finding, in document order; empty when the schema accepts the tree. */
    static List<SpecException> errors(SpecTree tree) {
        Set<ValidationMessage> messages = SCHEMA.validate(tree.root());
        List<SpecException> errors = new ArrayList<>();
        for (ValidationMessage m : messages) {
            errors.add(toException(tree, m));
        }
        errors.sort(Comparator.comparingInt(SpecException::line)
                .thenComparingInt(SpecException::column)
                .thenComparing(SpecException::getMessage));
        return errors;
    }

    /** The first finding in document order, if any. */
    static Optional<SpecException> firstError(SpecTree tree) {
        List<SpecException> errors = errors(tree);
        return errors.isEmpty() ? Optional.empty() : Optional.of(errors.get(0));
    }

    /**
     * Locates a finding and words it: the problem as the validator states it (without the raw
     * regex for pattern failures), and as expected the description of the nearest schema
     * object, which the schema writes as what belongs there.
     */
    private static SpecException toException(SpecTree tree, ValidationMessage m) {
        FieldPath path = path(m.getInstanceLocation());
        String problem = m.getMessage();
        String prefix = m.getInstanceLocation().toString() + ": ";
        if (problem.startsWith(prefix)) {
            problem = problem.substring(prefix.length());
        }
        List<Object> keyword = fragment(m);
        String type = String.valueOf(m.getType());
        boolean atKey = false;
        String expected = describedAt(keyword.subList(0, Math.max(keyword.size() - 1, 0)));
        if ("pattern".equals(type)) {
            problem = "does not match the pattern for this field";
        } else if ("additionalProperties".equals(type) && m.getProperty() != null) {
            path = path.key(m.getProperty());
            atKey = true;
            problem = "unknown key '" + m.getProperty() + "'";
            JsonNode object = nodeAt(keyword.subList(0, keyword.size() - 1));
            List<String> names = new ArrayList<>();
            object.path("properties").fieldNames().forEachRemaining(names::add);
            if (!names.isEmpty() && object.path("patternProperties").isMissingNode()) {
                expected = "one of " + String.join(", ", names);
            }
        } else if ("required".equals(type) && m.getProperty() != null) {
            path = path.key(m.getProperty());
            problem = "missing";
            List<Object> property = new ArrayList<>(keyword.subList(0, keyword.size() - 1));
            property.add("properties");
            property.add(m.getProperty());
            expected = describedAt(property);
        }
        return tree.error(path, atKey, "the spec v1 schema says: " + problem, expected == null ? EXPECTED : expected);
    }

    private static List<Object> fragment(ValidationMessage m) {
        List<Object> segments = new ArrayList<>();
        JsonNodePath fragment =
                m.getSchemaLocation() == null ? null : m.getSchemaLocation().getFragment();
        if (fragment != null) {
            for (int i = 0; i < fragment.getNameCount(); i++) {
                segments.add(fragment.getElement(i));
            }
        }
        return segments;
    }

    /** The description of the schema object at {@code location} or of its nearest ancestor. */
    private static String describedAt(List<Object> location) {
        for (int n = location.size(); n >= 0; n--) {
            JsonNode d = nodeAt(location.subList(0, n)).path("description");
            if (d.isTextual() && n > 0) {
                String text = d.textValue().strip();
                text = text.endsWith(".") ? text.substring(0, text.length() - 1) : text;
                return Character.toLowerCase(text.charAt(0)) + text.substring(1);
            }
        }
        return null;
    }

    private static JsonNode nodeAt(List<Object> location) {
        JsonNode node = SCHEMA_TREE;
        for (Object segment : location) {
            node = segment instanceof Integer i ? node.path(i) : node.path(String.valueOf(segment));
        }
        return node;
    }

    private static FieldPath path(JsonNodePath location) {
        FieldPath p = FieldPath.ROOT;
        for (int i = 0; i < location.getNameCount(); i++) {
            Object e = location.getElement(i);
            p = e instanceof Integer index ? p.index(index) : p.key(String.valueOf(e));
        }
        return p;
    }
}
