package io.iocert.cli;

import static io.iocert.cli.Commands.opt;

import io.iocert.probes.PeerAddress;
import io.iocert.probes.Placement;
import io.iocert.probes.ProbeException;
import io.iocert.probes.net.JoinClient;
import io.iocert.results.Measurement;
import io.iocert.results.Result;
import io.iocert.runner.Participation;
import io.iocert.runner.RunConfig;
import io.iocert.runner.RunListener;
import io.iocert.spec.Requirement;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Options;

/**
 * {@code iocert join}: a participant of a coordinated run. Connects to {@code iocert coordinate}
 * (proving the token, and making the coordinator prove it), then runs each requirement it is
 * assigned in its fs-path, waiting prepared at the start barrier until the common start, and
 * sends its result back. Ends when the coordinator says the run is over. The participation itself
 * is the runner's ({@link Participation}); this command parses the options, prints what it hears
 * and maps the outcome to an exit code.
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
        int requirements;
        try (JoinClient client = connect(address, name, wait, listener)) {
            log(
                    err,
                    "joined " + line.getOptionValue("coordinator") + " as " + name
                            + client.partnerAddress()
                                    .map(a -> "; serving partners on " + a.getHostString() + ":" + a.getPort())
                                    .orElse(""));
            requirements = Participation.run(
                    client,
                    address.token(),
                    new Participation.Config(name, wait, overrides, ProbeCommand::runId),
                    new Participation.Listener() {
                        @Override
                        public Path fsPath(RunConfig config) throws UsageException {
                            return Inputs.fsPath(config);
                        }

                        @Override
                        public RunListener progress(int index) {
                            // One progress line is enough; the others run quietly.
                            return index == 0 ? TerminalProgress.forConsole(err) : new TerminalProgress(err, false);
                        }

                        @Override
                        public void running(List<Requirement> assigned, Path fsPath) {
                            log(
                                    err,
                                    "running "
                                            + String.join(
                                                    " and ",
                                                    assigned.stream()
                                                            .map(r -> "'" + r.id() + "'")
                                                            .toList())
                                            + " in " + fsPath);
                        }

                        @Override
                        public void ran(Result result) {
                            for (Measurement m : result.measurements()) {
                                if (m.error() != null) {
                                    err.println(Main.shown("iocert: " + m.id() + " " + m.metric() + ": " + m.error()));
                                }
                            }
                        }
                    });
        } catch (ProbeException e) {
            throw new RunFailedException(e.getMessage(), e);
        }
        log(err, "the coordinator ended the run after " + requirements + " requirements");
        return Main.OK;
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

    /** Joins ({@link Participation#connect}); a listener address that cannot be bound is bad input. */
    private static JoinClient connect(
            PeerAddress address, String name, Duration wait, JoinClient.PartnerListener listener)
            throws ProbeException, InterruptedException, UsageException {
        try {
            return Participation.connect(address, name, wait, listener);
        } catch (ProbeException e) {
            if (e.getCause() instanceof java.net.BindException) {
                throw new UsageException(e.getMessage(), "choose another --listen address or port");
            }
            throw e;
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
     * The assignment as a participant reads it ({@link io.iocert.runner.Assignment}, beside the
     * runner's writer), kept here for the tests that pair it with {@link
     * CoordinateCommand#assignment}.
     */
    record Assignment(io.iocert.runner.Assignment parsed) {
        static Assignment parse(byte[] bytes) throws ProbeException {
            return new Assignment(io.iocert.runner.Assignment.parse(bytes));
        }

        Requirement requirement() {
            return parsed.requirement();
        }

        Optional<Placement> placement() {
            return parsed.placement();
        }
    }
}
