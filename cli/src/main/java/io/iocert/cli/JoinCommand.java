package io.iocert.cli;

import static io.iocert.cli.Commands.opt;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.iocert.probes.PeerAddress;
import io.iocert.probes.Placement;
import io.iocert.probes.ProbeException;
import io.iocert.probes.net.JoinClient;
import io.iocert.results.Measurement;
import io.iocert.results.Result;
import io.iocert.results.ResultCodec;
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
import java.util.Optional;
import java.util.OptionalLong;
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
        return "--coordinator HOST:PORT [--token-file FILE] [--name NAME] [--fs-path DIR] [--max-bytes SIZE] [--wait D]";
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
                .addOption(opt("token-file", "FILE", "the token shared with the coordinator (it never crosses the network)"))
                .addOption(opt("name", "NAME", "this participant's name, as the coordinator's --participants lists it"
                        + " (default: the host name up to its first dot)"))
                .addOption(opt("fs-path", "DIR", "directory the filesystem probes work in (default: the spec's"
                        + " filesystem.path, else the current directory); they write only inside their own .iocert-<run-id>/"))
                .addOption(opt("max-bytes", "SIZE", "most data a probe may place on the filesystem (e.g. 2GiB)"))
                .addOption(opt("wait", "DURATION", "longest wait for the coordinator: to listen (connecting is retried meanwhile) and between messages (default "
                        + DEFAULT_WAIT.toMinutes() + "min)"));
    }

    @Override
    public int run(CommandLine line, PrintStream out, PrintStream err) throws Exception {
        ProbeCommand.rejectArguments(line, name());
        if (!line.hasOption("coordinator")) {
            throw new UsageException("join needs --coordinator HOST:PORT", "the address 'iocert coordinate' printed");
        }
        PeerAddress address = PeerChoice.address("--coordinator", line.getOptionValue("coordinator"),
                line.hasOption("token-file") ? Optional.of(ServeCommand.token(line.getOptionValue("token-file")))
                        : Optional.empty());
        String name = line.hasOption("name") ? line.getOptionValue("name") : hostName();
        if (!name.matches("[A-Za-z0-9][A-Za-z0-9._:-]{0,254}")) {
            throw new UsageException("--name '" + name + "' is not a participant name (letters, digits, '.', '_', ':' and"
                    + " '-', starting with a letter or digit)");
        }
        Duration wait = line.hasOption("wait") ? Inputs.duration("--wait", line.getOptionValue("wait")) : DEFAULT_WAIT;
        OptionalLong maxBytes = Inputs.maxBytes(line);
        int requirements = 0;
        try (JoinClient client = connect(address, name, wait)) {
            log(err, "joined " + line.getOptionValue("coordinator") + " as " + name);
            Optional<byte[]> next;
            while ((next = client.nextAssignment(wait)).isPresent()) {
                Assignment a;
                Path fsPath;
                try {
                    a = Assignment.parse(next.get());
                    fsPath = fsPath(line, a.spec());
                } catch (ProbeException | UsageException e) {
                    // Tell the coordinator why, so its ERROR names this node and the reason.
                    client.giveUp(name + " cannot run the assignment: " + e.getMessage());
                    throw e;
                }
                log(err, "running '" + a.requirement().id() + "' in " + fsPath);
                ProbeRunner runner = new ProbeRunner(fsPath, ProbeCommand.runId(), Optional.empty(),
                        TerminalProgress.forConsole(err), maxBytes, false);
                Result result = runner.runCoordinated(a.spec(), a.requirement(),
                        () -> client.armedThenAwaitStart(wait), a.placement());
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
     * Joins, retrying while nothing listens yet (participants started by srun are often up
     * before the coordinator), for at most {@code wait}; any other failure ends at once.
     */
    static JoinClient connect(PeerAddress address, String name, Duration wait) throws ProbeException, InterruptedException {
        long deadline = System.nanoTime() + wait.toNanos();
        while (true) {
            try {
                return JoinClient.join(address, name, Duration.ofSeconds(10));
            } catch (ProbeException e) {
                boolean notYet = e.getMessage() != null && e.getMessage().contains("Connection refused");
                if (!notYet || System.nanoTime() - deadline > 0) {
                    throw e;
                }
                Thread.sleep(500);
            }
        }
    }

    /** The fs-path: --fs-path, else the spec's filesystem.path, else the current directory (checked). */
    private static Path fsPath(CommandLine line, Spec spec) throws UsageException {
        return ProbeCommand.fsPath(line, spec);
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
     * What the coordinator sends per requirement ({@link CoordinateCommand#assignment}); the
     * placement is empty from a coordinator that does not send one (before shared layouts), which
     * can only have assigned a requirement with each node's own files.
     */
    record Assignment(Spec spec, Requirement requirement, Optional<Placement> placement) {
        static Assignment parse(byte[] bytes) throws ProbeException {
            try {
                JsonNode n = new ObjectMapper().readTree(bytes);
                if (!CoordinateCommand.ASSIGNMENT_FORMAT.equals(n.path("format").asText())) {
                    throw new ProbeException("the coordinator sent an assignment of format '" + n.path("format").asText()
                            + "', expected " + CoordinateCommand.ASSIGNMENT_FORMAT + "; run the same iocert release on all nodes");
                }
                Spec spec = SpecLoader.parse(n.path("spec").asText(), "the coordinator's spec");
                String id = n.path("requirement").asText();
                Requirement r = spec.requirement(id).orElseThrow(() -> new ProbeException(
                        "the coordinator assigned requirement '" + id + "', which its spec does not have"));
                return new Assignment(spec, r.with(n.path("confidence").asDouble(r.confidence()),
                        Duration.ofNanos(n.path("budgetNs").asLong(r.budget().toNanos()))), placement(n));
            } catch (IOException e) {
                throw new ProbeException("the coordinator's assignment is not JSON: " + e.getMessage(), e);
            } catch (SpecException e) {
                throw new ProbeException("the coordinator's spec does not load here: " + e.getMessage(), e);
            }
        }

        /** {@code "participant": {"index": i, "count": n}, "sharedId": "..."}, when the coordinator sent them. */
        static Optional<Placement> placement(JsonNode n) throws ProbeException {
            JsonNode p = n.get("participant");
            if (p == null) {
                return Optional.empty();
            }
            if (!p.path("index").canConvertToInt() || !p.path("count").canConvertToInt() || !n.path("sharedId").isTextual()) {
                throw new ProbeException("the coordinator's assignment has a participant " + p + " and sharedId "
                        + n.get("sharedId") + ", expected {\"index\": I, \"count\": N} and a text");
            }
            try {
                return Optional.of(new Placement(p.get("index").intValue(), p.get("count").intValue(),
                        n.get("sharedId").textValue()));
            } catch (IllegalArgumentException e) {
                throw new ProbeException("the coordinator's assignment does not place this participant: " + e.getMessage(), e);
            }
        }
    }
}
