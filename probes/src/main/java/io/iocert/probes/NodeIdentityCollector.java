package io.iocert.probes;

import io.iocert.results.NodeIdentity;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;

/**
 * Reads what machine this is: hostname, OS, kernel, architecture, CPU model, cores, memory,
 * JVM. A field that cannot be read is left out, never guessed. Linux sources
 * ({@code /etc/os-release}, {@code /proc}) are preferred; other systems get what the JVM knows.
 */
public final class NodeIdentityCollector {
    private static final Path ROOT = Path.of("/");

    private NodeIdentityCollector() {
    }

    /** The identity of the machine this JVM runs on. */
    public static NodeIdentity collect() {
        return collect(ROOT, System.getProperties(), Runtime.getRuntime().availableProcessors());
    }

    /** The hostname: the kernel's, else /etc/hostname, else what the resolver says; empty when none is known. */
    public static Optional<String> hostname() {
        Optional<String> h = hostname(ROOT);
        if (h.isPresent()) {
            return h;
        }
        try {
            return nonBlank(InetAddress.getLocalHost().getHostName());
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** The identity read below {@code root} (a fake root in tests), with the given JVM properties. */
    static NodeIdentity collect(Path root, Properties props, int cores) {
        Map<String, Object> f = new TreeMap<>();
        (root.equals(ROOT) ? hostname() : hostname(root)).ifPresent(v -> f.put(NodeIdentity.HOSTNAME, v));
        osRelease(root).or(() -> nonBlank(props.getProperty("os.name"))).ifPresent(v -> f.put(NodeIdentity.OS, v));
        nonBlank(props.getProperty("os.version")).ifPresent(v -> f.put(NodeIdentity.KERNEL, v));
        nonBlank(props.getProperty("os.arch")).ifPresent(v -> f.put(NodeIdentity.ARCH, v));
        cpuModel(root).ifPresent(v -> f.put(NodeIdentity.CPU_MODEL, v));
        if (cores > 0) {
            f.put(NodeIdentity.CORES, (long) cores);
        }
        memTotalBytes(root).ifPresent(v -> f.put(NodeIdentity.MEMORY_BYTES, v));
        String vm = props.getProperty("java.vm.name");
        String version = props.getProperty("java.vm.version");
        if (vm != null && !vm.isBlank()) {
            f.put(NodeIdentity.JVM, version == null || version.isBlank() ? vm : vm + " " + version);
        }
        return new NodeIdentity(f);
    }

    private static Optional<String> hostname(Path root) {
        return firstLine(root.resolve("proc/sys/kernel/hostname")).or(() -> firstLine(root.resolve("etc/hostname")));
    }

    private static Optional<String> osRelease(Path root) {
        for (String line : lines(root.resolve("etc/os-release"))) {
            if (line.startsWith("PRETTY_NAME=")) {
                String v = line.substring("PRETTY_NAME=".length()).strip();
                if (v.length() >= 2 && (v.charAt(0) == '"' || v.charAt(0) == '\'') && v.charAt(v.length() - 1) == v.charAt(0)) {
                    v = v.substring(1, v.length() - 1);
                }
                return nonBlank(v);
            }
        }
        return Optional.empty();
    }

    private static Optional<String> cpuModel(Path root) {
        for (String key : List.of("model name", "Processor", "cpu model")) {
            for (String line : lines(root.resolve("proc/cpuinfo"))) {
                int colon = line.indexOf(':');
                if (colon > 0 && line.substring(0, colon).strip().equals(key)) {
                    Optional<String> v = nonBlank(line.substring(colon + 1).strip());
                    if (v.isPresent()) {
                        return v;
                    }
                }
            }
        }
        return Optional.empty();
    }

    private static Optional<Long> memTotalBytes(Path root) {
        for (String line : lines(root.resolve("proc/meminfo"))) {
            if (line.startsWith("MemTotal:")) {
                String[] parts = line.substring("MemTotal:".length()).strip().split("\\s+");
                try {
                    long n = Long.parseLong(parts[0]);
                    return parts.length == 2 && parts[1].equals("kB") ? Optional.of(n * 1024) : Optional.empty();
                } catch (NumberFormatException e) {
                    return Optional.empty();
                }
            }
        }
        return Optional.empty();
    }

    private static Optional<String> firstLine(Path p) {
        List<String> l = lines(p);
        return l.isEmpty() ? Optional.empty() : nonBlank(l.get(0).strip());
    }

    private static List<String> lines(Path p) {
        try {
            return Files.readAllLines(p, StandardCharsets.UTF_8);
        } catch (IOException | RuntimeException e) {
            return List.of();
        }
    }

    private static Optional<String> nonBlank(String s) {
        return s == null || s.isBlank() ? Optional.empty() : Optional.of(s);
    }
}
