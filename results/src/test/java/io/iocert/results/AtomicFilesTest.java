package io.iocert.results;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFilesTest {

    @TempDir
    Path dir;

    @Test
    void shouldWriteCompleteContentAndCreateMissingParents() throws IOException {
        byte[] content = new byte[3 * 1024 * 1024 + 17];
        new Random(7).nextBytes(content);
        Path target = dir.resolve("a/b/result.json");

        AtomicFiles.write(target, content, false);

        assertArrayEquals(content, Files.readAllBytes(target));
        assertEquals(List.of("result.json"), names(target.getParent()));
    }

    @Test
    void shouldRefuseToReplaceExistingFileByDefault() throws IOException {
        Path target = dir.resolve("result.json");
        Files.writeString(target, "old");

        FileAlreadyExistsException e =
                assertThrows(FileAlreadyExistsException.class, () -> AtomicFiles.write(target, bytes("new"), false));

        assertEquals(target.toString(), e.getFile());
        assertEquals("old", Files.readString(target));
        assertEquals(List.of("result.json"), names(dir));
    }

    @Test
    void shouldReplaceExistingFileWhenAsked() throws IOException {
        Path target = dir.resolve("result.json");
        Files.writeString(target, "old and longer than the new content");

        AtomicFiles.write(target, bytes("new"), true);

        assertEquals("new", Files.readString(target));
        assertEquals(List.of("result.json"), names(dir));
    }

    @Test
    void shouldLetOnlyOneOfConcurrentWritersCreateTheFile() throws Exception {
        Path target = dir.resolve("result.json");
        int writers = 4;
        ExecutorService pool = Executors.newFixedThreadPool(writers);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<Boolean>> outcomes = new ArrayList<>();
            for (int i = 0; i < writers; i++) {
                byte[] content = bytes("writer " + i);
                outcomes.add(pool.submit(() -> {
                    start.await();
                    try {
                        AtomicFiles.write(target, content, false);
                        return true;
                    } catch (FileAlreadyExistsException e) {
                        return false;
                    }
                }));
            }
            start.countDown();
            int created = 0;
            for (Future<Boolean> outcome : outcomes) {
                created += outcome.get() ? 1 : 0;
            }

            assertEquals(1, created);
            assertTrue(Files.readString(target).startsWith("writer "));
            assertEquals(List.of("result.json"), names(dir));
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void shouldWriteEmptyContent() throws IOException {
        Path target = dir.resolve("empty");

        AtomicFiles.write(target, new byte[0], false);

        assertEquals(0, Files.size(target));
    }

    @Test
    void shouldLeaveNoTemporaryFileAndTheTargetIntactWhenTheRenameFails() throws IOException {
        // A non-empty directory cannot be replaced by a file: the failure comes after the
        // temporary file is written, which is the path that must clean up.
        Path target = dir.resolve("result.json");
        Files.createDirectory(target);
        Files.writeString(target.resolve("keep"), "kept");

        assertThrows(IOException.class, () -> AtomicFiles.write(target, bytes("new"), true));

        assertEquals(List.of("result.json"), names(dir));
        assertEquals("kept", Files.readString(target.resolve("keep")));
    }

    @Test
    void shouldLeaveNoTemporaryFileWhenTheDirectoryIsNotWritable() throws IOException {
        assumeTrue(FileSystems.getDefault().supportedFileAttributeViews().contains("posix"));
        Path locked = dir.resolve("locked");
        Files.createDirectory(locked);
        Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("r-xr-xr-x"));
        try {
            assumeFalse(Files.isWritable(locked), "permissions are not enforced for this user (root?)");

            assertThrows(IOException.class, () -> AtomicFiles.write(locked.resolve("result.json"), bytes("x"), true));

            assertEquals(List.of(), names(locked));
        } finally {
            Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
    }

    @Test
    void shouldNeverWriteThroughATemporaryFileSwappedForALink(@TempDir Path elsewhere) throws Exception {
        // In a directory others may write, someone keeps replacing our temporary file with a
        // link to a file of the victim's, as soon as it appears.
        Path victim = Files.writeString(elsewhere.resolve("victim"), "the victim's own content");
        Path out = Files.createDirectory(dir.resolve("shared"));
        java.util.concurrent.atomic.AtomicBoolean writing = new java.util.concurrent.atomic.AtomicBoolean(true);
        java.util.concurrent.atomic.AtomicLong swaps = new java.util.concurrent.atomic.AtomicLong();
        Thread swapper = new Thread(
                () -> {
                    while (writing.get()) {
                        try (java.nio.file.DirectoryStream<Path> entries =
                                Files.newDirectoryStream(out, ".result.json.*.tmp")) {
                            for (Path temp : entries) {
                                if (!Files.isSymbolicLink(temp)) {
                                    Files.delete(temp);
                                    Files.createSymbolicLink(temp, victim);
                                    swaps.incrementAndGet();
                                }
                            }
                        } catch (IOException e) {
                            // the writer moved or removed it first
                        }
                    }
                },
                "swapper");
        swapper.start();
        int written = 0;
        int refused = 0;
        try {
            for (int i = 0; i < 3000 && swaps.get() < 300; i++) {
                Path target = out.resolve("result.json");
                try {
                    AtomicFiles.write(target, bytes("result " + i), true);
                    written++;
                    assertTrue(
                            Files.isRegularFile(target, java.nio.file.LinkOption.NOFOLLOW_LINKS),
                            "the target must be the file written, not a link");
                    assertEquals("result " + i, Files.readString(target));
                } catch (IOException e) {
                    // Failing is fine under attack (the name was replaced, or gone mid-swap), as long
                    // as no link was put in place.
                    refused++;
                    assertTrue(!Files.isSymbolicLink(target), "a link was left as the target: " + e);
                }
                assertEquals("the victim's own content", Files.readString(victim), "written through the link");
            }
        } finally {
            writing.set(false);
            swapper.join();
        }
        assertTrue(swaps.get() > 0, "the swapper never replaced a temporary file");
        assertTrue(refused > 0, "the swaps never made a write fail: " + swaps.get() + " swaps");
        // Under attack every write may be refused (with two busy cores the swapper won all 300 in
        // CI-like runs: the guarantee is that nothing goes through the link, not that writes win
        // the race); once the attack stops, the next write must succeed.
        Path target = out.resolve("result.json");
        AtomicFiles.write(target, bytes("after " + written), true);
        assertTrue(Files.isRegularFile(target, java.nio.file.LinkOption.NOFOLLOW_LINKS));
        assertEquals("after " + written, Files.readString(target));
        assertEquals("the victim's own content", Files.readString(victim), "written through the link");
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static List<String> names(Path directory) throws IOException {
        try (Stream<Path> files = Files.list(directory)) {
            return files.map(p -> p.getFileName().toString()).sorted().collect(Collectors.toList());
        }
    }
}
