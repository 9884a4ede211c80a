package io.iocert.probes.fs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.iocert.probes.NodeIdentityCollector;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StaleWorkspacesTest {
    private static long deadPid;
    private static final String HOST = NodeIdentityCollector.hostname().orElse("unknown");

    @TempDir
    Path fs;

    @BeforeAll
    static void findADeadPid() throws Exception {
        Process p = new ProcessBuilder("true").start();
        p.waitFor();
        deadPid = p.pid();
    }

    private Path workspace(String name, String tool, String host, long pid, Instant started) throws IOException {
        Path dir = Files.createDirectory(fs.resolve(name));
        Files.writeString(
                dir.resolve(Workspace.MARKER),
                "# test\ntool=" + tool + "\nrunId=x\npid=" + pid + "\nhost=" + host + "\nstarted=" + started + "\n");
        Files.writeString(dir.resolve("data-0"), "left behind");
        return dir;
    }

    @Test
    void shouldRemoveWorkspaceOfADeadRunOnThisHost() throws IOException {
        Path dir = workspace(".iocert-dead", "iocert", HOST, deadPid, Instant.now());
        assertEquals(List.of(dir), StaleWorkspaces.sweep(fs));
        assertFalse(Files.exists(dir));
    }

    @Test
    void shouldKeepWorkspaceOfALiveRun() throws IOException {
        Path dir = workspace(
                ".iocert-live", "iocert", HOST, ProcessHandle.current().pid(), Instant.now());
        assertEquals(List.of(), StaleWorkspaces.sweep(fs));
        assertTrue(Files.exists(dir.resolve("data-0")));
    }

    @Test
    void shouldTreatAReusedPidAsDead() throws IOException {
        // Our pid, but the marker predates this process: another process held the pid then.
        Path dir = workspace(
                ".iocert-reused", "iocert", HOST, ProcessHandle.current().pid(), Instant.parse("2000-01-01T00:00:00Z"));
        assertEquals(List.of(dir), StaleWorkspaces.sweep(fs));
    }

    @Test
    void shouldKeepUnmarkedForeignAndOtherHostDirectories() throws IOException {
        Path unmarked = Files.createDirectory(fs.resolve(".iocert-unmarked"));
        Files.writeString(unmarked.resolve("precious"), "mine");
        workspace(".iocert-other-host", "iocert", HOST + "-elsewhere", deadPid, Instant.now());
        workspace(".iocert-other-tool", "something", HOST, deadPid, Instant.now());
        Path notOurs = workspace("not-iocert", "iocert", HOST, deadPid, Instant.now());

        assertEquals(List.of(), StaleWorkspaces.sweep(fs));
        assertEquals("mine", Files.readString(unmarked.resolve("precious")));
        assertTrue(Files.exists(fs.resolve(".iocert-other-host/data-0")));
        assertTrue(Files.exists(fs.resolve(".iocert-other-tool/data-0")));
        assertTrue(Files.exists(notOurs.resolve("data-0")));
    }

    @Test
    void shouldNeverFollowLinks(@TempDir Path outside) throws IOException {
        Path target = Files.writeString(outside.resolve("user-data"), "keep");
        Path stale = workspace(".iocert-with-link", "iocert", HOST, deadPid, Instant.now());
        Files.createSymbolicLink(stale.resolve("link"), target);
        // A link named like a workspace, pointing at a directory that looks stale: not ours to walk.
        Path elsewhere = Files.createDirectory(outside.resolve("ws"));
        Files.writeString(
                elsewhere.resolve(Workspace.MARKER),
                "tool=iocert\npid=" + deadPid + "\nhost=" + HOST + "\nstarted=" + Instant.now() + "\n");
        Files.createSymbolicLink(fs.resolve(".iocert-linked"), elsewhere);

        assertEquals(List.of(stale), StaleWorkspaces.sweep(fs));
        assertEquals("keep", Files.readString(target));
        assertTrue(Files.exists(elsewhere.resolve(Workspace.MARKER)));
        assertTrue(Files.isSymbolicLink(fs.resolve(".iocert-linked")));
    }

    @Test
    void shouldSweepWhenANewWorkspaceIsCreated() throws Exception {
        Path dir = workspace(".iocert-dead", "iocert", HOST, deadPid, Instant.now());
        try (Workspace ws = Workspace.create(fs, "fresh-run", 0)) {
            assertFalse(Files.exists(dir));
            assertTrue(Files.isDirectory(ws.dir()));
        }
    }

    private static final long PHASE_NS = 200_000;

    private static void spin(long ns) {
        long end = System.nanoTime() + ns;
        while (System.nanoTime() < end) {
            Thread.onSpinWait();
        }
    }

    @Test
    void shouldNotDeleteThroughADirectorySwappedForALinkDuringTheSweep(@TempDir Path outside) throws Exception {
        // The attack from issue 16: a stale-looking workspace whose subdirectory keeps being
        // swapped for a link to a directory of the victim's, with the same file names in both.
        int files = 2000;
        Path victim = Files.createDirectory(outside.resolve("victim"));
        for (int i = 0; i < files; i++) {
            Files.writeString(victim.resolve("f-" + i), "victim's");
        }
        AtomicLong swapsDuringSweeps = new AtomicLong();
        for (int round = 0; round < 3; round++) {
            Path ws = workspace(".iocert-race-" + round, "iocert", HOST, deadPid, Instant.now());
            Path sub = Files.createDirectory(ws.resolve("sub"));
            for (int i = 0; i < files; i++) {
                Files.writeString(sub.resolve("f-" + i), "left behind");
            }
            Path heldDir = fs.resolve("held-dir-" + round);
            Path heldLink = Files.createSymbolicLink(fs.resolve("held-link-" + round), victim);
            AtomicBoolean sweeping = new AtomicBoolean(true);
            Thread swapper = new Thread(
                    () -> {
                        while (sweeping.get()) {
                            try {
                                // Long phases, short gaps: the sweep mostly meets one or the other.
                                Files.move(sub, heldDir, StandardCopyOption.ATOMIC_MOVE);
                                Files.move(heldLink, sub, StandardCopyOption.ATOMIC_MOVE);
                                spin(PHASE_NS);
                                Files.move(sub, heldLink, StandardCopyOption.ATOMIC_MOVE);
                                Files.move(heldDir, sub, StandardCopyOption.ATOMIC_MOVE);
                                swapsDuringSweeps.incrementAndGet();
                                spin(PHASE_NS);
                            } catch (IOException e) {
                                spin(PHASE_NS); // the sweep removed something we were about to move
                            }
                        }
                    },
                    "swapper");
            swapper.start();
            try {
                assertTimeoutPreemptively(Duration.ofSeconds(60), () -> StaleWorkspaces.sweep(fs));
            } finally {
                sweeping.set(false);
                swapper.join();
            }
        }
        assertTrue(swapsDuringSweeps.get() > 0, "the swapper never completed a swap while the sweep ran");
        try (Stream<Path> left = Files.list(victim)) {
            assertEquals(files, left.count(), "files of the victim's directory were deleted through the link");
        }
        assertEquals("victim's", Files.readString(victim.resolve("f-0")));
    }

    @Test
    void shouldLeaveAStaleWorkspaceOfAnotherUserAlone() throws IOException {
        assumeTrue(
                new com.sun.security.auth.module.UnixSystem().getUid() == 0,
                "giving a directory to another user needs root");
        Path dir = workspace(".iocert-theirs", "iocert", HOST, deadPid, Instant.now());
        Files.setAttribute(dir, "unix:uid", 54321);
        Files.setAttribute(dir.resolve(Workspace.MARKER), "unix:uid", 54321);

        assertEquals(List.of(), StaleWorkspaces.sweep(fs));
        assertEquals("left behind", Files.readString(dir.resolve("data-0")));
    }

    @Test
    void shouldRemoveNestedDirectoriesAndLinksToDirectoriesAsLinks(@TempDir Path outside) throws IOException {
        Path kept = Files.createDirectory(outside.resolve("kept"));
        Files.writeString(kept.resolve("f"), "keep");
        Path stale = workspace(".iocert-nested", "iocert", HOST, deadPid, Instant.now());
        Path deep = Files.createDirectories(stale.resolve("a/b/c"));
        Files.writeString(deep.resolve("f"), "x");
        Files.createSymbolicLink(stale.resolve("a/b/to-kept"), kept);

        assertEquals(List.of(stale), StaleWorkspaces.sweep(fs));
        assertFalse(Files.exists(stale, java.nio.file.LinkOption.NOFOLLOW_LINKS));
        assertEquals("keep", Files.readString(kept.resolve("f")));
    }

    @Test
    void shouldNotBlockOnAFifoNamedLikeAWorkspace() throws Exception {
        Path fifo = fs.resolve(".iocert-fifo");
        assertEquals(0, new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor());
        Path stale = workspace(".iocert-dead", "iocert", HOST, deadPid, Instant.now());

        List<Path> removed = assertTimeoutPreemptively(Duration.ofSeconds(10), () -> StaleWorkspaces.sweep(fs));
        assertEquals(List.of(stale), removed);
        assertTrue(Files.exists(fifo, java.nio.file.LinkOption.NOFOLLOW_LINKS));
    }
}
