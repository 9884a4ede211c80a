package io.iocert.certifier.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class ToleranceFactorTest {
    /** Published one-sided normal tolerance factors (e.g. NIST/SEMATECH e-Handbook, section 7.2.6.3). */
    @Test
    void shouldMatchPublishedOneSidedFactors() {
        assertEquals(2.911, ToleranceFactor.oneSided(10, 0.95, 0.95), 0.002);
        assertEquals(2.355, ToleranceFactor.oneSided(10, 0.90, 0.95), 0.002);
        assertEquals(2.396, ToleranceFactor.oneSided(20, 0.95, 0.95), 0.002);
        assertEquals(4.203, ToleranceFactor.oneSided(5, 0.95, 0.95), 0.002);
    }
}
