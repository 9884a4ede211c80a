package io.iocert.probes.fs;

import io.iocert.probes.NodeIdentityCollector;
import io.iocert.probes.UnusableInputException;
import io.iocert.spec.Quantity;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The one directory a filesystem probe may touch: {@code <fsPath>/.iocert-<runId>/}.
 *
 * <p>{@link #create} checks that fsPath is usable (exists, is a directory, is writable, has
 * room for the workload plus 10%), creates the directory fresh (never reusing one that
 * exists) and writes a marker file first, so anyone finding the directory knows who made it:
 * {@code tool}, {@code runId}, {@code pid}, {@code host} and {@code started}, one
 * {@code key=value} per line. Files are handed out by {@link #file}, which registers them;
 * {@link #close} removes exactly the registered files, the marker and the directory, and
 * nothing else: if the directory holds something iocert did not create, it is left in place
 * and close fails, naming it.
 *
 * <p>Every open workspace is also known to one JVM shutdown hook, so SIGINT (Ctrl-C) or
 * SIGTERM during a probe still removes its files ({@link #close} is idempotent and
 * thread-safe for that). SIGKILL cannot be caught; the marker format is what a later
 * stale-directory sweep reads (is that pid on that host still alive?).
 */
final class Workspace implements AutoCloseable {
    static final String DIR_PREFIX = ".iocert-";
    static final String MARKER = ".iocert-marker";
    /** Free space required beyond the workload's own bytes, as a fraction of them. */
    static final double HEADROOM = 0.10;

    private static final Pattern SAFE_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:+-]{0,127}");

    /** Workspaces not yet closed, removed by the shutdown hook if the JVM is stopped first. */
    private static final Set<Workspace> OPEN = java.util.concurrent.ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(Workspace::closeAllOpen, "iocert-workspace-cleanup"));
    }

    private final Path dir;
    private final Set<Path> owned = new LinkedHashSet<>();
    private final List<Cleanup> cleanups = new ArrayList<>();
    private boolean closed;

    /** Removes what a probe made below a registered path (a directory tree); only what it made. */
    @FunctionalInterface
    interface Cleanup {
        void run() throws IOException;
    }

    private Workspace(Path dir) {
        this.dir = dir;
    }

    /** Closes every workspace still open; what cannot be removed is left for the stale sweep. */
    static void closeAllOpen() {
        for (Workspace ws : List.copyOf(OPEN)) {
            try {
                ws.close();
            } catch (IOException e) {
                // The JVM is going down and nobody reads a message now; the marker stays.
            }
        }
    }

    /**
     * Checks {@code fsPath} and creates the workspace below it.
     *
     * @param bytesNeeded what the probe will write; fsPath must have this plus 10% free
     * @throws UnusableInputException when fsPath is missing, not a directory, not writable,
     *         too full, or already holds a workspace of this run id
     * @throws IOException when creating the directory or marker fails otherwise
     */
    static Workspace create(Path fsPath, String runId, long bytesNeeded) throws UnusableInputException, IOException {
        return create(fsPath, runId, bytesNeeded, OptionalLong.empty());
    }

    /**
     * As {@link #create(Path, String, long)}, also refusing a workload that needs more than
     * {@code maxBytes} (the user's --max-bytes) on disk.
     */
    static Workspace create(Path fsPath, String runId, long bytesNeeded, OptionalLong maxBytes)
            throws UnusableInputException, IOException {
        if (maxBytes.isPresent() && bytesNeeded > maxBytes.getAsLong()) {
            throw new UnusableInputException(
                    "the workload needs " + Quantity.bytes(bytesNeeded).format()
                            + " on disk in " + fsPath + ", more than --max-bytes "
                            + Quantity.bytes(maxBytes.getAsLong()).format()
                            + " allows; raise --max-bytes or lower fileSize/threads in the spec");
        }
        if (!SAFE_NAME.matcher(runId).matches()) {
            throw new IllegalArgumentException("run id '" + runId + "' must be 1 to 128 letters, digits or ._:+- "
                    + "(it names the workspace directory)");
        }
        if (!Files.exists(fsPath)) {
            throw new UnusableInputException("fs-path " + fsPath + " does not exist");
        }
        if (!Files.isDirectory(fsPath)) {
            throw new UnusableInputException("fs-path " + fsPath + " is not a directory");
        }
        if (!Files.isWritable(fsPath)) {
            throw new UnusableInputException("fs-path " + fsPath + " is not writable by this user");
        }
        StaleWorkspaces.sweep(fsPath); // before the space check: what dead runs left counts as free
        long needed = (long) Math.ceil(bytesNeeded * (1 + HEADROOM));
        long usable = Files.getFileStore(fsPath).getUsableSpace();
        if (usable < needed) {
            throw new UnusableInputException(
                    "fs-path " + fsPath + " has " + Quantity.bytes(usable).format()
                            + " free; the workload writes "
                            + Quantity.bytes(bytesNeeded).format() + " and needs 10% more ("
                            + Quantity.bytes(needed).format() + "); free space or lower fileSize/threads");
        }
        Path dir = fsPath.resolve(DIR_PREFIX + runId);
        try {
            Files.createDirectory(dir);
        } catch (FileAlreadyExistsException e) {
            throw new UnusableInputException("workspace " + dir + " already exists (left by an interrupted run?); "
                    + "iocert never reuses a directory it did not just create: remove it or use another run id");
        } catch (AccessDeniedException e) {
            throw new UnusableInputException("fs-path " + fsPath + " is not writable by this user");
        } catch (FileSystemException e) {
            if (e.getReason() != null && e.getReason().contains("Read-only")) {
                throw new UnusableInputException("fs-path " + fsPath + " is on a read-only filesystem");
            }
            throw e;
        }
        Workspace ws = new Workspace(dir);
        OPEN.add(ws);
        try {
            Files.write(
                    dir.resolve(MARKER),
                    marker(runId).getBytes(StandardCharsets.UTF_8),
                    StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.WRITE);
        } catch (IOException | RuntimeException e) {
            try {
                ws.close();
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
        return ws;
    }

    Path dir() {
        return dir;
    }

    /**
     * A path in the workspace for a file the caller will create (with {@code CREATE_NEW}).
     * It is registered first, so it is removed at close even if creating it fails half-way.
     */
    synchronized Path file(String name) {
        if (closed) {
            throw new IllegalStateException("workspace " + dir + " is closed");
        }
        if (!SAFE_NAME.matcher(name).matches() || name.equals(MARKER)) {
            throw new IllegalArgumentException("'" + name + "' is not a plain file name");
        }
        Path p = dir.resolve(name);
        owned.add(p);
        return p;
    }

    /**
     * Registers {@code cleanup} to run at {@link #close}, also from the shutdown hook, before the
     * registered files are removed; the last registered runs first. For a probe that makes
     * directories below a path from {@link #file}: the cleanup removes their content.
     */
    synchronized void beforeClose(Cleanup cleanup) {
        if (closed) {
            throw new IllegalStateException("workspace " + dir + " is closed");
        }
        cleanups.add(cleanup);
    }

    /**
     * Removes the registered files, the marker and the directory. Safe to call more than once
     * and from another thread.
     *
     * @throws IOException when something could not be removed; the message names what is left
     */
    @Override
    public synchronized void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        OPEN.remove(this);
        List<IOException> failures = new ArrayList<>();
        for (int i = cleanups.size() - 1; i >= 0; i--) {
            try {
                cleanups.get(i).run();
            } catch (IOException e) {
                failures.add(e);
            }
        }
        for (Path p : owned) {
            try {
                Files.deleteIfExists(p);
            } catch (IOException e) {
                failures.add(e);
            }
        }
        // The marker goes last: a directory that must stay keeps the label the stale sweep reads.
        List<String> left = listing(dir);
        if (left.isEmpty() || left.equals(List.of(MARKER))) {
            try {
                Files.deleteIfExists(dir.resolve(MARKER));
                Files.deleteIfExists(dir);
            } catch (IOException e) {
                failures.add(e);
            }
        } else {
            left.remove(MARKER);
            failures.add(
                    new IOException("left " + dir + " in place: it holds " + left + " that iocert did not create"));
        }
        if (!failures.isEmpty()) {
            IOException first = failures.get(0);
            IOException ex =
                    new IOException("could not remove all of workspace " + dir + ": " + first.getMessage(), first);
            failures.stream().skip(1).forEach(ex::addSuppressed);
            throw ex;
        }
    }

    private static String marker(String runId) {
        return "# iocert probe workspace; removed when the probe ends. Safe to delete when this process is gone.\n"
                + "tool=iocert\n"
                + "runId=" + runId + "\n"
                + "pid=" + ProcessHandle.current().pid() + "\n"
                + "host=" + NodeIdentityCollector.hostname().orElse("unknown") + "\n"
                + "started=" + Instant.now() + "\n";
    }

    /** The names in {@code dir}, sorted; empty when it is gone or unreadable. */
    private static List<String> listing(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return new ArrayList<>(
                    s.map(p -> p.getFileName().toString()).sorted().toList());
        } catch (IOException e) {
            return new ArrayList<>();
        }
    }
}
