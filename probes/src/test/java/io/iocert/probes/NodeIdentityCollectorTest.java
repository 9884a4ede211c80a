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
        Files.writeString(root.resolve("etc/os-release"), "NAME=\"Rocky Linux\"\nPRETTY_NAME=\"Rocky Linux 9.3 (Blue Onyx)\"\n");
        Files.writeString(root.resolve("proc/cpuinfo"),
                "processor\t: 0\nvendor_id\t: GenuineIntel\nmodel name\t: Intel(R) Xeon(R) Gold 6338 CPU @ 2.00GHz\n");
        Files.writeString(root.resolve("proc/meminfo"), "MemTotal:       263856988 kB\nMemFree:  1 kB\n");

        NodeIdentity id = NodeIdentityCollector.collect(root, jvm(), 64);

        assertEquals(Map.of(
                NodeIdentity.HOSTNAME, "node017",
                NodeIdentity.OS, "Rocky Linux 9.3 (Blue Onyx)",
                NodeIdentity.KERNEL, "6.1.0-18-amd64",
                NodeIdentity.ARCH, "amd64",
                NodeIdentity.CPU_MODEL, "Intel(R) Xeon(R) Gold 6338 CPU @ 2.00GHz",
                NodeIdentity.CORES, 64L,
                NodeIdentity.MEMORY_BYTES, 263856988L * 1024,
                NodeIdentity.JVM, "OpenJDK 64-Bit Server VM 17.0.10+7"), id.fields());
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

        assertEquals((long) Runtime.getRuntime().availableProcessors(), id.get(NodeIdentity.CORES).orElseThrow());
        assertTrue(id.get(NodeIdentity.JVM).orElseThrow().toString().contains(System.getProperty("java.vm.version")));
        assertEquals(System.getProperty("os.arch"), id.get(NodeIdentity.ARCH).orElseThrow());
        assertTrue(id.get(NodeIdentity.HOSTNAME).isPresent());
    }
}
