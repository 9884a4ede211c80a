package io.iocert.results;

import java.io.IOException;
import java.util.Locale;
import java.util.stream.Stream;

/** Runs code under another default locale, for tests of locale-independent output. */
final class DefaultLocale {

    private DefaultLocale() {}

    /**
     * Locales that break naive formatting: the reference (en-US), a decimal comma (de-DE), a
     * dotless i that breaks toUpperCase/toLowerCase (tr-TR), Arabic-Indic digits (ar-SA) and
     * Devanagari digits (hi-IN with nu-deva).
     */
    static Stream<Locale> unfriendly() {
        return Stream.of(
                Locale.US,
                Locale.GERMANY,
                Locale.forLanguageTag("tr-TR"),
                Locale.forLanguageTag("ar-SA"),
                Locale.forLanguageTag("hi-IN-u-nu-deva"));
    }

    /** Runs {@code action} with {@code locale} as the default for every category, then restores it. */
    static <T> T with(Locale locale, ThrowingSupplier<T> action) throws IOException {
        Locale display = Locale.getDefault(Locale.Category.DISPLAY);
        Locale format = Locale.getDefault(Locale.Category.FORMAT);
        Locale base = Locale.getDefault();
        Locale.setDefault(locale);
        try {
            return action.get();
        } finally {
            Locale.setDefault(base);
            Locale.setDefault(Locale.Category.DISPLAY, display);
            Locale.setDefault(Locale.Category.FORMAT, format);
        }
    }

    @FunctionalInterface
    interface ThrowingSupplier<T> {
        T get() throws IOException;
    }
}
