package io.iocert.probes.fs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StorageFactsTest {
    private static final List<String> MOUNTINFO = List.of(
            "22 27 0:21 / /proc rw,relatime - proc proc rw",
            "27 1 254:0 / / rw,relatime - ext4 /dev/vda rw,discard",
            "25 24 0:23 / /dev/shm rw,relatime - tmpfs tmpfs rw,size=100k",
            "30 25 0:27 / /dev/shm rw,nosuid - tmpfs tmpfs rw,size=200k",
            "40 27 259:2 / /scratch rw,noatime shared:12 master:3 - xfs /dev/nvme0n1p2 rw,attr2,noquota",
            "41 27 0:50 / /mnt/my\\040data rw - nfs4 server:/export rw,vers=4.2");

    @Test
    void shouldPickTheLongestMountPointContainingThePath() {
        assertEquals(
                "xfs",
                StorageFacts.mountOf(Path.of("/scratch/job/1"), MOUNTINFO)
                        .orElseThrow()
                        .fsType());
        assertEquals(
                "ext4",
                StorageFacts.mountOf(Path.of("/scratchpad"), MOUNTINFO)
                        .orElseThrow()
                        .fsType());
        assertEquals(
                "ext4",
                StorageFacts.mountOf(Path.of("/"), MOUNTINFO).orElseThrow().fsType());
    }

    @Test
    void shouldPreferTheMountListedLastWhenMountsAreStacked() {
        assertEquals(
                "rw,nosuid",
                StorageFacts.mountOf(Path.of("/dev/shm/x"), MOUNTINFO)
                        .orElseThrow()
                        .mountOptions());
    }

    @Test
    void shouldReadOptionalFieldsAndEscapedSpaces() {
        StorageFacts.Mount nvme =
                StorageFacts.mountOf(Path.of("/scratch"), MOUNTINFO).orElseThrow();
        assertEquals("259:2", nvme.majorMinor());
        assertEquals("/dev/nvme0n1p2", nvme.source());
        assertEquals("rw,attr2,noquota", nvme.superOptions());
        StorageFacts.Mount nfs =
                StorageFacts.mountOf(Path.of("/mnt/my data/x"), MOUNTINFO).orElseThrow();
        assertEquals(Path.of("/mnt/my data"), nfs.mountPoint());
        assertEquals("server:/export", nfs.source());
    }

    @Test
    void shouldMergeOptionsWithoutRepeats() {
        assertEquals("rw,relatime,discard", StorageFacts.mergeOptions("rw,relatime", "rw,discard"));
    }

    @Test
    void shouldNameTheActiveScheduler() {
        assertEquals(Optional.of("mq-deadline"), StorageFacts.activeScheduler("none [mq-deadline] kyber bfq"));
        assertEquals(Optional.of("none"), StorageFacts.activeScheduler("none"));
        assertEquals(Optional.empty(), StorageFacts.activeScheduler("none kyber"));
    }

    @Test
    void shouldReadDeviceFactsOfAPartitionFromItsDisk(@TempDir Path tmp) throws Exception {
        Path mountinfo = tmp.resolve("mountinfo");
        Files.write(mountinfo, List.of("27 1 259:2 / " + tmp + " rw,relatime - xfs /dev/nvme0n1p2 rw,attr2"));
        Path disk = Files.createDirectories(tmp.resolve("devices/nvme0n1"));
        Files.createDirectories(disk.resolve("queue"));
        Files.writeString(disk.resolve("queue/rotational"), "0\n");
        Files.writeString(disk.resolve("queue/scheduler"), "[none] mq-deadline\n");
        Files.createDirectories(disk.resolve("device"));
        Files.writeString(disk.resolve("device/model"), "Samsung SSD 980 PRO 1TB                 \n");
        Path partition = Files.createDirectories(disk.resolve("nvme0n1p2"));
        Path sysDevBlock = Files.createDirectories(tmp.resolve("dev-block"));
        Files.createSymbolicLink(sysDevBlock.resolve("259:2"), partition);

        Map<String, String> facts = StorageFacts.of(tmp, mountinfo, sysDevBlock);

        assertEquals(
                Map.of(
                        "fsType",
                        "xfs",
                        "mountOptions",
                        "rw,relatime,attr2",
                        "device",
                        "/dev/nvme0n1p2",
                        "deviceModel",
                        "Samsung SSD 980 PRO 1TB",
                        "rotational",
                        "false",
                        "scheduler",
                        "none"),
                facts);
    }

    @Test
    void shouldReadThePartitionsRequestCounters(@TempDir Path tmp) throws Exception {
        Path mountinfo = tmp.resolve("mountinfo");
        Files.write(mountinfo, List.of("27 1 259:2 / " + tmp + " rw,relatime - xfs /dev/nvme0n1p2 rw,attr2"));
        Path partition = Files.createDirectories(tmp.resolve("devices/nvme0n1/nvme0n1p2"));
        Files.writeString(
                partition.resolve("stat"),
                "    4818   12  2097152  900    1041    3  2099000  800  0  500  1700  0 0 0 0 0 0\n");
        Path sysDevBlock = Files.createDirectories(tmp.resolve("dev-block"));
        Files.createSymbolicLink(sysDevBlock.resolve("259:2"), partition);

        long[] counters =
                StorageFacts.requestsCompleted(tmp, mountinfo, sysDevBlock).orElseThrow();

        assertEquals(4818, counters[0], "reads completed");
        assertEquals(1041, counters[1], "writes completed");
        assertTrue(StorageFacts.requestsCompleted(tmp, mountinfo, tmp.resolve("nowhere"))
                .isEmpty());
    }

    @Test
    void shouldLeaveOutWhatCannotBeRead(@TempDir Path tmp) throws Exception {
        Path mountinfo = tmp.resolve("mountinfo");
        Files.write(mountinfo, List.of("25 24 0:23 / " + tmp + " rw - tmpfs tmpfs rw"));

        Map<String, String> facts = StorageFacts.of(tmp, mountinfo, tmp.resolve("no-sys"));

        assertEquals("tmpfs", facts.get("fsType"));
        assertFalse(facts.containsKey("rotational"));
        assertFalse(facts.containsKey("scheduler"));
    }

    @Test
    void shouldFindTheFilesystemOfARealDirectory(@TempDir Path tmp) {
        assertTrue(StorageFacts.of(tmp).containsKey("fsType"));
    }
}
