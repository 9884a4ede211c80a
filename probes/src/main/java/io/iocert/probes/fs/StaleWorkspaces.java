package io.iocert.probes.fs;

import io.iocert.probes.NodeIdentityCollector;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Removes workspaces that earlier runs left behind when they could not clean up (SIGKILL, a
 * crash, power loss), so they do not pile up in a user's directory.
 *
 * <p>A directory is removed only when all of these hold: its name starts with
 * {@code .iocert-}; it is a real directory, not a link; it holds a marker file saying
 * {@code tool=iocert}; the marker names this host; and the process it names is gone, or is
 * a different process that reused the pid (it started after the marker was written).
 * Anything unmarked, from another host, or from a live run is left alone. Links inside a
 * stale workspace are removed as links; their targets are never touched.
 */
final class StaleWorkspaces {
    private StaleWorkspaces() {
    }

    /** Removes stale workspaces directly below {@code fsPath}; returns the ones removed. */
    static List<Path> sweep(Path fsPath) {
        List<Path> removed = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(fsPath, Workspace.DIR_PREFIX + "*")) {
            for (Path dir : entries) {
                if (isStale(dir)) {
                    try {
                        deleteTree(dir);
                        removed.add(dir);
                    } catch (IOException e) {
                        // Best effort: a workspace we cannot remove now is tried again next run.
                    }
                }
            }
        } catch (IOException e) {
            // Not listable: nothing to sweep; the probe's own checks report a real problem.
        }
        return removed;
    }

    static boolean isStale(Path dir) {
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            return false;
        }
        Path marker = dir.resolve(Workspace.MARKER);
        if (!Files.isRegularFile(marker, LinkOption.NOFOLLOW_LINKS)) {
            return false;
        }
        Map<String, String> m = readMarker(marker);
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
        return process.get().info().startInstant().map(s -> s.isAfter(started.plusSeconds(1))).orElse(false);
    }

    private static Map<String, String> readMarker(Path marker) {
        Map<String, String> m = new HashMap<>();
        try {
            if (Files.size(marker) > 4096) {
                return m;
            }
            for (String line : Files.readAllLines(marker, StandardCharsets.UTF_8)) {
                int eq = line.indexOf('=');
                if (!line.startsWith("#") && eq > 0) {
                    m.put(line.substring(0, eq).strip(), line.substring(eq + 1).strip());
                }
            }
        } catch (IOException e) {
            m.clear();
        }
        return m;
    }

    /** Deletes a directory tree without following links (walkFileTree does not follow by default). */
    private static void deleteTree(Path dir) throws IOException {
        Files.walkFileTree(dir, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                if (e != null) {
                    throw e;
                }
                Files.delete(d);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
