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
    private final List<String> namespaces = new ArrayList<>();
    private Process sleeper;

    @AfterEach
    void tearDown() throws Exception {
        if (sleeper != null) {
            sleeper.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        for (Path g : cgroups) {
            BlkioGroundTruthIT.removeCgroup(g);
        }
        for (String ns : namespaces) {
            new ProcessBuilder("ip", "netns", "del", ns)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start()
                    .waitFor(10, TimeUnit.SECONDS);
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

    @Test
    void shouldDeleteOnlyOldNetworkNamespacesOfTheIts() throws Exception {
        assertTrue(StaleTestLeftovers.NETNS.matcher("iocert-gt-s-1a2b").matches());
        assertTrue(StaleTestLeftovers.NETNS.matcher("iocert-fab-p3-1a2b").matches());
        assertTrue(StaleTestLeftovers.NETNS.matcher("iocert-fab-sw-1a2b").matches());
        assertFalse(StaleTestLeftovers.NETNS.matcher("someones-gt-1a2b").matches());
        assertFalse(StaleTestLeftovers.NETNS.matcher("iocert-other-1a2b").matches());

        assumeTrue(BlkioGroundTruthIT.isRoot(), "needs root to create network namespaces");
        String name = "iocert-gt-s-"
                + Integer.toHexString(
                        java.util.concurrent.ThreadLocalRandom.current().nextInt(0x1000, 0xffff));
        assumeTrue(
                new ProcessBuilder("ip", "netns", "add", name).start().waitFor() == 0,
                "needs 'ip netns add' (iproute2) to make a namespace");
        namespaces.add(name);
        Path dir = Path.of(StaleTestLeftovers.NETNS_DIR);
        // Only this test's namespace: a network IT of a build beside this one keeps its own.
        java.util.regex.Pattern mine = java.util.regex.Pattern.compile(java.util.regex.Pattern.quote(name));

        assertEquals(List.of(), StaleTestLeftovers.sweepNetns(dir, Instant.now(), mine), "a fresh one stays");
        assertTrue(Files.exists(dir.resolve(name)));

        // Two hours on (a namespace's file cannot be backdated: its time is the namespace's own).
        assertEquals(
                List.of(name), StaleTestLeftovers.sweepNetns(dir, Instant.now().plus(Duration.ofHours(2)), mine));
        assertFalse(Files.exists(dir.resolve(name)));
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
