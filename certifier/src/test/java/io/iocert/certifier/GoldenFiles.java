package io.iocert.certifier;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * Golden files of the certifier's output formats, kept under {@code src/test/resources} next to
 * the package of the test that owns them.
 *
 * <p>After a deliberate format change, rewrite them with
 * {@code mvn -B -o test -pl certifier -Dtest='*GoldenTest' -Diocert.golden.update=true} and
 * review the diff before committing it. Without the property a mismatch leaves the actual
 * output under {@code target/golden-actual/} for a diff.
 */
public final class GoldenFiles {

    /** The property that rewrites golden files instead of comparing with them. */
    public static final String UPDATE = "iocert.golden.update";

    /**
     * Default locales under which output must not change: the reference, a decimal comma
     * (de-DE, fr-FR), a dotless i that breaks toUpperCase/toLowerCase (tr-TR), Arabic-Indic
     * digits (ar-EG).
     */
    public static final List<String> LOCALES = List.of("en-US", "de-DE", "tr-TR", "fr-FR", "ar-EG");

    private GoldenFiles() {}

    /**
     * The golden text {@code name} of {@code owner}'s package; with {@value #UPDATE} set, first
     * writes {@code actual} as the new golden file.
     */
    public static String expected(Class<?> owner, String name, String actual) throws IOException {
        String relative = owner.getPackageName().replace('.', '/') + "/" + name;
        if (Boolean.getBoolean(UPDATE)) {
            Path file = Path.of("src/test/resources").resolve(relative);
            Files.createDirectories(file.getParent());
            Files.writeString(file, actual, StandardCharsets.UTF_8);
            return actual;
        }
        String expected;
        try (InputStream in = owner.getResourceAsStream(name)) {
            expected = in == null
                    ? "(missing golden file " + relative + "; run the test once with -D" + UPDATE
                            + "=true to create it)"
                    : new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        if (!expected.equals(actual)) {
            Path dir = Path.of("target", "golden-actual");
            Files.createDirectories(dir);
            Files.writeString(dir.resolve(name), actual, StandardCharsets.UTF_8);
        }
        return expected;
    }

    /** Runs {@code action} with {@code tag} as the default locale of every category, then restores them. */
    public static <T> T underLocale(String tag, Callable<T> action) throws Exception {
        Locale base = Locale.getDefault();
        Locale display = Locale.getDefault(Locale.Category.DISPLAY);
        Locale format = Locale.getDefault(Locale.Category.FORMAT);
        Locale.setDefault(Locale.forLanguageTag(tag));
        try {
            return action.call();
        } finally {
            Locale.setDefault(base);
            Locale.setDefault(Locale.Category.DISPLAY, display);
            Locale.setDefault(Locale.Category.FORMAT, format);
        }
    }
}
