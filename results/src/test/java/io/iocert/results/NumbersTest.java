package io.iocert.results;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class NumbersTest {

    @ParameterizedTest
    @CsvSource({
        "0, 0",
        "-0.0, -0.0",
        "1650000, 1650000",
        "-42, -42",
        "999999999999999, 999999999999999",
        "1e15, 1.0E15",
        "1e20, 1.0E20",
        "0.25, 0.25",
        "412345678.9, 412345678.9",
        "0.30000000000000004, 0.30000000000000004",
        "0.001, 0.001",
        "0.000999, 9.99E-4",
        "-2.5, -2.5",
        "4.9e-324, 4.9E-324",
    })
    void shouldWriteMeasuredValuesShortAndExact(double value, String expected) {
        assertEquals(expected, Numbers.measured(value));
        assertEquals(value, Double.parseDouble(Numbers.measured(value)));
    }

    @Test
    void shouldHaveNoTextForNonFiniteValues() {
        assertNull(Numbers.measured(Double.NaN));
        assertNull(Numbers.measured(Double.POSITIVE_INFINITY));
        assertNull(Numbers.typedDouble(Double.NEGATIVE_INFINITY));
    }

    @Test
    void shouldKeepAFractionOnTypedDoubles() {
        assertEquals("1.0", Numbers.typedDouble(1.0));
        assertEquals("1.0E7", Numbers.typedDouble(1.0e7));
    }
}
