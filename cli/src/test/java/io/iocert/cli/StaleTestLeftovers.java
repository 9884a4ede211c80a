package io.iocert.cli;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Pattern;

/**
 * What a killed ground-truth IT leaves behind, removed when the next one starts: cgroups named
 * {@value #CGROUP_PREFIX}* (blkio, cpu) with no process in them, the ITs' scratch directories under
 * /var/tmp and the temporary directory ({@code iocert-NAME-it-*}), and the network namespaces of
 * the network ITs ({@code iocert-gt-*}, {@code iocert-fab-*}, under {@value #NETNS_DIR}; deleting
 * one deletes the veth ends inside it, and so the pairs). A build stopped mid-test (Ctrl-C, a
 * CI timeout) skips the tests' own clean-up; without this each such stop left an empty cgroup
 * with its throttle set and up to hundreds of MiB of scratch files. Only what is older than
 * {@link #AGE} is touched, so that a build running beside this one (another worktree) keeps its
 * own: a test's cgroup and scratch directory live for minutes.
 */
final class StaleTestLeftovers {
    static final Duration AGE = Duration.ofHours(1);
    static final String CGROUP_PREFIX = "iocert-test-";
    private static final Pattern SCRATCH = Pattern.compile("iocert-[a-z-]+-it-.*");
    private static final Pattern CGROUP = Pattern.compile(Pattern.quote(CGROUP_PREFIX) + ".*");
    private static final List<Path> CONTROLLERS =
            List.of(Path.of("/sys/fs/cgroup/blkio"), Path.of("/sys/fs/cgroup/cpu"));
    /** Where the ITs make their scratch directories: /var/tmp (disk-backed) and the JVM's temporary directory. */
    private static final List<Path> SCRATCH_BASES =
            List.of(Path.of("/var/tmp"), Path.of(System.getProperty("java.io.tmpdir", "/tmp")));

    /** Where {@code ip netns add} names its namespaces: a file each, whose time is the namespace's creation. */
    static final String NETNS_DIR = "/run/netns";

    /** The names the network ITs give their namespaces. */
    static final Pattern NETNS = Pattern.compile("iocert-(gt|fab)-[a-z0-9-]+");

    /** Set by the first sweep of this JVM: what is stale is there by then, and what appears later is this run's own. */
    private static final AtomicBoolean SWEPT = new AtomicBoolean();

    private StaleTestLeftovers() {}

    /** Both kinds, on this machine, once per test JVM; best effort (what cannot be removed stays). */
    static void sweep() {
        if (SWEPT.getAndSet(true)) {
            return;
        }
        Instant now = Instant.now();
        for (Path controller : CONTROLLERS) {
            sweepCgroups(controller, now);
        }
        SCRATCH_BASES.stream().distinct().forEach(base -> sweepScratch(base, now));
        sweepNetns(Path.of(NETNS_DIR), now);
    }

    /**
     * Deletes the network namespaces named in {@code dir} like a network IT's, older than
     * {@link #AGE} at {@code now} ({@code ip netns del}); returns their names. A namespace that a
     * process still holds lives on until it ends, as for any deleted namespace.
     */
    static List<String> sweepNetns(Path dir, Instant now) {
        return sweepNetns(dir, now, NETNS);
    }

    /** As {@link #sweepNetns(Path, Instant)}, for the namespaces whose whole name matches {@code names}. */
    static List<String> sweepNetns(Path dir, Instant now, Pattern names) {
        return sweepOld(dir, now, names, ns -> {
                    Process p = new ProcessBuilder(
                                    "ip", "netns", "del", ns.getFileName().toString())
                            .redirectErrorStream(true)
                            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                            .start();
                    return p.waitFor(10, java.util.concurrent.TimeUnit.SECONDS) && p.exitValue() == 0;
                })
                .stream()
                .map(ns -> ns.getFileName().toString())
                .toList();
    }

    /**
     * Removes the cgroups directly under {@code controller} named {@value #CGROUP_PREFIX}*, older
     * than {@link #AGE} at {@code now}, with no process in them and no child group; returns them.
     */
    static List<Path> sweepCgroups(Path controller, Instant now) {
        return sweepOld(controller, now, CGROUP, g -> {
            if (!Files.isDirectory(g, LinkOption.NOFOLLOW_LINKS)
                    || !Files.readString(g.resolve("cgroup.procs")).isBlank()) {
                return false;
            }
            Files.delete(g); // rmdir: refused while a child group exists
            return true;
        });
    }

    /**
     * Removes the directories directly under {@code base} named like an IT's scratch directory
     * ({@code iocert-NAME-it-*}), older than {@link #AGE} at {@code now}, with everything in
     * them (symbolic links are removed, never followed); returns them.
     */
    static List<Path> sweepScratch(Path base, Instant now) {
        return sweepOld(base, now, SCRATCH, d -> {
            if (!Files.isDirectory(d, LinkOption.NOFOLLOW_LINKS)) {
                return false;
            }
            TestTrees.delete(d);
            return true;
        });
    }

    /** Removes one leftover; false where it is not one after all (or still in use). */
    @FunctionalInterface
    private interface Removal {
        boolean remove(Path p) throws IOException, InterruptedException;
    }

    /**
     * The entries directly under {@code dir} whose whole name matches {@code names} and that are
     * older than {@link #AGE} at {@code now}, each handed to {@code removal}; returns those it
     * removed. Best effort: what cannot be read or removed stays, for the next sweep.
     */
    private static List<Path> sweepOld(Path dir, Instant now, Pattern names, Removal removal) {
        List<Path> removed = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return removed;
        }
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path p : entries) {
                try {
                    if (names.matcher(p.getFileName().toString()).matches() && old(p, now) && removal.remove(p)) {
                        removed.add(p);
                    }
                } catch (IOException | RuntimeException e) {
                    // In use, gone meanwhile, or partly removed: the next sweep tries again.
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return removed;
                }
            }
        } catch (IOException e) {
            // An unreadable directory: nothing to sweep.
        }
        return removed;
    }

    private static boolean old(Path p, Instant now) throws IOException {
        Instant modified =
                Files.getLastModifiedTime(p, LinkOption.NOFOLLOW_LINKS).toInstant();
        return modified.isBefore(now.minus(AGE));
    }
}
