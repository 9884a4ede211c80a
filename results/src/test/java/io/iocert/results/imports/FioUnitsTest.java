package io.iocert.results.imports;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class FioUnitsTest {

    @Test
    void shouldReadSizesAsFioDoesWithItsDefaultKbBase() {
        assertEquals(OptionalLong.of(4096), FioUnits.size("4k", false));
        assertEquals(OptionalLong.of(4096), FioUnits.size("4KB", false));
        assertEquals(
                OptionalLong.of(4000),
                FioUnits.size("4KiB", false),
                "fio's compatibility rule: IEC prefix, powers of 10");
        assertEquals(OptionalLong.of(16L << 20), FioUnits.size("16M", false));
        assertEquals(OptionalLong.of(512), FioUnits.size("512", false));
        assertEquals(OptionalLong.of(4000), FioUnits.size("4k", true));
        assertEquals(OptionalLong.of(4096), FioUnits.size("4KiB", true));
        assertEquals(OptionalLong.empty(), FioUnits.size("4k-16k", false));
        assertEquals(OptionalLong.empty(), FioUnits.size("4k/50:8k/50", false));
    }

    @Test
    void shouldReadTimesWithSecondsAsTheDefaultUnit() {
        assertEquals(OptionalLong.of(2_000_000_000L), FioUnits.timeNs("2"));
        assertEquals(OptionalLong.of(500_000_000L), FioUnits.timeNs("500ms"));
        assertEquals(OptionalLong.of(120_000_000_000L), FioUnits.timeNs("2m"));
        assertEquals(OptionalLong.empty(), FioUnits.timeNs("soon"));
    }
}
