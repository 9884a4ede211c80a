package io.iocert.probes.fs;

import io.iocert.probes.NodeIdentityCollector;
import io.iocert.probes.Placement;
import io.iocert.probes.UnusableInputException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.UserPrincipal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The one directory all participants of a coordinated requirement share ({@code layout:
 * shared-file} or {@code shared-dir}): {@code <fsPath>/.iocert-<sharedId>.shared/}, where the
 * coordinator gave every participant the same {@code sharedId}. Each participant still has its
 * own {@link Workspace} beside it (the space and --max-bytes checks, the stale sweep, the
 * shutdown hook); this one holds what the nodes share.
 *
 * <p><b>Who creates it.</b> Whoever comes first: {@link #join} makes the directory, or finds it
 * made by another participant of the run (then it must be a real directory, not a link, owned by
 * this user, else the participant refuses to use it). Every participant then writes its own
 * marker {@code .iocert-marker-p<index>} (tool, runId, pid, host, started, as a workspace
 * marker), with {@code CREATE_NEW}: two participants given the same place are refused.
 *
 * <p><b>Who removes it.</b> The last to leave, and only that one. {@link #leave} first renames
 * the participant's marker to {@code .iocert-done-p<index>} (one atomic rename), then lists the
 * directory: while any {@code .iocert-marker-p*} remains, another participant still works there
 * and nothing is removed. Of several leaving at once, the one whose rename came last sees no
 * marker (each lists after its own rename), so at least one removes, and removing twice is
 * harmless. The remover deletes the shared files registered with {@link #file} (the same names on
 * every node, as all run one spec), the done markers and the directory, and nothing else: what
 * iocert did not create is left in place and named, as {@link Workspace#close} does. A
 * participant removes its own files in a shared directory (fs.metadata) itself, before it leaves.
 *
 * <p><b>Leftovers.</b> A participant killed before leaving keeps its marker, so the directory
 * stays; {@link StaleWorkspaces} removes it later when every participant marker in it names a
 * process on the sweeping host that is gone (done markers only say that one has left). Markers of
 * other hosts are never judged stale, so such a directory is swept from the host of the one
 * killed, by its next run in the same fs-path.
 */
final class SharedWorkspace {
    static final String SUFFIX = ".shared";
    static final String MARKER_PREFIX = ".iocert-marker-p";
    static final String DONE_PREFIX = ".iocert-done-p";

    private final Path dir;
    private final Placement placement;
    private final Set<Path> files = new LinkedHashSet<>();
    private boolean left;

    private SharedWorkspace(Path dir, Placement placement) {
        this.dir = dir;
        this.placement = placement;
    }

    /** The shared directory of {@code placement} below {@code fsPath}. */
    static Path dirOf(Path fsPath, Placement placement) {
        return fsPath.resolve(Workspace.DIR_PREFIX + placement.sharedId() + SUFFIX);
    }

    /**
     * Makes the shared directory, or takes the one another participant made, and marks this
     * participant in it.
     *
     * @throws UnusableInputException when the directory is not one this user made, or the place is taken
     */
    static SharedWorkspace join(Path fsPath, Placement placement) throws UnusableInputException, IOException {
        Path dir = dirOf(fsPath, placement);
        try {
            Files.createDirectory(dir);
        } catch (FileAlreadyExistsException e) {
            PosixFileAttributes a = Files.readAttributes(dir, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            Optional<UserPrincipal> me = StaleWorkspaces.currentUser();
            if (!a.isDirectory() || me.isEmpty() || !me.get().equals(a.owner())) {
                throw new UnusableInputException(
                        "the shared directory " + dir + " exists and is not a directory this user"
                                + " made (a link, a file or another user's); iocert does not work in it");
            }
        }
        Path marker = dir.resolve(MARKER_PREFIX + placement.index());
        try {
            Files.write(
                    marker,
                    marker(placement).getBytes(StandardCharsets.UTF_8),
                    StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.WRITE,
                    LinkOption.NOFOLLOW_LINKS);
        } catch (FileAlreadyExistsException e) {
            throw new UnusableInputException("participant " + placement.index() + " of " + placement.count()
                    + " is already marked in " + dir + ": two participants were given the same place");
        } catch (IOException e) {
            // Unmarked, the directory would never be swept: remove it unless another participant is in it.
            try {
                Files.deleteIfExists(dir);
            } catch (IOException notEmpty) {
                e.addSuppressed(notEmpty);
            }
            throw e;
        }
        return new SharedWorkspace(dir, placement);
    }

    Path dir() {
        return dir;
    }

    /** A shared file every participant uses under this name; the last to leave removes it. */
    synchronized Path file(String name) {
        if (!name.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,127}")) {
            throw new IllegalArgumentException("'" + name + "' is not a plain file name");
        }
        Path p = dir.resolve(name);
        files.add(p);
        return p;
    }

    /**
     * Marks this participant done and, when no other is still marked, removes the shared files,
     * the done markers and the directory. Idempotent.
     *
     * @return whether this participant removed the directory
     * @throws IOException when it was the last and something could not be removed; the message names it
     */
    synchronized boolean leave() throws IOException {
        if (left) {
            return false;
        }
        left = true;
        Path marker = dir.resolve(MARKER_PREFIX + placement.index());
        Files.move(marker, dir.resolve(DONE_PREFIX + placement.index()), StandardCopyOption.ATOMIC_MOVE);
        if (listing().stream().anyMatch(n -> n.startsWith(MARKER_PREFIX))) {
            return false; // another participant is still at work here; the last one removes it
        }
        List<IOException> failures = new ArrayList<>();
        for (Path p : files) {
            try {
                Files.deleteIfExists(p);
            } catch (IOException e) {
                failures.add(e);
            }
        }
        List<String> rest = listing();
        for (String n : rest) {
            if (n.startsWith(DONE_PREFIX)) {
                try {
                    Files.deleteIfExists(dir.resolve(n));
                } catch (IOException e) {
                    failures.add(e);
                }
            }
        }
        rest = listing();
        if (rest.isEmpty()) {
            try {
                Files.deleteIfExists(dir);
            } catch (java.nio.file.DirectoryNotEmptyException e) {
                // a participant arrived late and marked itself meanwhile: it is now the last to leave
            }
        } else if (rest.stream().noneMatch(n -> n.startsWith(MARKER_PREFIX))) {
            failures.add(
                    new IOException("left " + dir + " in place: it holds " + rest + " that iocert did not create"));
        }
        if (!failures.isEmpty()) {
            IOException ex = new IOException(
                    "could not remove all of the shared directory " + dir + ": "
                            + failures.get(0).getMessage(),
                    failures.get(0));
            failures.stream().skip(1).forEach(ex::addSuppressed);
            throw ex;
        }
        return true;
    }

    private static String marker(Placement p) {
        return "# iocert shared workspace: participant " + p.index() + " of " + p.count() + " works here; the last to"
                + " leave removes the directory. Safe to delete when every participant's process is gone.\n"
                + "tool=iocert\n"
                + "runId=" + p.sharedId() + "\n"
                + "participant=" + p.index() + "\n"
                + "pid=" + ProcessHandle.current().pid() + "\n"
                + "host=" + NodeIdentityCollector.hostname().orElse("unknown") + "\n"
                + "started=" + Instant.now() + "\n";
    }

    private List<String> listing() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        } catch (NoSuchFileException e) {
            return List.of();
        }
    }
}
