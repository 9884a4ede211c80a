package io.iocert.cli;

import static io.iocert.cli.Commands.opt;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.iocert.probes.Partner;
import io.iocert.probes.PeerAddress;
import io.iocert.probes.Placement;
import io.iocert.probes.ProbeException;
import io.iocert.probes.net.JoinClient;
import io.iocert.results.Measurement;
import io.iocert.results.Result;
import io.iocert.results.ResultCodec;
import io.iocert.runner.ProbeRunner;
import io.iocert.runner.RunConfig;
import io.iocert.spec.Requirement;
import io.iocert.spec.Spec;
import io.iocert.spec.SpecException;
import io.iocert.spec.SpecLoader;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Options;

/**
 * {@code iocert join}: a participant of a coordinated run. Connects to {@code iocert coordinate}
 * (proving the token, and making the coordinator prove it), then runs each requirement it is
 * assigned in its fs-path, waiting prepared at the start barrier until the common start, and
 * sends its result back. Ends when the coordinator says the run is over.
 */
final class JoinCommand implements Command {
    static final Duration DEFAULT_WAIT = Duration.ofMinutes(15);

    @Override
    public String name() {
        return "join";
    }

    @Override
    public String synopsis() {
        return "--coordinator HOST:PORT [--token-file FILE] [--name NAME] [--listen HOST[:PORT]] [--fs-path DIR]"
                + " [--max-bytes SIZE] [--wait D]";
    }

    @Override
    public String summary() {
        return "take part in a coordinated run ('iocert coordinate'): probe this node when it says, send it the result";
    }

    @Override
    public String exitCodes() {
        return "Exit codes: 0 the coordinator ended the run, 2 usage or bad input (this node cannot run what it was"
                + " assigned), 4 error (the coordinator could not be reached or was lost). The verdicts are the"
                + " coordinator's.";
    }

    @Override
    public Options options() {
        return new Options()
                .addOption(opt("coordinator", "HOST:PORT", "where 'iocert coordinate' listens"))
                .addOption(opt(
                        "token-file", "FILE", "the token shared with the coordinator (it never crosses the network)"))
                .addOption(opt(
                        "name",
                        "NAME",
                        "this participant's name, as the coordinator's --participants lists it"
                                + " (default: the host name up to its first dot)"))
                .addOption(opt(
                        "listen",
                        "HOST[:PORT]",
                        "where to serve the partners of the interconnect probes (net.pingpong,"
                                + " net.stream), with the run's token; give the address on the fabric to be measured (default: the"
                                + " address this node reaches the coordinator from, any free port)"))
                .addOption(
                        opt(
                                "fs-path",
                                "DIR",
                                "directory the filesystem probes work in (default: the spec's"
                                        + " filesystem.path, else the current directory); they write only inside their own .iocert-<run-id>/"))
                .addOption(opt("max-bytes", "SIZE", "most data a probe may place on the filesystem (e.g. 2GiB)"))
                .addOption(opt(
                        "wait",
                        "DURATION",
                        "longest wait for the coordinator: to listen (connecting is retried meanwhile) and between messages (default "
                                + DEFAULT_WAIT.toMinutes() + "min)"));
    }

    @Override
    public int run(CommandLine line, PrintStream out, PrintStream err) throws Exception {
        ProbeCommand.rejectArguments(line, name());
        if (!line.hasOption("coordinator")) {
            throw new UsageException("join needs --coordinator HOST:PORT", "the address 'iocert coordinate' printed");
        }
        PeerAddress address = PeerChoice.address(
                "--coordinator",
                line.getOptionValue("coordinator"),
                line.hasOption("token-file")
                        ? Optional.of(ServeCommand.token(line.getOptionValue("token-file")))
                        : Optional.empty());
        String name = line.hasOption("name") ? line.getOptionValue("name") : hostName();
        if (!name.matches("[A-Za-z0-9][A-Za-z0-9._:-]{0,254}")) {
            throw new UsageException(
                    "--name '" + name + "' is not a participant name (letters, digits, '.', '_', ':' and"
                            + " '-', starting with a letter or digit)");
        }
        Duration wait = line.hasOption("wait") ? Inputs.duration("--wait", line.getOptionValue("wait")) : DEFAULT_WAIT;
        RunConfig.Overrides overrides = Inputs.overrides(line);
        JoinClient.PartnerListener listener = listener(line, address.token().isPresent(), err);
        int requirements = 0;
        try (JoinClient client = connect(address, name, wait, listener)) {
            log(
                    err,
                    "joined " + line.getOptionValue("coordinator") + " as " + name
                            + client.partnerAddress()
                                    .map(a -> "; serving partners on " + a.getHostString() + ":" + a.getPort())
                                    .orElse(""));
            Optional<byte[]> next;
            while ((next = client.nextAssignment(wait)).isPresent()) {
                Assignment a;
                RunConfig config;
                Path fsPath;
                try {
                    a = Assignment.parse(next.get(), address.token());
                    // One round: every node of a coordinated run probes for the same time.
                    config = RunConfig.of(a.spec(), overrides, RunConfig.Plan.ONE_ROUND);
                    fsPath = Inputs.fsPath(config);
                } catch (ProbeException | UsageException e) {
                    // Tell the coordinator why, so its ERROR names this node and the reason.
                    client.giveUp(name + " cannot run the assignment: " + e.getMessage());
                    throw e;
                }
                log(
                        err,
                        "running "
                                + String.join(
                                        " and ",
                                        a.requirements().stream()
                                                .map(x -> "'" + x.requirement().id() + "'")
                                                .toList())
                                + " in " + fsPath);
                Result result = runAll(a, config, () -> client.armedThenAwaitStart(wait), err);
                for (Measurement m : result.measurements()) {
                    if (m.error() != null) {
                        err.println(Main.shown("iocert: " + m.id() + " " + m.metric() + ": " + m.error()));
                    }
                }
                client.sendResult(ResultCodec.toJson(result));
                requirements++;
            }
        } catch (ProbeException e) {
            throw new RunFailedException(e.getMessage(), e);
        }
        log(err, "the coordinator ended the run after " + requirements + " requirements");
        return Main.OK;
    }

    /**
     * Runs the requirements of one assignment, each in its own thread with its own runner when
     * there are several (run at one instant, {@code concurrentWith}), all of them waiting at one
     * barrier, so the coordinator hears ready once and starts them together; one result holds
     * every measurement.
     */
    private static Result runAll(Assignment a, RunConfig config, io.iocert.probes.StartBarrier start, PrintStream err)
            throws Exception {
        String runId = ProbeCommand.runId();
        if (a.requirements().size() == 1) {
            Assignment.Part p = a.requirements().get(0);
            return new ProbeRunner(config, runId, TerminalProgress.forConsole(err))
                    .runCoordinated(p.requirement(), start, a.placement(), p.partners());
        }
        GroupBarrier barrier = new GroupBarrier(a.requirements().size(), start);
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(
                a.requirements().size());
        try {
            List<java.util.concurrent.Future<Result>> futures = new ArrayList<>();
            for (int i = 0; i < a.requirements().size(); i++) {
                Assignment.Part p = a.requirements().get(i);
                // One progress line is enough; the others run quietly.
                TerminalProgress progress =
                        i == 0 ? TerminalProgress.forConsole(err) : new TerminalProgress(err, false);
                ProbeRunner runner = new ProbeRunner(config, runId + "-" + i, progress);
                futures.add(pool.submit(() -> {
                    try {
                        return runner.runCoordinated(p.requirement(), barrier.member(), a.placement(), p.partners());
                    } finally {
                        barrier.leave();
                    }
                }));
            }
            List<Measurement> all = new ArrayList<>();
            Result first = null;
            for (java.util.concurrent.Future<Result> f : futures) {
                Result r;
                try {
                    r = f.get();
                } catch (java.util.concurrent.ExecutionException e) {
                    throw e.getCause() instanceof Exception x ? x : new IllegalStateException(e.getCause());
                }
                first = first == null ? r : first;
                all.addAll(r.measurements());
            }
            return new Result(
                    first.format(),
                    first.toolVersion(),
                    first.node(),
                    first.specName(),
                    first.specSha256(),
                    first.startedAt(),
                    Instant.now(),
                    all);
        } finally {
            pool.shutdownNow();
        }
    }

    /** The partner listener: {@code --listen HOST[:PORT]}, else the address towards the coordinator, any port. */
    private static JoinClient.PartnerListener listener(CommandLine line, boolean token, PrintStream err)
            throws UsageException {
        java.util.function.Consumer<String> log = s -> log(err, "partners: " + s);
        if (!line.hasOption("listen")) {
            return new JoinClient.PartnerListener(Optional.empty(), 0, log);
        }
        String text = line.getOptionValue("listen");
        String host = text;
        int port = 0;
        int colon = text.lastIndexOf(':');
        if (text.startsWith("[")) {
            int close = text.indexOf(']');
            if (close < 0) {
                throw new UsageException("--listen '" + text + "': an IPv6 address in brackets lacks its ']'");
            }
            host = text.substring(1, close);
            if (close + 1 < text.length()) {
                if (text.charAt(close + 1) != ':') {
                    throw new UsageException("--listen '" + text + "' is not HOST[:PORT]");
                }
                port = ServeCommand.port("the port of --listen " + text + ":", text.substring(close + 2));
            }
        } else if (colon >= 0) {
            if (text.indexOf(':') != colon) {
                throw new UsageException(
                        "--listen '" + text + "': write an IPv6 address in brackets, such as [fe80::1]:7880");
            }
            host = text.substring(0, colon);
            port = ServeCommand.port("the port of --listen " + text + ":", text.substring(colon + 1));
        }
        InetAddress bind;
        try {
            bind = InetAddress.getByName(host);
        } catch (java.net.UnknownHostException e) {
            throw new UsageException("--listen '" + text + "': '" + host + "' is not an address of this node");
        }
        if (!token && !bind.isLoopbackAddress()) {
            throw new UsageException(
                    "--listen " + text + " is not a loopback address, and partners on other nodes need the"
                            + " run's token: pass --token-file FILE");
        }
        return new JoinClient.PartnerListener(Optional.of(bind), port, log);
    }

    /**
     * Joins, retrying while nothing listens yet (participants started by srun are often up
     * before the coordinator), for at most {@code wait}; any other failure ends at once. Serves
     * partners as {@code listener} says (null: none); a listener address that cannot be bound
     * is bad input.
     */
    static JoinClient connect(PeerAddress address, String name, Duration wait, JoinClient.PartnerListener listener)
            throws ProbeException, InterruptedException, UsageException {
        long deadline = System.nanoTime() + wait.toNanos();
        while (true) {
            try {
                return JoinClient.join(address, name, Duration.ofSeconds(10), Optional.ofNullable(listener));
            } catch (ProbeException e) {
                if (e.getCause() instanceof java.net.BindException) {
                    throw new UsageException(e.getMessage(), "choose another --listen address or port");
                }
                boolean notYet = e.getMessage() != null && e.getMessage().contains("Connection refused");
                if (!notYet || System.nanoTime() - deadline > 0) {
                    throw e;
                }
                Thread.sleep(500);
            }
        }
    }

    private static String hostName() {
        try {
            String h = InetAddress.getLocalHost().getHostName();
            int dot = h.indexOf('.');
            return dot > 0 ? h.substring(0, dot) : h;
        } catch (IOException e) {
            return "localhost";
        }
    }

    private static void log(PrintStream s, String line) {
        s.println("iocert join " + Instant.now().truncatedTo(ChronoUnit.MILLIS) + " " + line);
        s.flush();
    }

    /**
     * What the coordinator sends per requirement, or per group of requirements run at one
     * instant ({@link CoordinateCommand#assignment}): each with the partners it measures against
     * (net probes). The placement is empty from a coordinator that does not send one (before
     * shared layouts), which can only have assigned a requirement with each node's own files.
     */
    record Assignment(Spec spec, List<Part> requirements, Optional<Placement> placement) {
        /** One requirement and its partners. */
        record Part(Requirement requirement, List<Partner> partners) {}

        /** The first requirement (of a group, the one the group is named after). */
        Requirement requirement() {
            return requirements.get(0).requirement();
        }

        static Assignment parse(byte[] bytes) throws ProbeException {
            return parse(bytes, Optional.empty());
        }

        /** @param token the run's token, which the partners' listeners require */
        static Assignment parse(byte[] bytes, Optional<io.iocert.probes.net.Token> token) throws ProbeException {
            try {
                JsonNode n = new ObjectMapper().readTree(bytes);
                if (!CoordinateCommand.ASSIGNMENT_FORMAT.equals(n.path("format").asText())) {
                    throw new ProbeException("the coordinator sent an assignment of format '"
                            + n.path("format").asText() + "', expected " + CoordinateCommand.ASSIGNMENT_FORMAT
                            + "; run the same iocert release on all nodes");
                }
                Spec spec = SpecLoader.parse(n.path("spec").asText(), "the coordinator's spec");
                double confidence = n.path("confidence").asDouble(-1);
                long budgetNs = n.path("budgetNs").asLong(-1);
                List<Part> parts = new ArrayList<>();
                JsonNode group = n.get("requirements");
                if (group == null) {
                    parts.add(new Part(
                            requirement(spec, n.path("requirement").asText(), confidence, budgetNs), List.of()));
                } else {
                    for (JsonNode g : group) {
                        Requirement r = requirement(
                                spec,
                                g.path("id").asText(),
                                g.path("confidence").asDouble(confidence),
                                g.path("budgetNs").asLong(budgetNs));
                        parts.add(new Part(r, partners(g.path("partners"), token)));
                    }
                }
                if (parts.isEmpty()) {
                    throw new ProbeException("the coordinator's assignment names no requirement");
                }
                return new Assignment(spec, parts, placement(n));
            } catch (IOException e) {
                throw new ProbeException("the coordinator's assignment is not JSON: " + e.getMessage(), e);
            } catch (SpecException e) {
                throw new ProbeException("the coordinator's spec does not load here: " + e.getMessage(), e);
            }
        }

        private static Requirement requirement(Spec spec, String id, double confidence, long budgetNs)
                throws ProbeException {
            Requirement r = spec.requirement(id)
                    .orElseThrow(() -> new ProbeException(
                            "the coordinator assigned requirement '" + id + "', which its spec does not have"));
            return r.with(
                    confidence > 0 && confidence < 1 ? confidence : r.confidence(),
                    budgetNs > 0 ? Duration.ofNanos(budgetNs) : r.budget());
        }

        /** {@code [{"name": N, "host": H, "port": P}, ...]}. */
        private static List<Partner> partners(JsonNode list, Optional<io.iocert.probes.net.Token> token)
                throws ProbeException {
            List<Partner> out = new ArrayList<>();
            if (list.isMissingNode() || list.isNull()) {
                return out;
            }
            for (JsonNode p : list) {
                if (!p.path("name").isTextual()
                        || !p.path("host").isTextual()
                        || !p.path("port").canConvertToInt()
                        || p.path("port").intValue() < 1
                        || p.path("port").intValue() > 65535) {
                    throw new ProbeException("the coordinator's assignment has a partner " + p
                            + ", expected {\"name\": N," + " \"host\": H, \"port\": 1 to 65535}");
                }
                out.add(new Partner(
                        p.get("name").textValue(),
                        new PeerAddress(p.get("host").textValue(), p.get("port").intValue(), token, false)));
            }
            return out;
        }

        /** {@code "participant": {"index": i, "count": n}, "sharedId": "..."}, when the coordinator sent them. */
        static Optional<Placement> placement(JsonNode n) throws ProbeException {
            JsonNode p = n.get("participant");
            if (p == null) {
                return Optional.empty();
            }
            if (!p.path("index").canConvertToInt()
                    || !p.path("count").canConvertToInt()
                    || !n.path("sharedId").isTextual()) {
                throw new ProbeException("the coordinator's assignment has a participant " + p + " and sharedId "
                        + n.get("sharedId") + ", expected {\"index\": I, \"count\": N} and a text");
            }
            try {
                return Optional.of(new Placement(
                        p.get("index").intValue(),
                        p.get("count").intValue(),
                        n.get("sharedId").textValue()));
            } catch (IllegalArgumentException e) {
                throw new ProbeException(
                        "the coordinator's assignment does not place this participant: " + e.getMessage(), e);
            }
        }
    }
}
