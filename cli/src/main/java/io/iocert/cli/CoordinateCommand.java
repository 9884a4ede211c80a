package io.iocert.cli;

import static io.iocert.cli.Commands.opt;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.iocert.certifier.Certifier;
import io.iocert.certifier.Evidence;
import io.iocert.certifier.Report;
import io.iocert.certifier.report.ReportFormat;
import io.iocert.probes.EpochClock;
import io.iocert.probes.NodeIdentityCollector;
import io.iocert.probes.ProbeException;
import io.iocert.probes.net.Coordinator;
import io.iocert.probes.net.ServerLimits;
import io.iocert.probes.net.Token;
import io.iocert.results.AtomicFiles;
import io.iocert.results.Coordinated;
import io.iocert.results.CsvExport;
import io.iocert.results.HlogExport;
import io.iocert.results.Measurement;
import io.iocert.results.Result;
import io.iocert.results.ResultCodec;
import io.iocert.results.ResultFormatException;
import io.iocert.results.ToolVersion;
import io.iocert.runner.RunConfig;
import io.iocert.spec.Coordination;
import io.iocert.spec.Expectation;
import io.iocert.spec.Requirement;
import io.iocert.spec.Spec;
import io.iocert.spec.SpecLoader;
import java.io.PrintStream;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Options;

/**
 * {@code iocert coordinate}: the coordinator of a coordinated run. Listens like {@code iocert
 * serve} (same token proof, limits and interconnect service), waits for the participants
 * ({@code iocert join} on each node), and runs every coordinated requirement of the spec on all
 * of them at once: the assignment to each, a barrier (each reports ready to measure), one
 * start instant sent on each node's own clock, then their results, merged
 * ({@link Coordinated}) and certified. Writes the merged result, each node's own result and the
 * reports, as {@code run} does.
 */
final class CoordinateCommand implements Command {
    /** Format of the assignment a participant receives. */
    static final String ASSIGNMENT_FORMAT = "iocert-assignment/1";

    static final long MAX_RESULT_BYTES = 64L << 20;
    /** The start is this far after the last participant reported ready, plus the largest clock uncertainty. */
    static final Duration START_LEAD = Duration.ofMillis(500);

    static final Duration DEFAULT_JOIN_TIMEOUT = Duration.ofMinutes(2);
    /** How long a participant may take past the budget to deliver its result. */
    static final Duration RESULT_GRACE = Duration.ofSeconds(60);

    @Override
    public String name() {
        return "coordinate";
    }

    @Override
    public String synopsis() {
        return "--spec FILE (--participants NAME,... | --nodes N) [--bind ADDR] [--port N] [--token-file FILE]"
                + " [--join-timeout D] [--out DIR] [--budget D] [--confidence P] [--format F] [--sign KEY [--valid-for T]]"
                + " [--store STORE]";
    }

    @Override
    public String summary() {
        return "run a spec's coordinated requirements on many nodes at once ('iocert join' on each), merge, certify";
    }

    @Override
    public Options options() {
        return new Options()
                .addOption(
                        opt("spec", "FILE", "the job I/O spec (a file); its requirements with 'coordinated:' are run"))
                .addOption(opt(
                        "participants",
                        "NAMES",
                        "the participants' names, comma-separated (as each gives to"
                                + " 'iocert join --name'); one that never joins is named in the error"))
                .addOption(opt("nodes", "N", "how many participants to wait for, when their names are not known"))
                .addOption(opt(
                        "bind",
                        "ADDR",
                        "address to listen on (default " + ServeCommand.DEFAULT_BIND + "); any"
                                + " non-loopback address needs --token-file"))
                .addOption(opt(
                        "port",
                        "N",
                        "TCP port (default " + ServeCommand.DEFAULT_PORT + "; 0 picks a free one, printed)"))
                .addOption(opt(
                        "token-file",
                        "FILE",
                        "the token the participants must prove they hold (they prove it, and"
                                + " this coordinator proves it to them)"))
                .addOption(opt(
                        "join-timeout",
                        "DURATION",
                        "how long to wait for the participants to join (default " + DEFAULT_JOIN_TIMEOUT.toSeconds()
                                + "s); the run then goes ahead with those present"))
                .addOption(opt(
                        "out",
                        "DIR",
                        "output directory (default ./iocert-out/<UTC timestamp>/): merged " + RunCommand.RESULT_FILE
                                + ", nodes/<name>.result.json, the reports"))
                .addOption(opt("budget", "DURATION", "most time to spend on each requirement, overriding the spec"))
                .addOption(opt("confidence", "P", "confidence for every requirement, overriding the spec (0 < P < 1)"))
                .addOption(opt(
                        "format", "F", "report format on standard output: " + ReportFormat.ids() + " (default text)"))
                .addOption(opt(
                        "sign",
                        "KEY",
                        "also write " + Signing.CERTIFICATE_FILE + ", signed with this private key"
                                + " (PREFIX.key from 'iocert keygen'; PREFIX.pub must be beside it); it binds the merged "
                                + RunCommand.RESULT_FILE + " and every nodes/<name>.result.json"))
                .addOption(opt("valid-for", "TIME", "how long the certificate is valid: 30d (default), 12h, 90min"))
                .addOption(Stores.recordOption());
    }

    @Override
    public int run(CommandLine line, PrintStream out, PrintStream err) throws Exception {
        ProbeCommand.rejectArguments(line, name());
        if (!line.hasOption("spec")) {
            throw new UsageException("coordinate needs --spec FILE", "see 'iocert coordinate --help'");
        }
        // Checked before anyone is made to wait: a key that does not read, a store that cannot be written.
        Optional<Signing> signing = Signing.of(line);
        Optional<io.iocert.store.StoreLocation> store = Stores.checkedForRecording(line);
        Path specFile = Path.of(line.getOptionValue("spec"));
        // --confidence and --budget over the spec's own; the coordinator probes nothing itself, and
        // each participant runs its requirement in one round.
        Spec spec = Inputs.runConfig(line, err, RunConfig.Plan.ONE_ROUND).spec();
        String specText = new String(SpecLoader.canonicalJson(specFile), StandardCharsets.UTF_8);
        List<Requirement> coordinated = spec.requirements().stream()
                .filter(r -> r.coordinated().isPresent())
                .toList();
        if (coordinated.isEmpty()) {
            throw new UsageException(
                    specFile + " has no coordinated requirement (one with 'coordinated: {nodes: N, scope:" + " ...}')",
                    "requirements of one node are run with 'iocert run' on each node");
        }
        for (Requirement r : spec.requirements()) {
            if (r.coordinated().isEmpty()) {
                err.println("iocert: note: '" + r.id()
                        + "' is not coordinated and is left out; 'iocert run' probes it on each node");
            }
        }
        List<String> names = participants(line);
        int count = names.isEmpty() ? nodes(line) : names.size();
        for (Requirement r : coordinated) {
            int wanted = r.coordinated().get().nodes();
            if (wanted > 0 && wanted != count) {
                throw new UsageException(
                        "requirement '" + r.id() + "' is for " + wanted + " nodes (coordinated.nodes in "
                                + specFile + "), and this run has " + count + " participants ("
                                + (names.isEmpty() ? "--nodes" : "--participants") + ")");
            }
        }
        for (Requirement r : coordinated) {
            if (Coordination.PAIRED.contains(r.probe()) && count < 2) {
                throw new UsageException("requirement '" + r.id() + "' ("
                        + r.probe().id() + ") runs between partners, and"
                        + " this run has " + count + " participant (" + (names.isEmpty() ? "--nodes" : "--participants")
                        + "): give it at least 2");
            }
        }
        List<List<Requirement>> groups = groups(coordinated);
        ReportFormat format = Outputs.format(line);
        Duration joinTimeout = line.hasOption("join-timeout")
                ? Inputs.duration("--join-timeout", line.getOptionValue("join-timeout"))
                : DEFAULT_JOIN_TIMEOUT;
        InetSocketAddress bind = bind(line);
        Optional<Token> token = line.hasOption("token-file")
                ? Optional.of(ServeCommand.token(line.getOptionValue("token-file")))
                : Optional.empty();
        if (!bind.getAddress().isLoopbackAddress() && token.isEmpty()) {
            throw new UsageException(
                    "--bind " + bind.getAddress().getHostAddress() + " is not a loopback address, and"
                            + " participants on other nodes need a shared token: pass --token-file FILE",
                    "make one with: head -c 32 /dev/urandom | base64 > FILE (and give it to every participant)");
        }
        Path dir = Outputs.runDirectory(line);
        ServerLimits d = ServerLimits.DEFAULTS;
        ServerLimits limits = new ServerLimits(
                Math.max(d.maxSessions(), count + 8),
                d.maxMessageBytes(),
                d.handshakeTimeout(),
                d.idleTimeout(),
                d.maxTestDuration(),
                Math.max(d.maxHandshakes(), count + 8));

        Coordinator coordinator;
        try {
            coordinator = Coordinator.start(bind, token, limits, s -> log(err, s), MAX_RESULT_BYTES);
        } catch (BindException e) {
            throw new UsageException("cannot listen on " + bind + ": " + e.getMessage(), "choose another --port");
        }
        Instant started = Instant.now();
        List<Measurement> merged = new ArrayList<>();
        Map<String, List<Measurement>> perNode = new LinkedHashMap<>();
        List<String> missing = new ArrayList<>();
        try (coordinator) {
            InetSocketAddress a = coordinator.address();
            log(
                    err,
                    "coordinating on " + a.getAddress().getHostAddress() + ":" + a.getPort() + " (peer protocol "
                            + io.iocert.probes.net.PeerServer.protocolVersion() + ", token "
                            + (token.isPresent() ? "required" : "not required")
                            + "); waiting up to " + joinTimeout.toSeconds() + " s for " + count + " participants"
                            + (names.isEmpty() ? "" : " (" + String.join(", ", names) + ")"));
            List<Coordinator.Participant> joined = coordinator.awaitJoined(names, count, joinTimeout);
            if (names.isEmpty()) {
                if (joined.size() < count) {
                    missing.add((count - joined.size()) + " of the " + count
                            + " participants (unnamed; --participants names" + " them)");
                }
            } else {
                for (String n : names) {
                    if (joined.stream().noneMatch(p -> p.name().equals(n))) {
                        missing.add(n);
                    }
                }
            }
            log(
                    err,
                    joined.size() + " of " + count + " participants joined"
                            + (missing.isEmpty()
                                    ? ""
                                    : "; never joined within " + joinTimeout.toSeconds() + " s: "
                                            + String.join(", ", missing)));
            String runId = ProbeCommand.runId();
            for (int k = 0; k < groups.size(); k++) {
                merged.addAll(runGroup(spec, specText, groups.get(k), runId + "-r" + k, joined, missing, perNode, err));
            }
            for (Coordinator.Participant p : joined) {
                p.finish("ok, " + coordinated.size() + " requirements");
            }
        }
        Result result = new Result(
                Result.FORMAT,
                ToolVersion.get(),
                NodeIdentityCollector.collect(Path.of("").toAbsolutePath()),
                spec.name(),
                spec.sha256(),
                started,
                Instant.now(),
                merged);
        Path nodesDir = Files.createDirectories(dir.resolve("nodes"));
        List<Path> resultFiles = new ArrayList<>();
        resultFiles.add(dir.resolve(RunCommand.RESULT_FILE));
        for (Map.Entry<String, List<Measurement>> e : perNode.entrySet()) {
            // Each node's own measurements as it sent them (no alignment), for inspection and re-merging.
            Result own = new Result(
                    Result.FORMAT,
                    ToolVersion.get(),
                    result.node(),
                    spec.name(),
                    spec.sha256(),
                    started,
                    Instant.now(),
                    e.getValue());
            Path file = nodesDir.resolve(e.getKey() + ".result.json");
            AtomicFiles.write(file, ResultCodec.toJson(own), false);
            resultFiles.add(file);
        }
        byte[] document = ResultCodec.toJson(result);
        AtomicFiles.write(dir.resolve(RunCommand.RESULT_FILE), document, false);
        AtomicFiles.write(dir.resolve("result.csv"), CsvExport.toCsv(result), false);
        AtomicFiles.write(dir.resolve("result.hlog"), HlogExport.toHlog(result), false);
        Spec judged = new Spec(
                spec.version(),
                spec.name(),
                spec.description(),
                spec.confidence(),
                spec.budget(),
                spec.filesystemPath(),
                coordinated,
                spec.sha256());
        Report verdicts = Certifier.certify(judged, result);
        Report report = verdicts.withEvidence(Evidence.of(verdicts, result));
        List<Report> one = List.of(report);
        for (ReportFormat f : ReportFormat.values()) {
            Outputs.write(dir.resolve(RunCommand.reportFile(f)), Outputs.render(f, one));
        }
        byte[] certificate = null;
        if (signing.isPresent()) {
            Path cert = signing.get().issue(report, resultFiles, dir);
            err.println("iocert: signed " + cert);
            certificate = Files.readAllBytes(cert);
        }
        // The merged result is recorded as the coordinator's (its node identity), as it is judged.
        Stores.record(store, result, document, "coordinate", verdicts, certificate, err);
        out.print(Outputs.render(format, one));
        out.flush();
        err.println("iocert: wrote " + dir.resolve(RunCommand.RESULT_FILE) + ", the nodes' results in " + nodesDir
                + " and the reports in " + dir);
        return report.verdict().exitCode();
    }

    /**
     * The coordinated requirements in the order they run: each alone, except those joined by
     * {@code concurrentWith}, which run as one group from one start (in spec order, the group
     * where its first member is).
     */
    static List<List<Requirement>> groups(List<Requirement> coordinated) {
        Map<String, String> root = new LinkedHashMap<>();
        coordinated.forEach(r -> root.put(r.id(), r.id()));
        for (Requirement r : coordinated) {
            Optional<String> with = r.coordinated().flatMap(Coordination::concurrentWith);
            if (with.isPresent() && root.containsKey(with.get())) {
                String a = find(root, r.id());
                String b = find(root, with.get());
                if (!a.equals(b)) {
                    root.put(a, b);
                }
            }
        }
        Map<String, List<Requirement>> byRoot = new LinkedHashMap<>();
        for (Requirement r : coordinated) {
            byRoot.computeIfAbsent(find(root, r.id()), k -> new ArrayList<>()).add(r);
        }
        return List.copyOf(byRoot.values());
    }

    private static String find(Map<String, String> root, String id) {
        String r = id;
        while (!root.get(r).equals(r)) {
            r = root.get(r);
        }
        return r;
    }

    /**
     * Runs one group of requirements ({@link #groups}) on every participant still alive, from
     * one start, and merges what they send, requirement by requirement.
     */
    private static List<Measurement> runGroup(
            Spec spec,
            String specText,
            List<Requirement> group,
            String sharedId,
            List<Coordinator.Participant> joined,
            List<String> missing,
            Map<String, List<Measurement>> perNode,
            PrintStream err)
            throws InterruptedException {
        Duration longest =
                group.stream().map(Requirement::budget).max(Duration::compareTo).orElseThrow();
        Duration armLimit = longest.plus(RESULT_GRACE);
        Duration resultLimit = longest.plus(RESULT_GRACE);
        String ids =
                String.join(" and ", group.stream().map(x -> "'" + x.id() + "'").toList());
        // Partners are numbered among the participants still in the run, in the coordinator's order.
        List<Coordinator.Participant> alive =
                joined.stream().filter(p -> p.failure().isEmpty()).toList();
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, joined.size()));
        Map<String, byte[]> documents = new LinkedHashMap<>();
        Map<String, String> failures = new LinkedHashMap<>();
        try {
            List<Future<Optional<byte[]>>> armed = new ArrayList<>();
            for (int i = 0; i < joined.size(); i++) {
                Coordinator.Participant p = joined.get(i);
                byte[] assignment = assignment(specText, group, i, joined.size(), sharedId, partners(group, p, alive));
                armed.add(pool.submit(() -> {
                    p.assign(assignment);
                    return p.awaitArmed(armLimit);
                }));
            }
            List<Coordinator.Participant> ready = new ArrayList<>();
            long widest = 0;
            for (int i = 0; i < joined.size(); i++) {
                Coordinator.Participant p = joined.get(i);
                try {
                    Optional<byte[]> early = armed.get(i).get();
                    if (early.isPresent()) {
                        documents.put(p.name(), early.get()); // failed while preparing: its result says why
                    } else {
                        ready.add(p);
                        widest = Math.max(widest, p.clockUncertaintyNs());
                    }
                } catch (java.util.concurrent.ExecutionException e) {
                    failures.put(p.name(), message(e.getCause()));
                }
            }
            long startNs = EpochClock.nowNs() + START_LEAD.toNanos() + 2 * widest;
            log(
                    err,
                    ids + ": " + ready.size() + " participants ready; start at "
                            + Instant.ofEpochSecond(0, startNs).truncatedTo(ChronoUnit.MILLIS));
            List<Future<byte[]>> results = new ArrayList<>();
            for (Coordinator.Participant p : ready) {
                results.add(pool.submit(() -> {
                    p.go(startNs);
                    return p.awaitResult(resultLimit);
                }));
            }
            for (int i = 0; i < ready.size(); i++) {
                try {
                    documents.put(ready.get(i).name(), results.get(i).get());
                } catch (java.util.concurrent.ExecutionException e) {
                    failures.put(ready.get(i).name(), message(e.getCause()));
                }
            }
        } finally {
            pool.shutdownNow();
        }
        List<Measurement> out = new ArrayList<>();
        for (Requirement r : group) {
            out.addAll(merge(spec, r, joined, documents, failures, missing, perNode, err));
        }
        return out;
    }

    /** The merged measurements of {@code r} from what the participants sent. */
    private static List<Measurement> merge(
            Spec spec,
            Requirement r,
            List<Coordinator.Participant> joined,
            Map<String, byte[]> documents,
            Map<String, String> failures,
            List<String> missing,
            Map<String, List<Measurement>> perNode,
            PrintStream err) {
        List<Coordinated.NodeRun> runs = new ArrayList<>();
        for (Coordinator.Participant p : joined) {
            List<Measurement> ms = List.of();
            String failure = failures.get(p.name());
            if (documents.containsKey(p.name())) {
                try {
                    Result res = ResultCodec.fromJson(documents.get(p.name()), "participant " + p.name() + "'s result");
                    if (!res.specSha256().equals(spec.sha256())) {
                        failure = "participant " + p.name() + " ran another spec (sha256 " + res.specSha256() + ")";
                    } else {
                        ms = res.measurements().stream()
                                .filter(m -> m.id().equals(r.id()))
                                .toList();
                    }
                } catch (ResultFormatException e) {
                    failure = "participant " + p.name() + " sent a result that does not read: " + e.getMessage();
                }
            } else if (failure == null) {
                failure = "participant " + p.name() + " failed earlier in the run";
            }
            perNode.computeIfAbsent(p.name(), k -> new ArrayList<>()).addAll(ms);
            if (failure != null) {
                log(err, "'" + r.id() + "': " + failure);
            }
            runs.add(new Coordinated.NodeRun(p.name(), p.clockOffsetNs(), p.clockUncertaintyNs(), ms, failure));
        }
        Map<String, String> metrics = new LinkedHashMap<>();
        for (Expectation e : r.expectations()) {
            metrics.put(e.metric().id(), e.metric().dimension().canonicalUnit());
        }
        List<Measurement> merged = Coordinated.merge(r.id(), r.probe().id(), metrics, runs, missing);
        if (!Coordination.PAIRED.contains(r.probe())) {
            return merged;
        }
        // The aggregate says who measured against whom.
        List<Measurement> out = new ArrayList<>();
        for (Measurement m : merged) {
            if (Coordinated.AGGREGATE.equals(m.context().get(Coordinated.SCOPE))) {
                Map<String, String> ctx = new LinkedHashMap<>(m.context());
                ctx.put(PATTERN, r.coordinated().orElseThrow().pattern().id());
                r.coordinated().orElseThrow().concurrentWith().ifPresent(w -> ctx.put(CONCURRENT_WITH, w));
                m = m.withContext(ctx);
            }
            out.add(m);
        }
        return out;
    }

    /** Context keys of a coordinated interconnect aggregate: its partner pattern, what ran at the same instant. */
    static final String PATTERN = "pattern";

    static final String CONCURRENT_WITH = "concurrentWith";

    /**
     * The partners of participant {@code p} for each requirement of {@code group}: by the
     * requirement's pattern, among the participants still in the run ({@code alive}, in the
     * coordinator's order); none for fs probes, or for a participant no longer in the run.
     */
    static List<List<PartnerInfo>> partners(
            List<Requirement> group, Coordinator.Participant p, List<Coordinator.Participant> alive) {
        List<List<PartnerInfo>> out = new ArrayList<>();
        int index = alive.indexOf(p);
        for (Requirement r : group) {
            List<PartnerInfo> mine = new ArrayList<>();
            if (index >= 0 && Coordination.PAIRED.contains(r.probe())) {
                for (int k : r.coordinated().orElseThrow().pattern().partners(index, alive.size())) {
                    Coordinator.Participant q = alive.get(k);
                    mine.add(new PartnerInfo(q.name(), q.peerAddress().orElse(null)));
                }
            }
            out.add(mine);
        }
        return out;
    }

    /** A partner as the assignment names it: its name and {@code host:port}, null when it serves none. */
    record PartnerInfo(String name, String address) {}

    /**
     * What participant {@code index} of {@code count} needs to run {@code r}: the spec as the
     * coordinator has it, the requirement, overrides, and its place: {@code participant} {index,
     * count} and {@code sharedId}, the name of the directory the nodes share in a shared layout
     * (the same for all of them, new for each requirement). A participant of a release before
     * shared layouts ignores the place, and cannot load a spec that needs it.
     */
    static byte[] assignment(String specText, Requirement r, int index, int count, String sharedId) {
        return assignment(specText, List.of(r), index, count, sharedId, List.of(List.of()));
    }

    /**
     * The assignment of a group of requirements run from one start: as above, with
     * {@code requirement} the first, and {@code requirements} every one with its overrides and
     * {@code partners} ({@code [{"name", "host", "port"}]}, for net probes; protocol 4).
     */
    static byte[] assignment(
            String specText,
            List<Requirement> group,
            int index,
            int count,
            String sharedId,
            List<List<PartnerInfo>> partners) {
        Requirement r = group.get(0);
        ObjectNode n = new ObjectMapper().createObjectNode();
        n.put("format", ASSIGNMENT_FORMAT);
        n.put("spec", specText);
        n.put("requirement", r.id());
        n.put("budgetNs", r.budget().toNanos());
        n.put("confidence", r.confidence());
        ObjectNode p = n.putObject("participant");
        p.put("index", index);
        p.put("count", count);
        n.put("sharedId", sharedId);
        com.fasterxml.jackson.databind.node.ArrayNode all = n.putArray("requirements");
        for (int i = 0; i < group.size(); i++) {
            Requirement x = group.get(i);
            ObjectNode g = all.addObject();
            g.put("id", x.id());
            g.put("budgetNs", x.budget().toNanos());
            g.put("confidence", x.confidence());
            com.fasterxml.jackson.databind.node.ArrayNode ps = g.putArray("partners");
            for (PartnerInfo q : partners.get(i)) {
                if (q.address() == null) {
                    continue; // it serves no partners; this node's probe says it was assigned none
                }
                int colon = q.address().lastIndexOf(':');
                String host = q.address().substring(0, colon);
                if (host.startsWith("[")) {
                    host = host.substring(1, host.length() - 1);
                }
                ps.addObject()
                        .put("name", q.name())
                        .put("host", host)
                        .put("port", Integer.parseInt(q.address().substring(colon + 1)));
            }
        }
        return n.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static String message(Throwable t) {
        return t instanceof ProbeException ? t.getMessage() : String.valueOf(t);
    }

    private static List<String> participants(CommandLine line) throws UsageException {
        if (!line.hasOption("participants")) {
            return List.of();
        }
        if (line.hasOption("nodes")) {
            throw new UsageException("give --participants or --nodes, not both (--participants already says how many)");
        }
        LinkedHashSet<String> names = new LinkedHashSet<>();
        for (String n : line.getOptionValue("participants").split(",")) {
            String t = n.trim();
            if (!t.matches("[A-Za-z0-9][A-Za-z0-9._:-]{0,254}")) {
                throw new UsageException(
                        "--participants: '" + t + "' is not a participant name (letters, digits, '.', '_',"
                                + " ':' and '-', starting with a letter or digit)");
            }
            if (!names.add(t)) {
                throw new UsageException("--participants names '" + t + "' twice");
            }
        }
        return List.copyOf(names);
    }

    private static int nodes(CommandLine line) throws UsageException {
        if (!line.hasOption("nodes")) {
            throw new UsageException(
                    "coordinate needs --participants NAME,... or --nodes N", "see 'iocert coordinate --help'");
        }
        String t = line.getOptionValue("nodes");
        try {
            int n = Integer.parseInt(t.trim());
            if (n >= 1 && n <= ServerLimits.MAX_SESSIONS_LIMIT - 8) {
                return n;
            }
        } catch (NumberFormatException e) {
            // the message below
        }
        throw new UsageException(
                "--nodes '" + t + "' must be a whole number from 1 to " + (ServerLimits.MAX_SESSIONS_LIMIT - 8));
    }

    private static InetSocketAddress bind(CommandLine line) throws UsageException {
        String text = line.getOptionValue("bind", ServeCommand.DEFAULT_BIND);
        try {
            return new InetSocketAddress(
                    InetAddress.getByName(text),
                    ServeCommand.port(
                            "--port", line.getOptionValue("port", Integer.toString(ServeCommand.DEFAULT_PORT))));
        } catch (UnknownHostException e) {
            throw new UsageException("--bind '" + text + "' is not an address of this node");
        }
    }

    private static void log(PrintStream s, String line) {
        s.println("iocert coordinate " + Instant.now().truncatedTo(ChronoUnit.MILLIS) + " " + line);
        s.flush();
    }
}
