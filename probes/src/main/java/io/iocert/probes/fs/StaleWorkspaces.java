package io.iocert.probes.fs;

import io.iocert.probes.NodeIdentityCollector;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SecureDirectoryStream;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.UserPrincipal;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Removes workspaces that earlier runs left behind when they could not clean up (SIGKILL, a
 * crash, power loss), so they do not pile up in a user's directory.
 *
 * <p>A directory is removed only when all of these hold: its name starts with
 * {@code .iocert-}; it is a real directory, not a link; it is owned by the user running this
 * process; it holds a regular marker file saying {@code tool=iocert}; the marker names this
 * host; and the process it names is gone, or is a different process that reused the pid (it
 * started after the marker was written). Anything unmarked, owned by someone else, from
 * another host, or from a live run is left alone.
 *
 * <p>The fs-path may be shared with other users (a scratch directory, {@code /tmp}), who can
 * rename and replace entries while the sweep runs. So nothing here is resolved by path: each
 * directory is opened without following links ({@link SecureDirectoryStream}, {@code openat}
 * with {@code O_NOFOLLOW}), its owner and marker are checked on what was opened, and every
 * entry is deleted relative to that open directory. A link is removed as a link; a directory
 * swapped for a link mid-sweep fails to open and that workspace is left for a later run.
 * Without secure directory streams (not Linux) nothing is swept.
 */
final class StaleWorkspaces {
    private static final int MAX_MARKER_BYTES = 4096;
    /** Nesting below a workspace that a probe ever creates is shallow; deeper is not ours. */
    private static final int MAX_DEPTH = 16;

    private StaleWorkspaces() {}

    /** Removes stale workspaces directly below {@code fsPath}; returns the ones removed. */
    static List<Path> sweep(Path fsPath) {
        Optional<UserPrincipal> me = currentUser();
        if (me.isEmpty()) {
            return List.of();
        }
        List<Path> removed = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(fsPath)) {
            if (!(entries instanceof SecureDirectoryStream<Path> parent)) {
                return removed;
            }
            List<Path> names = new ArrayList<>();
            for (Path entry : entries) {
                if (entry.getFileName().toString().startsWith(Workspace.DIR_PREFIX)) {
                    names.add(entry.getFileName());
                }
            }
            for (Path name : names) {
                if (removeIfStale(parent, name, me.get())) {
                    removed.add(fsPath.resolve(name));
                }
            }
        } catch (IOException | RuntimeException e) {
            // Not listable: nothing to sweep; the probe's own checks report a real problem.
        }
        return removed;
    }

    /** The user running this process, as the filesystem names owners; empty if unknown. Looked up once. */
    static Optional<UserPrincipal> currentUser() {
        return CurrentUser.VALUE;
    }

    private static final class CurrentUser {
        static final Optional<UserPrincipal> VALUE = lookUp();
    }

    private static Optional<UserPrincipal> lookUp() {
        try {
            long uid = new com.sun.security.auth.module.UnixSystem().getUid();
            return Optional.of(Path.of("/")
                    .getFileSystem()
                    .getUserPrincipalLookupService()
                    .lookupPrincipalByName(Long.toString(uid)));
        } catch (IOException | LinkageError | RuntimeException e) {
            return Optional.empty();
        }
    }

    private static boolean removeIfStale(SecureDirectoryStream<Path> parent, Path name, UserPrincipal me) {
        try {
            // A first look without opening: another user's entry (perhaps a FIFO that would block
            // an open) is skipped before anything of it is opened.
            PosixFileAttributes seen = parent.getFileAttributeView(
                            name, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
                    .readAttributes();
            if (!seen.isDirectory() || !me.equals(seen.owner())) {
                return false;
            }
        } catch (IOException | RuntimeException e) {
            return false;
        }
        try (SecureDirectoryStream<Path> ws = parent.newDirectoryStream(name, LinkOption.NOFOLLOW_LINKS)) {
            // Checked on the opened directory, so a rename after this point cannot change the answer.
            UserPrincipal owner = ws.getFileAttributeView(PosixFileAttributeView.class)
                    .readAttributes()
                    .owner();
            boolean stale = name.toString().endsWith(SharedWorkspace.SUFFIX)
                    ? sharedIsStale(ws)
                    : isStale(readMarker(ws, Path.of(Workspace.MARKER)));
            if (!me.equals(owner) || !stale) {
                return false;
            }
            deleteContents(ws, 0);
        } catch (IOException | RuntimeException e) {
            // Not a directory, a link, unreadable, or changed under us: leave it for a later run.
            return false;
        }
        try {
            parent.deleteDirectory(name);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Whether a marker's fields say: iocert, this host, a process that is gone. */
    static boolean isStale(Map<String, String> m) {
        if (!"iocert".equals(m.get("tool"))) {
            return false;
        }
        Optional<String> host = NodeIdentityCollector.hostname();
        if (host.isEmpty() || !host.get().equals(m.get("host"))) {
            return false;
        }
        long pid;
        Instant started;
        try {
            pid = Long.parseLong(m.getOrDefault("pid", ""));
            started = Instant.parse(m.getOrDefault("started", ""));
        } catch (NumberFormatException | DateTimeParseException e) {
            return false;
        }
        Optional<ProcessHandle> process = ProcessHandle.of(pid);
        if (process.isEmpty() || !process.get().isAlive()) {
            return true;
        }
        // The pid is in use: stale only if that process started after the workspace did.
        return process.get()
                .info()
                .startInstant()
                .map(s -> s.isAfter(started.plusSeconds(1)))
                .orElse(false);
    }

    /**
     * Whether a shared directory ({@link SharedWorkspace}) is no longer used: it holds at least
     * one participant marker or done marker, and every participant marker still in it is stale
     * (a done marker says that participant has left).
     */
    private static boolean sharedIsStale(SecureDirectoryStream<Path> ws) throws IOException {
        List<Path> markers = new ArrayList<>();
        int labels = 0;
        // A stream iterates once, and the caller's is for deleting: list through a second one of
        // the same open directory ("." relative to it), never by path.
        try (SecureDirectoryStream<Path> listing = ws.newDirectoryStream(Path.of("."), LinkOption.NOFOLLOW_LINKS)) {
            for (Path entry : listing) {
                String n = entry.getFileName().toString();
                if (n.startsWith(SharedWorkspace.MARKER_PREFIX)) {
                    markers.add(entry.getFileName());
                    labels++;
                } else if (n.startsWith(SharedWorkspace.DONE_PREFIX)) {
                    labels++;
                }
            }
        }
        if (labels == 0) {
            return false; // unmarked: being made right now, or not ours
        }
        for (Path marker : markers) {
            if (!isStale(readMarker(ws, marker))) {
                return false;
            }
        }
        return true;
    }

    /** The marker's key=value lines, read relative to the open workspace; empty when absent or odd. */
    private static Map<String, String> readMarker(SecureDirectoryStream<Path> ws, Path marker) throws IOException {
        Map<String, String> m = new HashMap<>();
        BasicFileAttributes attrs = ws.getFileAttributeView(
                        marker, BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
                .readAttributes();
        if (!attrs.isRegularFile() || attrs.size() > MAX_MARKER_BYTES) {
            return m;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (SeekableByteChannel ch =
                ws.newByteChannel(marker, Set.of(StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS))) {
            ByteBuffer buf = ByteBuffer.allocate(MAX_MARKER_BYTES + 1);
            while (buf.hasRemaining() && ch.read(buf) >= 0) {
                // fill up to the limit
            }
            if (!buf.hasRemaining()) {
                return m; // grew past the limit since the size check
            }
            bytes.write(buf.array(), 0, buf.position());
        }
        for (String line : bytes.toString(StandardCharsets.UTF_8).split("\n")) {
            int eq = line.indexOf('=');
            if (!line.startsWith("#") && eq > 0) {
                m.put(line.substring(0, eq).strip(), line.substring(eq + 1).strip());
            }
        }
        return m;
    }

    /**
     * Deletes everything in the open directory {@code dir}, relative to it: subdirectories are
     * opened without following links and emptied the same way, anything else (files, links)
     * is unlinked itself. Throws on the first failure, leaving the rest in place.
     */
    private static void deleteContents(SecureDirectoryStream<Path> dir, int depth) throws IOException {
        if (depth > MAX_DEPTH) {
            throw new IOException("nested deeper than " + MAX_DEPTH + " directories");
        }
        List<Path> names = new ArrayList<>();
        for (Path entry : dir) {
            names.add(entry.getFileName());
        }
        for (Path name : names) {
            BasicFileAttributes attrs = dir.getFileAttributeView(
                            name, BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
                    .readAttributes();
            if (attrs.isDirectory()) {
                try (SecureDirectoryStream<Path> sub = dir.newDirectoryStream(name, LinkOption.NOFOLLOW_LINKS)) {
                    deleteContents(sub, depth + 1);
                }
                dir.deleteDirectory(name);
            } else {
                dir.deleteFile(name);
            }
        }
    }
}
