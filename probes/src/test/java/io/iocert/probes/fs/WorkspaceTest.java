package io.iocert.probes.fs;

import static io.iocert.probes.fs.FsTesting.context;
import static io.iocert.probes.fs.FsTesting.mib;
import static io.iocert.probes.fs.FsTesting.requirement;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import io.iocert.probes.UnusableInputException;
import io.iocert.spec.ProbeType;
import io.iocert.spec.Quantity;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WorkspaceTest {
    @TempDir
    Path fsPath;

    @Test
    void shouldCreateOnlyItsOwnDirectoryAndLeaveFsPathAsItWas() throws Exception {
        Files.writeString(fsPath.resolve("results.csv"), "a,b\n1,2\n");
        Files.createDirectories(fsPath.resolve("job/out"));
        Files.write(fsPath.resolve("job/out/data.bin"), new byte[] {1, 2, 3});
        Map<String, String> before = FsTesting.snapshot(fsPath);
        List<String> duringTop = new ArrayList<>();
        List<String> duringWorkspace = new ArrayList<>();
        FsProbeEngine engine = new FsProbeEngine(
                FileChannel::open,
                files -> {
                    duringTop.addAll(names(fsPath));
                    duringWorkspace.addAll(names(files.get(0).getParent()));
                },
                2);

        new FsWriteProbe(engine)
                .run(requirement(ProbeType.FS_WRITE, "fileSize", mib(1), "direct", "auto"), context(fsPath));

        assertEquals(List.of(".iocert-test-run", "job", "results.csv"), duringTop);
        assertEquals(List.of(".iocert-marker", "data-0"), duringWorkspace);
        assertEquals(before, FsTesting.snapshot(fsPath), "fs-path changed");
    }

    @Test
    void shouldRemoveItsFilesWhenTheProbeFails() throws Exception {
        Files.writeString(fsPath.resolve("keep.txt"), "keep");
        Map<String, String> before = FsTesting.snapshot(fsPath);
        FsProbeEngine engine = new FsProbeEngine(
                FileChannel::open,
                files -> {
                    throw new IllegalStateException("boom after the pass");
                },
                2);

        IllegalStateException e = assertThrows(
                IllegalStateException.class,
                () -> new FsWriteProbe(engine)
                        .run(requirement(ProbeType.FS_WRITE, "fileSize", mib(1), "direct", "auto"), context(fsPath)));

        assertEquals("boom after the pass", e.getMessage());
        assertEquals(before, FsTesting.snapshot(fsPath));
    }

    @Test
    void shouldRemoveItsFilesWhenOpeningFails() throws Exception {
        FsProbeEngine engine = new FsProbeEngine(
                (file, options) -> {
                    Files.write(file, new byte[10]);
                    throw new IOException("simulated open failure");
                },
                files -> {},
                2);

        Exception e = assertThrows(
                Exception.class,
                () -> new FsReadProbe(engine)
                        .run(requirement(ProbeType.FS_READ, "fileSize", mib(1), "direct", "false"), context(fsPath)));

        assertTrue(e.getMessage().contains("simulated open failure"), e.getMessage());
        FsTesting.assertNoWorkspaceLeft(fsPath);
    }

    @Test
    void shouldRefuseAMissingPath() {
        Path missing = fsPath.resolve("no/such/dir");
        UnusableInputException e = assertThrows(
                UnusableInputException.class,
                () -> new FsWriteProbe().run(requirement(ProbeType.FS_WRITE, "fileSize", mib(1)), context(missing)));
        assertEquals("fs-path " + missing + " does not exist", e.getMessage());
        assertFalse(Files.exists(missing));
    }

    @Test
    void shouldRefuseAFile() throws Exception {
        Path file = Files.writeString(fsPath.resolve("plain.txt"), "x");
        UnusableInputException e = assertThrows(
                UnusableInputException.class,
                () -> new FsReadProbe().run(requirement(ProbeType.FS_READ, "fileSize", mib(1)), context(file)));
        assertEquals("fs-path " + file + " is not a directory", e.getMessage());
        assertEquals("x", Files.readString(file));
    }

    @Test
    void shouldRefuseADirectoryItCannotWrite() throws Exception {
        Path ro = Files.createDirectory(fsPath.resolve("ro"));
        Files.setPosixFilePermissions(ro, PosixFilePermissions.fromString("r-xr-xr-x"));
        try {
            assumeFalse(Files.isWritable(ro), "running as root: permissions do not stop this user from writing");
            UnusableInputException e = assertThrows(
                    UnusableInputException.class,
                    () -> new FsWriteProbe().run(requirement(ProbeType.FS_WRITE, "fileSize", mib(1)), context(ro)));
            assertEquals("fs-path " + ro + " is not writable by this user", e.getMessage());
        } finally {
            Files.setPosixFilePermissions(ro, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
    }

    @Test
    void shouldRefuseAWorkloadLargerThanTheFreeSpace() throws Exception {
        long usable = Files.getFileStore(fsPath).getUsableSpace();
        UnusableInputException e = assertThrows(
                UnusableInputException.class,
                () -> new FsWriteProbe()
                        .run(
                                requirement(
                                        ProbeType.FS_WRITE, "fileSize", Quantity.bytes(usable), "blockSize", mib(1)),
                                context(fsPath)));
        assertTrue(e.getMessage().startsWith("fs-path " + fsPath + " has "), e.getMessage());
        assertTrue(e.getMessage().contains("needs 10% more"), e.getMessage());
        FsTesting.assertNoWorkspaceLeft(fsPath);
    }

    @Test
    void shouldRefuseAnExistingWorkspaceAndLeaveItAlone() throws Exception {
        Path stale = Files.createDirectory(fsPath.resolve(".iocert-test-run"));
        Files.writeString(stale.resolve("someone-elses"), "mine");

        UnusableInputException e =
                assertThrows(UnusableInputException.class, () -> Workspace.create(fsPath, "test-run", 1));

        assertTrue(e.getMessage().contains(stale + " already exists"), e.getMessage());
        assertEquals("mine", Files.readString(stale.resolve("someone-elses")));
        assertEquals(List.of("someone-elses"), names(stale));
    }

    @Test
    void shouldWriteAMarkerSayingWhoMadeTheDirectory() throws Exception {
        try (Workspace ws = Workspace.create(fsPath, "r42", 1)) {
            assertEquals(fsPath.resolve(".iocert-r42"), ws.dir());
            String marker = Files.readString(ws.dir().resolve(Workspace.MARKER), StandardCharsets.UTF_8);
            assertTrue(marker.contains("runId=r42\n"), marker);
            assertTrue(marker.contains("pid=" + ProcessHandle.current().pid() + "\n"), marker);
            assertTrue(marker.contains("host="), marker);
            assertTrue(marker.contains("started=20"), marker);
        }
        assertEquals(List.of(), names(fsPath));
    }

    @Test
    void shouldRemoveOnlyWhatItCreatedAndSayWhatIsLeft() throws Exception {
        Workspace ws = Workspace.create(fsPath, "r1", 1);
        Files.writeString(ws.file("data-0"), "ours");
        Files.writeString(ws.dir().resolve("foreign"), "not ours");

        IOException e = assertThrows(IOException.class, ws::close);

        assertTrue(e.getMessage().contains("[foreign]"), e.getMessage());
        // The marker stays with a directory iocert must leave, so it remains labelled.
        assertEquals(List.of(Workspace.MARKER, "foreign"), names(ws.dir()));
        ws.close();
    }

    @Test
    void shouldRefuseRunIdsThatWouldEscapeFsPath() {
        assertThrows(IllegalArgumentException.class, () -> Workspace.create(fsPath, "../escape", 1));
        assertThrows(IllegalArgumentException.class, () -> Workspace.create(fsPath, "a/b", 1));
    }

    private static List<String> names(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
