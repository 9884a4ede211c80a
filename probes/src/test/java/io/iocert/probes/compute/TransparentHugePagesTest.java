package io.iocert.probes.compute;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TransparentHugePagesTest {
    @TempDir
    Path dir;

    @Test
    void shouldReadTheBracketedModeAndTellWhetherAHeapCanUseIt() throws Exception {
        Path f = dir.resolve("enabled");
        Files.writeString(f, "always [madvise] never\n");
        assertEquals("madvise", TransparentHugePages.mode(f));
        Files.writeString(f, "[always] madvise never\n");
        assertEquals("always", TransparentHugePages.mode(f));
        Files.writeString(f, "always madvise [never]\n");
        assertEquals("never", TransparentHugePages.mode(f));
        assertEquals("absent", TransparentHugePages.mode(dir.resolve("missing")));
        assertTrue(TransparentHugePages.usable("madvise"));
        assertTrue(TransparentHugePages.usable("always"));
        assertFalse(TransparentHugePages.usable("never"));
        assertFalse(TransparentHugePages.usable("absent"));
    }

    @Test
    void shouldAskForHugePagesOnlyWhenTold() {
        assertTrue(String.join(" ", JmhDriver.jvmArgs(1100, 64, true)).contains("-XX:+UseTransparentHugePages"));
        assertFalse(String.join(" ", JmhDriver.jvmArgs(1100, 64, false)).contains("TransparentHugePages"));
    }
}
