package io.iocert.spec;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Loads spec v1 documents (YAML or JSON) into the immutable {@link Spec} model.
 *
 * <p>What happens to a document, in order:
 * <ol>
 *   <li>The raw text is checked: at most 1 MiB (a file's size is checked before it is read),
 *       strict UTF-8, no NUL bytes or other control characters except tab, line feed and
 *       carriage return.</li>
 *   <li>It is parsed with Jackson's streaming parser: as JSON when the name ends in
 *       {@code .json}, or does not end in {@code .yaml}/{@code .yml} and the text starts with
 *       '{'; as YAML otherwise. Syntax errors, duplicate keys, nesting
 *       deeper than 64 levels, YAML aliases, several documents in one file and empty files are
 *       rejected.</li>
 *   <li>The hand-written checks of spec v1 run, derived from {@link ProbeType}: keys, types,
 *       units, ranges, probe-specific metrics and workload keys, unique ids.</li>
 *   <li>The document is validated against the published JSON Schema ({@link SpecSchema}); a
 *       finding the checks above missed is reported too, so nothing the schema rejects loads.</li>
 * </ol>
 *
 * <p>Every problem is a {@link SpecException} whose message reads
 * {@code FILE:LINE:COL: FIELD: PROBLEM; expected WHAT}, with the 1-based line and column of the
 * offending value (of the key, for unknown and duplicate keys; of the enclosing mapping, for
 * missing keys). FIELD is a readable path such as
 * {@code requirements[1](restart-read).expect.latency.p99}: list indexes are 0-based, and an
 * element of {@code requirements} is followed by its id in parentheses when the requirement has a
 * valid id (errors found while parsing, before ids are known, show the index alone). Problems
 * with the file as a whole (size, encoding, syntax) have no FIELD, and no line when none applies.
 *
 * <p>{@link Spec#sha256()} is the SHA-256 of the document's canonical JSON (keys sorted, compact,
 * numbers normalised), so the same spec in YAML or JSON has the same hash.
 */
public final class SpecLoader {
    private SpecLoader() {}

    /** Loads and validates a spec file; the exception message is FILE:LINE:COL: field: problem; expected X. */
    public static Spec load(Path file) throws SpecException {
        return load(file, file.toString());
    }

    /** Loads a spec file, naming it {@code sourceName} in messages. */
    static Spec load(Path file, String sourceName) throws SpecException {
        return fromText(SourceText.read(file, sourceName), sourceName);
    }

    /** Loads a spec from text; {@code sourceName} is used in messages in place of a file name. */
    public static Spec parse(String content, String sourceName) throws SpecException {
        Objects.requireNonNull(content, "content");
        Objects.requireNonNull(sourceName, "sourceName");
        return fromText(SourceText.check(content, sourceName), sourceName);
    }

    /**
     * The canonical JSON form (UTF-8) of a valid spec file, checked as {@link #load(Path)} checks
     * it: the bytes whose SHA-256 is {@link Spec#sha256()}, and which load as the same spec. This
     * is the form a spec travels in when it is stored somewhere else, such as an OCI image.
     */
    public static byte[] canonicalJson(Path file) throws SpecException {
        String source = file.toString();
        return canonicalJson(SourceText.read(file, source), source);
    }

    /** The canonical JSON form of a valid spec given as text; {@code sourceName} is used in messages. */
    public static byte[] canonicalJson(String content, String sourceName) throws SpecException {
        Objects.requireNonNull(content, "content");
        SpecTree tree = TreeReader.read(SourceText.check(content, sourceName), sourceName);
        validate(tree);
        return CanonicalJson.bytes(tree.root());
    }

    private static Spec fromText(String text, String source) throws SpecException {
        return validate(TreeReader.read(text, source));
    }

    private static Spec validate(SpecTree tree) throws SpecException {
        Spec spec = SpecBinder.bind(tree, CanonicalJson.sha256(tree.root()));
        SpecException schemaError = SchemaCheck.firstError(tree).orElse(null);
        if (schemaError != null) {
            throw schemaError;
        }
        return spec;
    }
}
