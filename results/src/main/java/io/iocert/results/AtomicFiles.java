package io.iocert.results;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.SecureRandom;

/**
 * Atomic file writes: a reader of the target sees the old file or the whole new one, never a
 * part, and after a crash the target is either the old or the new file.
 *
 * <p>The content goes to a hidden temporary file next to the target
 * ({@code .<name>.<random>.tmp}), is forced to storage, then renamed over the target with
 * {@link StandardCopyOption#ATOMIC_MOVE}; finally the directory is forced so the rename itself
 * survives a crash. Forcing a directory is not possible everywhere (Windows, some network
 * filesystems); there a failure to force it is ignored, as the file is complete either way.
 *
 * <p>Without {@code overwrite} the new file is put in place with a hard link, which fails
 * atomically when the target exists, so two writers cannot both succeed. On filesystems without
 * hard links it falls back to "check, then rename", which leaves a short window in which a
 * target created by someone else may be replaced.
 *
 * <p>The new file gets default permissions (as {@code umask} gives), not those of the file it
 * replaces. A symbolic link at the target is replaced by the file, not followed. The content
 * is written through the channel that created the temporary file, never by reopening its
 * name, and the name is checked to still be that file (same device and inode, not a link)
 * before and after it is put in place; so in a directory others may write, a swapped name
 * makes the write fail instead of writing through a link. Such a directory is still no place
 * for results: whoever can write it can replace the file afterwards.
 */
public final class AtomicFiles {
    /** Temporary names others cannot guess ahead. */
    private static final SecureRandom RANDOM = new SecureRandom();

    private AtomicFiles() {}

    /**
     * Writes {@code content} to {@code target} atomically: a reader sees the old file or the
     * whole new one, never a part. Creates missing parent directories. On failure no temporary
     * file is left behind and an existing target is untouched.
     *
     * @throws java.nio.file.FileAlreadyExistsException when target exists and !overwrite
     */
    public static void write(Path target, byte[] content, boolean overwrite) throws IOException {
        Path absolute = target.toAbsolutePath();
        Path directory = absolute.getParent();
        if (directory == null || absolute.getFileName() == null) {
            throw new IOException(target + ": is not a file path");
        }
        if (!overwrite && Files.exists(absolute, LinkOption.NOFOLLOW_LINKS)) {
            throw new FileAlreadyExistsException(
                    target.toString(), null, "exists already and overwriting was not asked for");
        }
        Files.createDirectories(directory);
        Temp temp = createTemp(directory, absolute.getFileName().toString());
        try {
            // Written through the channel that created the file, never reopened by name: if the
            // name is swapped for a link meanwhile, nothing is written through the link.
            try (FileChannel channel = temp.channel()) {
                ByteBuffer buffer = ByteBuffer.wrap(content);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
                channel.force(true);
            }
            checkStillOurs(temp, temp.path(), temp.path());
            if (overwrite) {
                Files.move(temp.path(), absolute, StandardCopyOption.ATOMIC_MOVE);
            } else {
                placeWithoutReplacing(temp.path(), absolute, target);
            }
        } catch (Throwable failure) {
            deleteQuietly(temp.path(), failure);
            throw failure;
        }
        // The name was moved, not the file: make sure the target is the file written, so a swap
        // between the check and the move is never reported as success.
        try {
            checkStillOurs(temp, absolute, temp.path());
        } catch (IOException e) {
            deleteQuietly(absolute, e);
            throw e;
        }
        forceDirectory(directory);
    }

    /** The temporary file: its name, the channel that created it, and its identity (device and inode). */
    private record Temp(Path path, FileChannel channel, Object fileKey) {}

    /** Fails unless {@code name} is still the regular file {@code temp} created (not a link, not another file). */
    private static void checkStillOurs(Temp temp, Path name, Path tempName) throws IOException {
        BasicFileAttributes now = Files.readAttributes(name, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        if (!now.isRegularFile() || (temp.fileKey() != null && !temp.fileKey().equals(now.fileKey()))) {
            throw new IOException("temporary file " + tempName
                    + " was replaced while it was written (by another user of " + tempName.getParent()
                    + "?); nothing was put in place, write somewhere only you can write");
        }
    }

    private static void placeWithoutReplacing(Path temp, Path absolute, Path target) throws IOException {
        try {
            Files.createLink(absolute, temp);
        } catch (FileAlreadyExistsException e) {
            throw new FileAlreadyExistsException(
                    target.toString(), null, "exists already and overwriting was not asked for");
        } catch (UnsupportedOperationException | IOException noHardLinks) {
            if (Files.exists(absolute, LinkOption.NOFOLLOW_LINKS)) {
                throw new FileAlreadyExistsException(
                        target.toString(), null, "exists already and overwriting was not asked for");
            }
            Files.move(temp, absolute, StandardCopyOption.ATOMIC_MOVE);
            return;
        }
        // The target now names the complete file, so the write has succeeded; the second name
        // is only clutter, and failing to remove it must not report the write as failed.
        try {
            Files.delete(temp);
        } catch (IOException e) {
            // left behind; harmless
        }
    }

    private static Temp createTemp(Path directory, String name) throws IOException {
        for (int attempt = 0; ; attempt++) {
            String random = Long.toHexString(RANDOM.nextLong() & Long.MAX_VALUE);
            // Keep the name recognisable but short enough for NAME_MAX (255) with the suffix.
            String stem = name.length() > 200 ? name.substring(0, 200) : name;
            Path temp = directory.resolve("." + stem + "." + random + ".tmp");
            FileChannel channel;
            try {
                // CREATE_NEW, unlike Files.createTempFile, keeps the umask's permissions (0644,
                // not 0600), which the final file should have. It also never follows a link.
                channel = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            } catch (FileAlreadyExistsException e) {
                if (attempt >= 10) {
                    throw e;
                }
                continue;
            }
            try {
                Object key = Files.readAttributes(temp, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS)
                        .fileKey();
                return new Temp(temp, channel, key);
            } catch (IOException | RuntimeException e) {
                channel.close();
                deleteQuietly(temp, e);
                throw e;
            }
        }
    }

    private static void forceDirectory(Path directory) {
        try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // Not supported here (see class comment); the file itself is complete and in place.
        }
    }

    private static void deleteQuietly(Path temp, Throwable failure) {
        try {
            Files.deleteIfExists(temp);
        } catch (IOException e) {
            failure.addSuppressed(e);
        }
    }
}
