package io.iocert.probes.fs;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What the filesystem under a path is: type, mount options, device, and for a block device
 * its model, whether it is rotational and which I/O scheduler it uses. Read from
 * {@code /proc/self/mountinfo} and {@code /sys/dev/block}; a fact that cannot be read is
 * absent, never guessed. Public for the node identity, which names the fs-path's storage.
 */
public final class StorageFacts {
    public static final String FS_TYPE = "fsType";
    public static final String MOUNT_OPTIONS = "mountOptions";
    public static final String DEVICE = "device";
    public static final String DEVICE_MODEL = "deviceModel";
    public static final String ROTATIONAL = "rotational";
    public static final String SCHEDULER = "scheduler";

    /** One line of mountinfo (proc(5)). */
    record Mount(
            String majorMinor,
            Path mountPoint,
            String mountOptions,
            String fsType,
            String source,
            String superOptions) {}

    private StorageFacts() {}

    /** The facts for a directory, as context entries. */
    public static Map<String, String> of(Path dir) {
        return of(dir, Path.of("/proc/self/mountinfo"), Path.of("/sys/dev/block"));
    }

    /**
     * Requests completed so far by the block device under {@code dir} (the partition's own
     * counters): reads and writes from its {@code stat} file; empty when there is no block
     * device (tmpfs, overlay) or it cannot be read.
     */
    public static Optional<long[]> requestsCompleted(Path dir) {
        return requestsCompleted(dir, Path.of("/proc/self/mountinfo"), Path.of("/sys/dev/block"));
    }

    static Optional<long[]> requestsCompleted(Path dir, Path mountinfo, Path sysDevBlock) {
        try {
            Optional<Mount> mount = mountOf(dir.toRealPath(), Files.readAllLines(mountinfo, StandardCharsets.UTF_8));
            if (mount.isEmpty()) {
                return Optional.empty();
            }
            Path stat = sysDevBlock.resolve(mount.get().majorMinor()).resolve("stat");
            if (!Files.isReadable(stat)) {
                return Optional.empty();
            }
            String[] f =
                    Files.readString(stat, StandardCharsets.US_ASCII).trim().split("\\s+");
            // Fields (Documentation/block/stat.rst): reads completed is the 1st, writes completed the 5th.
            return f.length >= 5
                    ? Optional.of(new long[] {Long.parseLong(f[0]), Long.parseLong(f[4])})
                    : Optional.empty();
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    static Map<String, String> of(Path dir, Path mountinfo, Path sysDevBlock) {
        Map<String, String> facts = new LinkedHashMap<>();
        Optional<Mount> mount;
        try {
            mount = mountOf(dir.toRealPath(), Files.readAllLines(mountinfo, StandardCharsets.UTF_8));
        } catch (IOException | RuntimeException e) {
            mount = Optional.empty();
        }
        if (mount.isEmpty()) {
            fileStoreType(dir).ifPresent(t -> facts.put(FS_TYPE, t));
            return facts;
        }
        Mount m = mount.get();
        facts.put(FS_TYPE, m.fsType());
        facts.put(MOUNT_OPTIONS, mergeOptions(m.mountOptions(), m.superOptions()));
        facts.put(DEVICE, m.source());
        queueDir(sysDevBlock.resolve(m.majorMinor())).ifPresent(queue -> {
            readTrimmed(queue.resolveSibling("device").resolve("model")).ifPresent(v -> facts.put(DEVICE_MODEL, v));
            readTrimmed(queue.resolve("rotational")).ifPresent(r -> {
                if (r.equals("0") || r.equals("1")) {
                    facts.put(ROTATIONAL, Boolean.toString(r.equals("1")));
                }
            });
            readTrimmed(queue.resolve("scheduler"))
                    .flatMap(StorageFacts::activeScheduler)
                    .ifPresent(s -> facts.put(SCHEDULER, s));
        });
        return facts;
    }

    /** The mount holding {@code realPath}: the longest mount point containing it, the last one listed on a tie (stacked mounts). */
    static Optional<Mount> mountOf(Path realPath, List<String> mountinfoLines) {
        Mount best = null;
        for (String line : mountinfoLines) {
            Optional<Mount> parsed = parse(line);
            if (parsed.isEmpty()) {
                continue;
            }
            Mount m = parsed.get();
            if (realPath.startsWith(m.mountPoint())
                    && (best == null
                            || m.mountPoint().getNameCount()
                                    >= best.mountPoint().getNameCount())) {
                best = m;
            }
        }
        return Optional.ofNullable(best);
    }

    /** Parses "36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 - ext3 /dev/root rw,errors=continue". */
    static Optional<Mount> parse(String line) {
        String[] f = line.split(" ");
        int dash = -1;
        for (int i = 6; i < f.length; i++) {
            if (f[i].equals("-")) {
                dash = i;
                break;
            }
        }
        if (dash < 0 || dash + 2 >= f.length) {
            return Optional.empty();
        }
        String superOptions = dash + 3 < f.length ? f[dash + 3] : "";
        return Optional.of(new Mount(
                f[2], Path.of(unescape(f[4])), f[5], unescape(f[dash + 1]), unescape(f[dash + 2]), superOptions));
    }

    /** mountinfo escapes space, tab, newline and backslash as \ooo octal. */
    static String unescape(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && isOctal(s, i + 1)) {
                b.append((char) Integer.parseInt(s.substring(i + 1, i + 4), 8));
                i += 3;
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }

    /** Mount options then filesystem options, without repeats: what mount(8) shows. */
    static String mergeOptions(String mountOptions, String superOptions) {
        Set<String> all = new LinkedHashSet<>();
        for (String s : (mountOptions + "," + superOptions).split(",")) {
            if (!s.isEmpty()) {
                all.add(s);
            }
        }
        return String.join(",", new ArrayList<>(all));
    }

    /** "none [mq-deadline] kyber" gives mq-deadline; a single word without brackets is itself. */
    static Optional<String> activeScheduler(String text) {
        int open = text.indexOf('[');
        int close = text.indexOf(']', open + 1);
        if (open >= 0 && close > open) {
            return Optional.of(text.substring(open + 1, close));
        }
        String t = text.strip();
        return t.isEmpty() || t.contains(" ") ? Optional.empty() : Optional.of(t);
    }

    /** The queue directory of a block device, or of the disk a partition belongs to. */
    private static Optional<Path> queueDir(Path sysDevice) {
        try {
            if (!Files.exists(sysDevice)) {
                return Optional.empty();
            }
            Path real = sysDevice.toRealPath();
            for (Path p : new Path[] {
                real.resolve("queue"),
                real.getParent() == null ? null : real.getParent().resolve("queue")
            }) {
                if (p != null && Files.isDirectory(p)) {
                    return Optional.of(p);
                }
            }
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
        return Optional.empty();
    }

    private static Optional<String> readTrimmed(Path p) {
        try {
            String s = Files.readString(p, StandardCharsets.UTF_8).strip();
            return s.isEmpty() ? Optional.empty() : Optional.of(s);
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    private static Optional<String> fileStoreType(Path dir) {
        try {
            String t = Files.getFileStore(dir).type();
            return t == null || t.isBlank() ? Optional.empty() : Optional.of(t);
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    private static boolean isOctal(String s, int from) {
        if (from + 3 > s.length()) {
            return false;
        }
        for (int i = from; i < from + 3; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '7') {
                return false;
            }
        }
        return true;
    }
}
