package io.iocert.probes;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.iocert.spec.ProbeType;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class ProbesTest {

    @ParameterizedTest
    @EnumSource(
            value = ProbeType.class,
            names = {"FS_READ", "FS_WRITE"})
    void shouldFindTheFilesystemProbesThroughTheServiceLoader(ProbeType type) {
        Probe probe = Probes.forType(type).orElseThrow(() -> new AssertionError(type + " is not registered"));
        assertEquals(type, probe.type());
        assertEquals("io.iocert.probes.fs", probe.getClass().getPackageName());
    }
}
