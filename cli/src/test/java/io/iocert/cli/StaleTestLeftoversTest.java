package io.iocert.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StaleTestLeftoversTest {
    private static final FileTime TWO_HOURS_AGO = FileTime.from(Instant.now().minus(Duration.ofHours(2)));

    @TempDir
    Path base;

    private final List<Path> cgroups = new ArrayList<>();
    private Process sleeper;

    @AfterEach
    void tearDown() throws Exception {
        if (sleeper != null) {
            sleeper.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        for (Path g : cgroups) {
            BlkioGroundTruthIT.removeCgroup(g);
        }
    }

    @Test
    void shouldRemoveOnlyOldEmptyTestCgroups() throws Exception {
        assumeTrue(BlkioGroundTruthIT.isRoot(), "needs root to create cgroups");
        Path blkio = BlkioGroundTruthIT.BLKIO;
        assumeTrue(Files.isDirectory(blkio), "needs the cgroup v1 blkio controller at " + blkio);
        String tag = UUID.randomUUID().toString().substring(0, 8);
        Path stale = group(blkio, StaleTestLeftovers.CGROUP_PREFIX + "sweep-stale-" + tag, true);
        Path fresh = group(blkio, StaleTestLeftovers.CGROUP_PREFIX + "sweep-fresh-" + tag, false);
        Path busy = group(blkio, StaleTestLeftovers.CGROUP_PREFIX + "sweep-busy-" + tag, true);
        Path foreign = group(blkio, "someone-else-" + tag, true);
        sleeper = new ProcessBuilder("sleep", "60").start();
        Files.writeString(busy.resolve("cgroup.procs"), Long.toString(sleeper.pid()));
        Files.setLastModifiedTime(busy, TWO_HOURS_AGO);

        List<Path> removed = StaleTestLeftovers.sweepCgroups(blkio, Instant.now());

        assertEquals(List.of(stale), removed.stream().filter(cgroups::contains).toList());
        assertFalse(Files.exists(stale));
        assertTrue(Files.exists(fresh), "younger than an hour: perhaps a build running beside this one");
        assertTrue(Files.exists(busy), "a process is in it");
        assertTrue(Files.exists(foreign), "not a test's");
    }

    @Test
    void shouldRemoveOnlyOldScratchDirectoriesOfTheIts() throws Exception {
        Path outside = Files.writeString(base.resolve("keep-me"), "a user's file");
        Path stale = Files.createDirectories(base.resolve("iocert-blkio-it-123/fs/deep"));
        Files.writeString(stale.resolve("data"), "x".repeat(1000));
        Files.createSymbolicLink(base.resolve("iocert-blkio-it-123/link"), outside);
        Path staleRoot = base.resolve("iocert-blkio-it-123");
        Files.setLastModifiedTime(staleRoot, TWO_HOURS_AGO);
        Path fresh = Files.createDirectory(base.resolve("iocert-shared-it-456"));
        Path foreign = Files.createDirectory(base.resolve("someones-it-789"));
        Files.setLastModifiedTime(foreign, TWO_HOURS_AGO);
        Path file = Files.writeString(base.resolve("iocert-blkio-it-file"), "not a directory");
        Files.setLastModifiedTime(file, TWO_HOURS_AGO);

        List<Path> removed = StaleTestLeftovers.sweepScratch(base, Instant.now());

        assertEquals(List.of(staleRoot), removed);
        assertFalse(Files.exists(staleRoot));
        assertEquals("a user's file", Files.readString(outside), "a link inside is removed, not followed");
        assertTrue(Files.exists(fresh));
        assertTrue(Files.exists(foreign));
        assertTrue(Files.exists(file));
    }

    private Path group(Path controller, String name, boolean aged) throws Exception {
        Path g = Files.createDirectory(controller.resolve(name));
        cgroups.add(g);
        if (aged) {
            Files.setLastModifiedTime(g, TWO_HOURS_AGO);
        }
        return g;
    }
}
