package io.iocert.probes.fs;

import static io.iocert.probes.fs.FsTesting.kib;
import static io.iocert.probes.fs.FsTesting.metric;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.iocert.probes.NanoClock;
import io.iocert.probes.NodeIdentityCollector;
import io.iocert.probes.Placement;
import io.iocert.probes.ProbeContext;
import io.iocert.probes.ProbeException;
import io.iocert.probes.ProgressListener;
import io.iocert.probes.StartBarrier;
import io.iocert.probes.UnusableInputException;
import io.iocert.results.Measurement;
import io.iocert.spec.Coordination;
import io.iocert.spec.ProbeType;
import io.iocert.spec.Quantity;
import io.iocert.spec.Requirement;
import io.iocert.spec.Workload;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shared layouts of coordinated runs, several "nodes" as threads of one process: one file
 * written and read at per-node offsets (N-1), one directory for every node's metadata files,
 * and who creates and removes what they share.
 */
class SharedLayoutTest {
    private static final long FILE = 1L << 20;

    @TempDir
    Path fs;

    @Test
    void shouldGiveEveryThreadOfEveryNodeItsOwnContiguousRegion() {
        assertEquals(0, FsProbeEngine.regionStart(0, 1, 0, FILE));
        assertEquals(2 * FILE, FsProbeEngine.regionStart(2, 1, 0, FILE));
        assertEquals(7 * FILE, FsProbeEngine.regionStart(1, 4, 3, FILE), "node 1 of 4 threads each: regions 4 to 7");
        // Three nodes of two threads tile [0, 6 * FILE) without gap or overlap.
        List<Long> starts = new ArrayList<>();
        for (int node = 0; node < 3; node++) {
            for (int t = 0; t < 2; t++) {
                starts.add(FsProbeEngine.regionStart(node, 2, t, FILE));
            }
        }
        for (int k = 0; k < starts.size(); k++) {
            assertEquals(k * FILE, starts.get(k));
        }
        assertThrows(ArithmeticException.class, () -> FsProbeEngine.regionStart(100_000, 4096, 0, 1L << 40));
        assertThrows(IllegalArgumentException.class, () -> FsProbeEngine.regionStart(0, 2, 2, FILE));
    }

    @Test
    void shouldWriteEachNodesRegionOfOneFileAndLeaveNothingBehind() throws Exception {
        int nodes = 3;
        Requirement r = requirement(
                ProbeType.FS_WRITE,
                Coordination.Layout.SHARED_FILE,
                "pattern",
                "sequential",
                "fileSize",
                Quantity.bytes(FILE),
                "blockSize",
                kib(64),
                "threads",
                1L,
                "direct",
                "auto");
        Map<Integer, long[]> seen = new ConcurrentHashMap<>();
        CyclicBarrier allWritten = new CyclicBarrier(nodes);
        List<List<Measurement>> results = runNodes(
                nodes,
                (i, barrier) -> new FsWriteProbe(new FsProbeEngine(
                                FileChannel::open,
                                files -> {
                                    // Each node looks once all have written: the file holds every region, each with
                                    // data.
                                    await(allWritten);
                                    seen.put(i, regionFacts(files.get(0), i));
                                },
                                2))
                        .run(r, context(i, nodes, barrier)));

        for (int i = 0; i < nodes; i++) {
            Measurement tp = metric(results.get(i), "throughput");
            assertNull(tp.error(), tp.error());
            assertEquals("shared-file", tp.context().get(FsProbeEngine.LAYOUT));
            assertEquals(i + " of " + nodes, tp.context().get(FsProbeEngine.PARTICIPANT));
            assertEquals(Long.toString(i * FILE), tp.context().get(FsProbeEngine.REGION_OFFSET));
            assertEquals("fileSize", tp.context().get(FsProbeEngine.STOPPED_BY), "each node wrote its region once");
            long[] facts = seen.get(i);
            assertEquals(nodes * FILE, facts[0], "one file of " + nodes + " regions, seen by node " + i);
            assertEquals(1, facts[1], "node " + i + "'s region holds data at its start");
            assertEquals(1, facts[2], "node " + i + "'s region holds data at its end");
        }
        assertNothingLeft();
    }

    @Test
    void shouldReadEachNodesOwnRegionLaidOutBeforeTheBarrier() throws Exception {
        int nodes = 2;
        Requirement r = requirement(
                ProbeType.FS_READ,
                Coordination.Layout.SHARED_FILE,
                "pattern",
                "random",
                "fileSize",
                Quantity.bytes(FILE),
                "blockSize",
                kib(4),
                "threads",
                2L,
                "duration",
                FsTesting.ms(300));
        List<List<Measurement>> results =
                runNodes(nodes, (i, barrier) -> new FsReadProbe().run(r, context(i, nodes, barrier)));
        for (int i = 0; i < nodes; i++) {
            Measurement lat = metric(results.get(i), "latency");
            assertNull(lat.error(), "no read went past the node's region (the file would end there): " + lat.error());
            assertTrue(lat.samples() > 0);
            assertEquals(
                    Long.toString(2 * i * FILE),
                    lat.context().get(FsProbeEngine.REGION_OFFSET),
                    "two threads a node: node 1 starts at region 2");
        }
        assertNothingLeft();
    }

    @Test
    void shouldCreateEveryNodesFilesInOneDirectory() throws Exception {
        int nodes = 2;
        long files = 50;
        Requirement r = requirement(
                ProbeType.FS_METADATA,
                Coordination.Layout.SHARED_DIR,
                "operation",
                "create",
                "files",
                files,
                "threads",
                2L);
        Map<Integer, List<String>> listed = new ConcurrentHashMap<>();
        CyclicBarrier allCreated = new CyclicBarrier(nodes);
        // Nobody removes their files until everyone has listed: without this a node that listed
        // first went on to clean up while the other was still listing (CI, 50 of 100 seen).
        CyclicBarrier allListed = new CyclicBarrier(nodes);
        List<List<Measurement>> results = runNodes(
                nodes,
                (i, barrier) -> new FsMetadataProbe(
                                dir -> {
                                    await(allCreated);
                                    Path shared = SharedWorkspace.dirOf(fs, placement(i, nodes));
                                    try (Stream<Path> s = Files.list(shared)) {
                                        listed.put(
                                                i,
                                                s.map(p -> p.getFileName().toString())
                                                        .filter(n -> !n.startsWith("."))
                                                        .sorted()
                                                        .toList());
                                    } catch (IOException e) {
                                        throw new AssertionError(e);
                                    }
                                    await(allListed);
                                },
                                2)
                        .run(r, context(i, nodes, barrier)));

        for (int i = 0; i < nodes; i++) {
            Measurement lat = metric(results.get(i), "latency");
            assertNull(lat.error(), lat.error());
            assertEquals(files, lat.samples(), "node " + i + " created its files, each one measured operation");
            assertEquals("shared-dir", lat.context().get(FsProbeEngine.LAYOUT));
            assertTrue(
                    lat.context().containsKey(FsProbeEngine.INTERVALS_ORIGIN),
                    lat.context().toString());
            List<String> names = listed.get(i);
            assertEquals(nodes * files, names.size(), "every node's files in the one directory: " + names);
            for (int node = 0; node < nodes; node++) {
                for (int t = 0; t < 2; t++) {
                    String prefix = "p" + node + "-t" + t + "-f";
                    assertEquals(
                            files / 2,
                            names.stream().filter(n -> n.startsWith(prefix)).count(),
                            prefix + "* in " + names);
                }
            }
        }
        assertNothingLeft();
    }

    @Test
    void shouldLetOnlyTheLastParticipantToLeaveRemoveTheSharedDirectory() throws Exception {
        SharedWorkspace a = SharedWorkspace.join(fs, placement(0, 2));
        SharedWorkspace b = SharedWorkspace.join(fs, placement(1, 2));
        Path data = a.file("data");
        b.file("data");
        Files.writeString(data, "shared");
        assertFalse(a.leave(), "b still works there");
        assertTrue(Files.exists(data), "a never removes what b still uses");
        assertTrue(Files.exists(a.dir().resolve(SharedWorkspace.DONE_PREFIX + 0)));
        assertTrue(b.leave(), "b is the last");
        assertFalse(Files.exists(a.dir()));
        assertFalse(b.leave(), "leaving twice does nothing");
    }

    @Test
    void shouldRefuseASecondParticipantInTheSamePlace() throws Exception {
        SharedWorkspace.join(fs, placement(0, 2));
        UnusableInputException e =
                assertThrows(UnusableInputException.class, () -> SharedWorkspace.join(fs, placement(0, 2)));
        assertTrue(e.getMessage().contains("two participants were given the same place"), e.getMessage());
    }

    @Test
    void shouldKeepWhatIocertDidNotCreateAndNameIt() throws Exception {
        SharedWorkspace a = SharedWorkspace.join(fs, placement(0, 1));
        Files.writeString(a.dir().resolve("someone-elses"), "keep me");
        IOException e = assertThrows(IOException.class, a::leave);
        assertTrue(e.getMessage().contains("someone-elses"), e.getMessage());
        assertTrue(Files.exists(a.dir().resolve("someone-elses")));
    }

    @Test
    void shouldSweepASharedDirectoryOnlyWhenEveryParticipantMarkerIsStale() throws Exception {
        Process p = new ProcessBuilder("true").start();
        p.waitFor();
        String host = NodeIdentityCollector.hostname().orElse("unknown");
        Path dead = Files.createDirectory(fs.resolve(".iocert-dead.shared"));
        Files.writeString(dead.resolve(SharedWorkspace.MARKER_PREFIX + 0), marker(host, p.pid()));
        Files.writeString(dead.resolve(SharedWorkspace.DONE_PREFIX + 1), marker("another-host", 1));
        Files.writeString(dead.resolve("data"), "left by a killed participant");
        Path live = Files.createDirectory(fs.resolve(".iocert-live.shared"));
        Files.writeString(live.resolve(SharedWorkspace.MARKER_PREFIX + 0), marker(host, p.pid()));
        Files.writeString(
                live.resolve(SharedWorkspace.MARKER_PREFIX + 1),
                marker(host, ProcessHandle.current().pid()));
        Path elsewhere = Files.createDirectory(fs.resolve(".iocert-elsewhere.shared"));
        Files.writeString(elsewhere.resolve(SharedWorkspace.MARKER_PREFIX + 0), marker("another-host", p.pid()));
        Path unmarked = Files.createDirectory(fs.resolve(".iocert-unmarked.shared"));

        assertEquals(List.of(dead), StaleWorkspaces.sweep(fs));
        assertTrue(Files.exists(live.resolve(SharedWorkspace.MARKER_PREFIX + 1)), "a live participant keeps it");
        assertTrue(Files.exists(elsewhere), "another host's participant is not judged from here");
        assertTrue(Files.exists(unmarked), "unmarked: being made, or not ours");
    }

    @Test
    void shouldRefuseSharedFileWithoutAPlacement() throws IOException {
        Requirement r = requirement(
                ProbeType.FS_WRITE,
                Coordination.Layout.SHARED_FILE,
                "fileSize",
                Quantity.bytes(FILE),
                "blockSize",
                kib(64));
        ProbeException e = assertThrows(
                ProbeException.class,
                () -> new FsWriteProbe()
                        .run(
                                r,
                                new ProbeContext(
                                        fs,
                                        "solo",
                                        Duration.ofSeconds(30),
                                        Optional.empty(),
                                        NanoClock.SYSTEM,
                                        ProgressListener.NONE,
                                        OptionalLong.empty(),
                                        () -> {})));
        assertTrue(e.getMessage().contains("did not say which region of the file is this node's"), e.getMessage());
        assertNothingLeft();
    }

    // ---- helpers ----

    @FunctionalInterface
    private interface Node {
        List<Measurement> run(int index, StartBarrier barrier) throws Exception;
    }

    /** Runs {@code nodes} probes at once, each with its own run id, meeting at one start barrier. */
    private List<List<Measurement>> runNodes(int nodes, Node node) throws Exception {
        CyclicBarrier start = new CyclicBarrier(nodes);
        ExecutorService pool = Executors.newFixedThreadPool(nodes);
        try {
            List<Future<List<Measurement>>> futures = new ArrayList<>();
            for (int i = 0; i < nodes; i++) {
                int index = i;
                futures.add(pool.submit(() -> node.run(index, () -> await(start))));
            }
            List<List<Measurement>> out = new ArrayList<>();
            for (Future<List<Measurement>> f : futures) {
                out.add(f.get(60, TimeUnit.SECONDS));
            }
            return out;
        } finally {
            pool.shutdownNow();
        }
    }

    private static void await(CyclicBarrier b) {
        try {
            b.await(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("the other nodes did not arrive", e);
        }
    }

    private ProbeContext context(int index, int nodes, StartBarrier barrier) {
        return new ProbeContext(
                fs,
                "node-" + index,
                Duration.ofSeconds(30),
                Optional.empty(),
                NanoClock.SYSTEM,
                ProgressListener.NONE,
                OptionalLong.empty(),
                barrier,
                Optional.of(placement(index, nodes)));
    }

    private static Placement placement(int index, int nodes) {
        return new Placement(index, nodes, "run-1-r0");
    }

    private static Requirement requirement(ProbeType probe, Coordination.Layout layout, Object... keyValues) {
        Map<String, Object> values = new LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            values.put((String) keyValues[i], keyValues[i + 1]);
        }
        return new Requirement(
                "shared",
                probe,
                new Workload(values),
                List.of(),
                0.95,
                Duration.ofSeconds(30),
                false,
                new Coordination(0, layout, Coordination.Scope.AGGREGATE));
    }

    /** The file's size, and whether node {@code i}'s region has data (not zeros) in its first and last block. */
    private static long[] regionFacts(Path file, int i) {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            return new long[] {ch.size(), hasData(ch, i * FILE) ? 1 : 0, hasData(ch, (i + 1) * FILE - 4096) ? 1 : 0};
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private static boolean hasData(FileChannel ch, long at) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(4096);
        while (b.hasRemaining() && ch.read(b, at + b.position()) > 0) {
            // fill
        }
        for (int k = 0; k < b.position(); k++) {
            if (b.get(k) != 0) {
                return true;
            }
        }
        return false;
    }

    private static String marker(String host, long pid) {
        return "# test\ntool=iocert\nrunId=x\nparticipant=0\npid=" + pid + "\nhost=" + host + "\nstarted="
                + Instant.now() + "\n";
    }

    private void assertNothingLeft() throws IOException {
        try (Stream<Path> s = Files.list(fs)) {
            assertEquals(List.of(), s.map(p -> p.getFileName().toString()).toList(), "nothing left in " + fs);
        }
    }
}
