package io.iocert.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Locale;
import org.junit.jupiter.api.Test;

class PercentTest {

    @Test
    void shouldWriteAStatedFractionWithUpToFourSignificantDigits() {
        assertEquals("95%", Percent.of(0.95));
        assertEquals("10%", Percent.of(0.1));
        assertEquals("98.75%", Percent.of(1 - 0.05 / 4));
        assertEquals("99.38%", Percent.of(1 - 0.05 / 8));
        assertEquals("99.95%", Percent.of(0.9995), "never rounded up to 100%");
        assertEquals("150%", Percent.of(1.5));
        assertEquals("0%", Percent.of(0));
        assertEquals("-", Percent.of(Double.NaN));
    }

    @Test
    void shouldWriteAnEstimateToThePrecisionOfItsInterval() {
        assertEquals("100%", Percent.ofEstimate(1));
        assertEquals("93.9%", Percent.ofEstimate(0.93906));
        assertEquals("99.52%", Percent.ofEstimate(0.99517));
        assertEquals("25%", Percent.ofEstimate(0.25));
    }

    @Test
    void shouldNotDependOnTheDefaultLocale() {
        Locale saved = Locale.getDefault();
        try {
            for (String tag : new String[] {"de-DE", "ar-EG", "hi-IN-u-nu-deva"}) {
                Locale.setDefault(Locale.forLanguageTag(tag));
                assertEquals("98.75%", Percent.of(0.9875), tag);
                assertEquals("93.9%", Percent.ofEstimate(0.93906), tag);
            }
        } finally {
            Locale.setDefault(saved);
        }
    }
}
