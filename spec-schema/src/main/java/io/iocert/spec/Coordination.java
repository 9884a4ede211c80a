package io.iocert.spec;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * How a requirement is run and judged across the nodes of a coordinated run ({@code
 * coordinated:} on a requirement): every participant starts the probe at one instant, and the
 * expectations apply to
 * <ul>
 * <li>{@link Scope#AGGREGATE}: the nodes together (interval rates summed in time, operation
 *     histograms merged);</li>
 * <li>{@link Scope#PER_NODE}: every node, while all of them run; the slowest decides;</li>
 * <li>{@link Scope#STRAGGLER}: the slowest node's statistic divided by the median node's, a
 *     plain ratio (">= 0.8" for throughput, "<= 1.25" for latency).</li>
 * </ul>
 *
 * <p>The interconnect probes ({@code net.pingpong}, {@code net.stream}) run between partners:
 * each node is a client of its {@link Pattern} partners and the peer of the nodes whose partner
 * it is, all pairs at once, so what a node measures is under the traffic of every other pair.
 * {@code concurrentWith} names another coordinated requirement to start at the same instant
 * (the latency of a halo exchange while the nodes stream to each other, say).
 *
 * @param nodes          how many participants the requirement is about; 0: whoever the coordinator runs
 * @param layout         where each node's files are (fs probes)
 * @param scope          what the expectations apply to
 * @param pattern        who each node measures against (net probes; ring for the others, unused)
 * @param concurrentWith the id of another coordinated requirement run at the same instant, if any
 */
public record Coordination(int nodes, Layout layout, Scope scope, Pattern pattern, Optional<String> concurrentWith) {
    public Coordination {
        Objects.requireNonNull(layout, "layout");
        Objects.requireNonNull(scope, "scope");
        Objects.requireNonNull(pattern, "pattern");
        Objects.requireNonNull(concurrentWith, "concurrentWith");
        if (nodes < 0) {
            throw new IllegalArgumentException("nodes must be 0 or more, got " + nodes);
        }
    }

    /** A coordination of the fs probes: no partners, nothing run alongside. */
    public Coordination(int nodes, Layout layout, Scope scope) {
        this(nodes, layout, scope, Pattern.RING, Optional.empty());
    }

    /** The probes this build runs coordinated. */
    public static final List<ProbeType> PROBES = List.of(
            ProbeType.FS_WRITE, ProbeType.FS_READ, ProbeType.FS_METADATA, ProbeType.NET_PINGPONG, ProbeType.NET_STREAM);

    /** The probes that run between partners ({@link Pattern}) rather than on each node alone. */
    public static final List<ProbeType> PAIRED = List.of(ProbeType.NET_PINGPONG, ProbeType.NET_STREAM);

    /**
     * Who each node of a coordinated interconnect requirement measures against, numbering the
     * participants 0 to n - 1 in the coordinator's order:
     * <ul>
     * <li>{@link #RING}: node i against node (i + 1) mod n; every node sends one flow and receives
     *     one (a nearest-neighbour exchange in one direction).</li>
     * <li>{@link #ALL_TO_ALL}: node i against every other node; n - 1 flows out of and into each
     *     node (a transpose, an all-to-all personalised exchange).</li>
     * </ul>
     */
    public enum Pattern {
        RING("ring"),
        ALL_TO_ALL("all-to-all");

        private final String id;

        Pattern(String id) {
            this.id = id;
        }

        public String id() {
            return id;
        }

        /** The partners of node {@code index} of {@code count}, in order; none when it is alone. */
        public List<Integer> partners(int index, int count) {
            if (count < 2) {
                return List.of();
            }
            if (this == RING) {
                return List.of((index + 1) % count);
            }
            List<Integer> out = new java.util.ArrayList<>();
            for (int k = 1; k < count; k++) {
                out.add((index + k) % count);
            }
            return List.copyOf(out);
        }

        public static Optional<Pattern> ofId(String id) {
            return Arrays.stream(values()).filter(s -> s.id.equals(id)).findFirst();
        }

        public static String ids() {
            return String.join(", ", Arrays.stream(values()).map(Pattern::id).toList());
        }
    }

    /** What the expectations of a coordinated requirement apply to. */
    public enum Scope {
        AGGREGATE("aggregate"),
        PER_NODE("per-node"),
        STRAGGLER("straggler");

        private final String id;

        Scope(String id) {
            this.id = id;
        }

        public String id() {
            return id;
        }

        public static Optional<Scope> ofId(String id) {
            return Arrays.stream(values()).filter(s -> s.id.equals(id)).findFirst();
        }

        public static String ids() {
            return String.join(", ", Arrays.stream(values()).map(Scope::id).toList());
        }
    }

    /**
     * Where the nodes' files are, as IOR and mdtest name it: each node its own (N-N; for
     * fs.metadata each node its own directory, mdtest's {@code -u}), one shared file written and
     * read at per-node offsets (N-1, fs.read and fs.write), or one shared directory every node
     * creates, stats and removes its files in (fs.metadata, mdtest's default).
     */
    public enum Layout {
        FILE_PER_PROCESS("file-per-process", List.of(ProbeType.FS_WRITE, ProbeType.FS_READ, ProbeType.FS_METADATA)),
        SHARED_FILE("shared-file", List.of(ProbeType.FS_WRITE, ProbeType.FS_READ)),
        SHARED_DIR("shared-dir", List.of(ProbeType.FS_METADATA));

        private final String id;
        private final List<ProbeType> probes;

        Layout(String id, List<ProbeType> probes) {
            this.id = id;
            this.probes = probes;
        }

        public String id() {
            return id;
        }

        /** The probes this layout applies to. */
        public List<ProbeType> probes() {
            return probes;
        }

        /** Whether the nodes share one file or directory (the coordinator then tells each its place). */
        public boolean shared() {
            return this != FILE_PER_PROCESS;
        }

        /** The layouts that apply to {@code probe}, comma-separated. */
        public static String idsFor(ProbeType probe) {
            return String.join(
                    ", ",
                    Arrays.stream(values())
                            .filter(l -> l.probes.contains(probe))
                            .map(Layout::id)
                            .toList());
        }

        public static String ids() {
            return String.join(", ", Arrays.stream(values()).map(Layout::id).toList());
        }

        public static Optional<Layout> ofId(String id) {
            return Arrays.stream(values()).filter(s -> s.id.equals(id)).findFirst();
        }
    }
}
