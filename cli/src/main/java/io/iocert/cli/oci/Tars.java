package io.iocert.cli.oci;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/** The tar side of image archives: reading small entries, copying with changes, packing and unpacking layouts. */
final class Tars {
    private Tars() {}

    /** The regular files of a tar by normalised name: content when at most {@code maxBytes}, else only listed. */
    record Contents(Map<String, byte[]> small, Set<String> large) {
        boolean has(String name) {
            return small.containsKey(name) || large.contains(name);
        }
    }

    static Contents read(Path tar, String where, long maxBytes) throws ImageException {
        Map<String, byte[]> small = new HashMap<>();
        Set<String> large = new HashSet<>();
        try (TarArchiveInputStream in = open(tar, where)) {
            TarArchiveEntry e;
            while ((e = in.getNextEntry()) != null) {
                if (!e.isFile()) {
                    continue;
                }
                String name = normalise(e.getName());
                if (e.getSize() <= maxBytes) {
                    small.put(name, in.readAllBytes());
                } else {
                    large.add(name);
                }
            }
        } catch (IOException e) {
            throw new ImageException(where + ": not a readable tar archive (" + e.getMessage() + ")", e);
        }
        if (small.isEmpty() && large.isEmpty()) {
            throw new ImageException(where + ": not a tar archive of an image (no files in it)");
        }
        return new Contents(small, large);
    }

    private static TarArchiveInputStream open(Path tar, String where) throws ImageException, IOException {
        if (!Files.isRegularFile(tar)) {
            throw new ImageException(where + ": " + tar + (Files.exists(tar) ? " is not a file" : " does not exist")
                    + "; expected a tar archive");
        }
        return new TarArchiveInputStream(new BufferedInputStream(Files.newInputStream(tar), 1 << 16));
    }

    /**
     * Copies the tar {@code source} to {@code out}, every entry as it is except those named in
     * {@code replace}, which are written (new or replaced) at the end.
     */
    static void copyReplacing(Path source, String where, OutputStream out, Map<String, byte[]> replace)
            throws ImageException, IOException {
        try (TarArchiveInputStream in = open(source, where);
                TarArchiveOutputStream t = output(out)) {
            TarArchiveEntry e;
            while ((e = in.getNextEntry()) != null) {
                if (replace.containsKey(normalise(e.getName()))) {
                    continue;
                }
                t.putArchiveEntry(e);
                if (e.isFile()) {
                    in.transferTo(t);
                }
                t.closeArchiveEntry();
            }
            addAll(t, replace);
            t.finish();
        }
    }

    /** Packs the layout directory {@code dir} (with {@code replace} put over or beside its files) into a tar. */
    static void pack(Path dir, OutputStream out, Map<String, byte[]> replace) throws IOException {
        try (TarArchiveOutputStream t = output(out);
                Stream<Path> walk = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) walk.sorted()::iterator) {
                String name = dir.relativize(p).toString().replace('\\', '/');
                if (name.isEmpty() || replace.containsKey(name)) {
                    continue;
                }
                if (Files.isDirectory(p)) {
                    t.putArchiveEntry(new TarArchiveEntry(name + "/"));
                    t.closeArchiveEntry();
                } else if (Files.isRegularFile(p)) {
                    TarArchiveEntry e = new TarArchiveEntry(name);
                    e.setSize(Files.size(p));
                    t.putArchiveEntry(e);
                    Files.copy(p, t);
                    t.closeArchiveEntry();
                }
            }
            addAll(t, replace);
            t.finish();
        }
    }

    /** Unpacks the regular files and directories of a tar into {@code dir}; refuses names that leave it. */
    static void unpack(Path tar, String where, Path dir) throws ImageException, IOException {
        try (TarArchiveInputStream in = open(tar, where)) {
            TarArchiveEntry e;
            while ((e = in.getNextEntry()) != null) {
                String name = normalise(e.getName());
                Path target = dir.resolve(name).normalize();
                if (name.isEmpty() || !target.startsWith(dir) || target.equals(dir)) {
                    if (name.isEmpty()) {
                        continue;
                    }
                    throw new ImageException(where + ": entry '" + e.getName() + "' points outside the archive;"
                            + " expected paths such as blobs/sha256/HEX");
                }
                if (e.isDirectory()) {
                    Files.createDirectories(target);
                } else if (e.isFile()) {
                    Files.createDirectories(target.getParent());
                    Files.copy(in, target);
                }
            }
        }
    }

    private static TarArchiveOutputStream output(OutputStream out) {
        TarArchiveOutputStream t = new TarArchiveOutputStream(new BufferedOutputStream(out, 1 << 16));
        t.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
        t.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
        return t;
    }

    private static void addAll(TarArchiveOutputStream t, Map<String, byte[]> files) throws IOException {
        for (String name : List.copyOf(new java.util.TreeSet<>(files.keySet()))) {
            byte[] content = files.get(name);
            TarArchiveEntry e = new TarArchiveEntry(name);
            e.setSize(content.length);
            e.setMode(0644);
            t.putArchiveEntry(e);
            t.write(content);
            t.closeArchiveEntry();
        }
    }

    /** "./blobs/sha256/x" and "/blobs/sha256/x" are both "blobs/sha256/x". */
    static String normalise(String name) {
        String n = name;
        while (n.startsWith("./") || n.startsWith("/")) {
            n = n.startsWith("./") ? n.substring(2) : n.substring(1);
        }
        return n.endsWith("/") ? n.substring(0, n.length() - 1) : n;
    }
}
