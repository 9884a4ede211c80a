package io.iocert.probes.fs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.iocert.probes.NodeIdentityCollector;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
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
        Files.writeString(dir.resolve(Workspace.MARKER), "# test\ntool=" + tool + "\nrunId=x\npid=" + pid + "\nhost=" + host
                + "\nstarted=" + started + "\n");
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
        Path dir = workspace(".iocert-live", "iocert", HOST, ProcessHandle.current().pid(), Instant.now());
        assertEquals(List.of(), StaleWorkspaces.sweep(fs));
        assertTrue(Files.exists(dir.resolve("data-0")));
    }

    @Test
    void shouldTreatAReusedPidAsDead() throws IOException {
        // Our pid, but the marker predates this process: another process held the pid then.
        Path dir = workspace(".iocert-reused", "iocert", HOST, ProcessHandle.current().pid(),
                Instant.parse("2000-01-01T00:00:00Z"));
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
        Files.writeString(elsewhere.resolve(Workspace.MARKER), "tool=iocert\npid=" + deadPid + "\nhost=" + HOST
                + "\nstarted=" + Instant.now() + "\n");
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
}
