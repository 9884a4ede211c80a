package io.iocert.probes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.iocert.results.NodeIdentity;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NodeIdentityCollectorTest {

    private static Properties jvm() {
        Properties p = new Properties();
        p.setProperty("os.name", "Linux");
        p.setProperty("os.version", "6.1.0-18-amd64");
        p.setProperty("os.arch", "amd64");
        p.setProperty("java.vm.name", "OpenJDK 64-Bit Server VM");
        p.setProperty("java.vm.version", "17.0.10+7");
        return p;
    }

    @Test
    void shouldReadEveryFieldFromTheSystemFiles(@TempDir Path root) throws Exception {
        Files.createDirectories(root.resolve("etc"));
        Files.createDirectories(root.resolve("proc/sys/kernel"));
        Files.writeString(root.resolve("proc/sys/kernel/hostname"), "node017\n");
        Files.writeString(
                root.resolve("etc/os-release"), "NAME=\"Rocky Linux\"\nPRETTY_NAME=\"Rocky Linux 9.3 (Blue Onyx)\"\n");
        Files.writeString(
                root.resolve("proc/cpuinfo"),
                "processor\t: 0\nvendor_id\t: GenuineIntel\nmodel name\t: Intel(R) Xeon(R) Gold 6338 CPU @ 2.00GHz\n");
        Files.writeString(root.resolve("proc/meminfo"), "MemTotal:       263856988 kB\nMemFree:  1 kB\n");

        NodeIdentity id = NodeIdentityCollector.collect(root, jvm(), 64);

        assertEquals(
                Map.of(
                        NodeIdentity.HOSTNAME, "node017",
                        NodeIdentity.OS, "Rocky Linux 9.3 (Blue Onyx)",
                        NodeIdentity.KERNEL, "6.1.0-18-amd64",
                        NodeIdentity.ARCH, "amd64",
                        NodeIdentity.CPU_MODEL, "Intel(R) Xeon(R) Gold 6338 CPU @ 2.00GHz",
                        NodeIdentity.CORES, 64L,
                        NodeIdentity.MEMORY_BYTES, 263856988L * 1024,
                        NodeIdentity.JVM, "OpenJDK 64-Bit Server VM 17.0.10+7"),
                id.fields());
    }

    @Test
    void shouldReadTopologyClockAndVirtualizationFromSysfs(@TempDir Path root) throws Exception {
        // Two sockets, two cores each, two threads per core; cpu8 is offline (no topology).
        for (int cpu = 0; cpu < 8; cpu++) {
            Path t = Files.createDirectories(root.resolve("sys/devices/system/cpu/cpu" + cpu + "/topology"));
            Files.writeString(t.resolve("physical_package_id"), (cpu / 4) + "\n");
            Files.writeString(t.resolve("core_id"), (cpu % 2) + "\n");
        }
        Files.createDirectories(root.resolve("sys/devices/system/cpu/cpu8"));
        Files.createDirectories(root.resolve("sys/devices/system/node/node0"));
        Files.createDirectories(root.resolve("sys/devices/system/node/node1"));
        Files.createDirectories(root.resolve("sys/devices/system/clocksource/clocksource0"));
        Files.writeString(
                root.resolve("sys/devices/system/clocksource/clocksource0/current_clocksource"), "kvm-clock\n");
        Path dmi = Files.createDirectories(root.resolve("sys/class/dmi/id"));
        Files.writeString(dmi.resolve("sys_vendor"), "Amazon EC2\n");
        Files.writeString(dmi.resolve("product_name"), "c6i.4xlarge\n");
        Files.writeString(dmi.resolve("board_name"), "Not Specified\n");
        Files.createDirectories(root.resolve("proc"));
        Files.writeString(
                root.resolve("proc/cpuinfo"), "processor\t: 0\nflags\t\t: fpu vme avx2 fma hypervisor lahf_lm\n");

        Map<String, Object> f =
                NodeIdentityCollector.collect(root, new Properties(), 16).fields();

        assertEquals(2L, f.get(NodeIdentityCollector.SOCKETS));
        assertEquals(4L, f.get(NodeIdentityCollector.PHYSICAL_CORES));
        assertEquals(8L, f.get(NodeIdentityCollector.HARDWARE_THREADS));
        assertEquals(2L, f.get(NodeIdentityCollector.NUMA_NODES));
        assertEquals("kvm-clock", f.get(NodeIdentityCollector.CLOCK_SOURCE));
        assertEquals("Amazon EC2", f.get(NodeIdentityCollector.DMI_VENDOR));
        assertEquals("c6i.4xlarge", f.get(NodeIdentityCollector.DMI_PRODUCT));
        assertEquals("c6i.4xlarge", f.get(NodeIdentityCollector.INSTANCE_TYPE));
        assertEquals(true, f.get(NodeIdentityCollector.HYPERVISOR_FLAG));
        assertTrue(!f.containsKey(NodeIdentityCollector.DMI_BOARD), "a DMI placeholder is no value: " + f);
    }

    @Test
    void shouldNotGuessAnInstanceTypeFromAnotherVendorsProductName(@TempDir Path root) throws Exception {
        Path dmi = Files.createDirectories(root.resolve("sys/class/dmi/id"));
        Files.writeString(dmi.resolve("sys_vendor"), "Google\n");
        Files.writeString(dmi.resolve("product_name"), "Google Compute Engine\n");
        Files.createDirectories(root.resolve("proc"));
        Files.writeString(root.resolve("proc/cpuinfo"), "processor\t: 0\nflags\t\t: fpu avx2\n");

        Map<String, Object> f =
                NodeIdentityCollector.collect(root, new Properties(), 1).fields();

        assertEquals("Google Compute Engine", f.get(NodeIdentityCollector.DMI_PRODUCT));
        assertTrue(!f.containsKey(NodeIdentityCollector.INSTANCE_TYPE), f.toString());
        assertEquals(false, f.get(NodeIdentityCollector.HYPERVISOR_FLAG));
    }

    @Test
    void shouldNameTheStorageUnderTheFsPath() {
        Map<String, Object> f = NodeIdentityCollector.storage(
                Path.of("/scratch/job/../job"),
                Map.of(
                        "fsType",
                        "xfs",
                        "mountOptions",
                        "rw,noatime",
                        "device",
                        "/dev/nvme0n1p2",
                        "deviceModel",
                        "Samsung SSD 980 PRO 1TB",
                        "rotational",
                        "false",
                        "scheduler",
                        "none"));
        assertEquals(
                Map.of(
                        "fsPath",
                        "/scratch/job",
                        "fsType",
                        "xfs",
                        "fsMountOptions",
                        "rw,noatime",
                        "fsDevice",
                        "/dev/nvme0n1p2",
                        "fsDeviceModel",
                        "Samsung SSD 980 PRO 1TB",
                        "fsRotational",
                        false,
                        "fsScheduler",
                        "none"),
                f);
    }

    @Test
    void shouldDescribeTheStorageOfARealDirectory(@TempDir Path dir) {
        NodeIdentity id = NodeIdentityCollector.collect(dir);
        assertTrue(id.get("fsType").isPresent(), id.toString());
        assertEquals(
                dir.toAbsolutePath().normalize().toString(),
                id.get(NodeIdentityCollector.FS_PATH).orElseThrow());
    }

    @Test
    void shouldLeaveOutWhatCannotBeRead(@TempDir Path emptyRoot) {
        Properties p = new Properties();
        p.setProperty("os.arch", "aarch64");

        NodeIdentity id = NodeIdentityCollector.collect(emptyRoot, p, 4);

        assertEquals(Map.of(NodeIdentity.ARCH, "aarch64", NodeIdentity.CORES, 4L), id.fields());
        assertEquals("unknown", id.hostname());
    }

    @Test
    void shouldDescribeThisMachine() {
        NodeIdentity id = NodeIdentityCollector.collect();

        assertEquals(
                (long) Runtime.getRuntime().availableProcessors(),
                id.get(NodeIdentity.CORES).orElseThrow());
        assertTrue(id.get(NodeIdentity.JVM).orElseThrow().toString().contains(System.getProperty("java.vm.version")));
        assertEquals(System.getProperty("os.arch"), id.get(NodeIdentity.ARCH).orElseThrow());
        assertTrue(id.get(NodeIdentity.HOSTNAME).isPresent());
    }
}
