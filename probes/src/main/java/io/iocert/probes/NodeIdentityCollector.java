package io.iocert.probes;

import io.iocert.probes.fs.StorageFacts;
import io.iocert.results.NodeIdentity;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Reads what machine this is: hostname, OS, kernel, architecture, CPU model, memory, JVM;
 * the CPU topology ({@code cores}: processors available to this JVM, which a cgroup or
 * affinity mask may limit; {@value #SOCKETS}, {@value #PHYSICAL_CORES} and
 * {@value #HARDWARE_THREADS}: the online CPUs' topology in sysfs; {@value #NUMA_NODES}); the
 * {@value #CLOCK_SOURCE}; virtualization as the firmware and CPU tell it (DMI
 * {@value #DMI_VENDOR}, {@value #DMI_PRODUCT}, {@value #DMI_BOARD}, and
 * {@value #HYPERVISOR_FLAG}, the x86 cpuid bit a hypervisor sets); a cloud instance type
 * where it is written in DMI (Amazon EC2 puts it in product_name; other clouds do not, so it
 * is absent there); and with an fs-path the storage under it ({@link StorageFacts}, keys
 * prefixed {@code fs}). A field that cannot be read is left out, never guessed. Linux sources
 * ({@code /etc/os-release}, {@code /proc}, {@code /sys}) are preferred; other systems get what
 * the JVM knows.
 */
public final class NodeIdentityCollector {
    public static final String SOCKETS = "sockets";
    public static final String PHYSICAL_CORES = "physicalCores";
    public static final String HARDWARE_THREADS = "hardwareThreads";
    public static final String NUMA_NODES = "numaNodes";
    public static final String CLOCK_SOURCE = "clockSource";
    public static final String DMI_VENDOR = "dmiSysVendor";
    public static final String DMI_PRODUCT = "dmiProductName";
    public static final String DMI_BOARD = "dmiBoardName";
    public static final String HYPERVISOR_FLAG = "hypervisorFlag";
    public static final String INSTANCE_TYPE = "cloudInstanceType";
    public static final String FS_PATH = "fsPath";
    private static final Path ROOT = Path.of("/");
    /** DMI placeholders firmware writes when it has nothing to say. */
    private static final Set<String> DMI_PLACEHOLDERS =
            Set.of("Not Specified", "To be filled by O.E.M.", "Default string", "System Product Name", "None", "N/A");

    private NodeIdentityCollector() {}

    /** The identity of the machine this JVM runs on. */
    public static NodeIdentity collect() {
        return collect(ROOT, System.getProperties(), Runtime.getRuntime().availableProcessors());
    }

    /** The identity of this machine and of the storage under {@code fsPath}. */
    public static NodeIdentity collect(Path fsPath) {
        Map<String, Object> f = new TreeMap<>(collect().fields());
        f.putAll(storage(fsPath, StorageFacts.of(fsPath)));
        return new NodeIdentity(f);
    }

    /** The storage facts as identity fields: fsPath, fsType, fsMountOptions, fsDevice, fsDeviceModel, fsRotational, fsScheduler. */
    static Map<String, Object> storage(Path fsPath, Map<String, String> facts) {
        Map<String, Object> f = new TreeMap<>();
        f.put(FS_PATH, fsPath.toAbsolutePath().normalize().toString());
        facts.forEach((k, v) -> {
            String key = "fs" + Character.toUpperCase(k.charAt(0)) + k.substring(1);
            if (k.startsWith("fs")) {
                key = k;
            }
            f.put(key, k.equals(StorageFacts.ROTATIONAL) ? (Object) Boolean.valueOf(v) : v);
        });
        return f;
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
        topology(root, f);
        Path sys = root.resolve("sys/devices/system");
        long nodes = count(sys.resolve("node"), "node[0-9]*");
        if (nodes > 0) {
            f.put(NUMA_NODES, nodes);
        }
        firstLine(sys.resolve("clocksource/clocksource0/current_clocksource")).ifPresent(v -> f.put(CLOCK_SOURCE, v));
        Path dmi = root.resolve("sys/class/dmi/id");
        Optional<String> vendor = dmi(dmi.resolve("sys_vendor"));
        Optional<String> product = dmi(dmi.resolve("product_name"));
        vendor.ifPresent(v -> f.put(DMI_VENDOR, v));
        product.ifPresent(v -> f.put(DMI_PRODUCT, v));
        dmi(dmi.resolve("board_name")).ifPresent(v -> f.put(DMI_BOARD, v));
        if (vendor.filter(v -> v.equals("Amazon EC2")).isPresent() && product.isPresent()) {
            f.put(INSTANCE_TYPE, product.get());
        }
        hypervisorFlag(root).ifPresent(v -> f.put(HYPERVISOR_FLAG, v));
        String vm = props.getProperty("java.vm.name");
        String version = props.getProperty("java.vm.version");
        if (vm != null && !vm.isBlank()) {
            f.put(NodeIdentity.JVM, version == null || version.isBlank() ? vm : vm + " " + version);
        }
        return new NodeIdentity(f);
    }

    /** Sockets, physical cores and hardware threads of the online CPUs, from their sysfs topology. */
    private static void topology(Path root, Map<String, Object> f) {
        Set<String> packages = new TreeSet<>();
        Set<String> cores = new TreeSet<>();
        long threads = 0;
        try (DirectoryStream<Path> cpus =
                Files.newDirectoryStream(root.resolve("sys/devices/system/cpu"), "cpu[0-9]*")) {
            for (Path cpu : cpus) {
                Optional<String> pkg = firstLine(cpu.resolve("topology/physical_package_id"));
                Optional<String> core = firstLine(cpu.resolve("topology/core_id"));
                if (pkg.isEmpty() || core.isEmpty()) {
                    continue; // offline CPUs have no topology
                }
                threads++;
                packages.add(pkg.get());
                cores.add(pkg.get() + "/" + core.get());
            }
        } catch (IOException | RuntimeException e) {
            return;
        }
        if (threads > 0) {
            f.put(SOCKETS, (long) packages.size());
            f.put(PHYSICAL_CORES, (long) cores.size());
            f.put(HARDWARE_THREADS, threads);
        }
    }

    /** Whether the x86 "hypervisor" flag is set; empty where cpuinfo has no x86 flags line. */
    private static Optional<Boolean> hypervisorFlag(Path root) {
        for (String line : lines(root.resolve("proc/cpuinfo"))) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).strip().equals("flags")) {
                return Optional.of(
                        List.of(line.substring(colon + 1).strip().split("\\s+")).contains("hypervisor"));
            }
        }
        return Optional.empty();
    }

    private static Optional<String> dmi(Path p) {
        return firstLine(p).filter(v -> !DMI_PLACEHOLDERS.contains(v));
    }

    private static long count(Path dir, String glob) {
        long n = 0;
        try (DirectoryStream<Path> s = Files.newDirectoryStream(dir, glob)) {
            for (Path ignored : s) {
                n++;
            }
        } catch (IOException | RuntimeException e) {
            return 0;
        }
        return n;
    }

    private static Optional<String> hostname(Path root) {
        return firstLine(root.resolve("proc/sys/kernel/hostname")).or(() -> firstLine(root.resolve("etc/hostname")));
    }

    private static Optional<String> osRelease(Path root) {
        for (String line : lines(root.resolve("etc/os-release"))) {
            if (line.startsWith("PRETTY_NAME=")) {
                String v = line.substring("PRETTY_NAME=".length()).strip();
                if (v.length() >= 2
                        && (v.charAt(0) == '"' || v.charAt(0) == '\'')
                        && v.charAt(v.length() - 1) == v.charAt(0)) {
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
