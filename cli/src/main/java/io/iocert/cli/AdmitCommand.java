package io.iocert.cli;

import static io.iocert.cli.Commands.opt;

import io.iocert.cli.admit.AdmitServer;
import io.iocert.cli.admit.AdmitSetupException;
import io.iocert.spec.Dimension;
import io.iocert.spec.Quantity;
import java.io.PrintStream;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Options;

/**
 * {@code iocert admit}: a Kubernetes mutating admission webhook that places pods carrying an
 * I/O spec (in their image, or named by annotation) on nodes certified for it, through node
 * affinity on the labels {@code iocert export --to nfd} writes (docs/kubernetes.md). Runs until
 * stopped, printing one line when it listens and one per review.
 */
final class AdmitCommand implements Command {
    static final String DEFAULT_BIND = "0.0.0.0";
    static final int DEFAULT_PORT = 8443;

    @Override
    public String name() {
        return "admit";
    }

    @Override
    public String synopsis() {
        return "--tls-cert FILE --tls-key FILE [--specs DIR] [--images DIR] [--bind ADDR] [--port N] [--max-body SIZE]"
                + " [--request-timeout D] [--threads N]";
    }

    @Override
    public String summary() {
        return "Kubernetes admission webhook: place pods whose image or annotation names a spec on certified nodes";
    }

    @Override
    public String exitCodes() {
        return "Exit codes: 0 stopped cleanly, 2 usage or bad input (flags, TLS files, specs), 4 error.";
    }

    @Override
    public Options options() {
        AdmitServer.Limits d = AdmitServer.DEFAULTS;
        return new Options()
                .addOption(opt(
                        "tls-cert",
                        "FILE",
                        "the server certificate, PEM, then its chain (a TLS Secret's tls.crt)" + " (required)"))
                .addOption(opt(
                        "tls-key",
                        "FILE",
                        "its private key, PEM: PKCS#8, PKCS#1 RSA or SEC1 EC, unencrypted"
                                + " (tls.key); both files are read again when they change (required)"))
                .addOption(opt(
                        "specs",
                        "DIR",
                        "specs a pod may name in its annotation iocert.io/spec: NAME; every"
                                + " *.yaml, *.yml, *.json here, by the spec's name (read once, at start)"))
                .addOption(opt(
                        "images",
                        "DIR",
                        "the images the webhook knows: OCI layouts at DIR/REGISTRY/PATH (or"
                                + " DIR/REGISTRY/PATH.tar), tag or digest as the pod names it; a webhook cannot pull"))
                .addOption(opt("bind", "ADDR", "address to listen on (default " + DEFAULT_BIND + ")"))
                .addOption(opt(
                        "port",
                        "N",
                        "TCP port (default " + DEFAULT_PORT + "; 0 picks a free one, printed at" + " start)"))
                .addOption(opt(
                        "max-body",
                        "SIZE",
                        "largest AdmissionReview accepted; larger get HTTP 413 (default "
                                + Quantity.bytes(d.maxBodyBytes()).format() + ", at most 64 MiB)"))
                .addOption(opt(
                        "request-timeout",
                        "DURATION",
                        "most time to receive a request and to send the answer" + " (default "
                                + Quantity.nanos(d.requestTimeout().toNanos()).format() + ")"))
                .addOption(opt(
                        "threads",
                        "N",
                        "reviews answered at once (default " + d.threads() + ", at most "
                                + AdmitServer.Limits.MAX_THREADS + ")"));
    }

    @Override
    public int run(CommandLine line, PrintStream out, PrintStream err) throws Exception {
        if (!line.getArgList().isEmpty()) {
            throw new UsageException(
                    "'admit' takes no arguments, got '" + line.getArgList().get(0) + "'", "see 'iocert admit --help'");
        }
        if (!line.hasOption("tls-cert") || !line.hasOption("tls-key")) {
            throw new UsageException(
                    "'admit' needs --tls-cert FILE and --tls-key FILE: the API server calls"
                            + " webhooks over HTTPS only",
                    "see docs/kubernetes.md for a certificate from cert-manager or openssl");
        }
        if (!line.hasOption("specs") && !line.hasOption("images")) {
            throw new UsageException("'admit' needs --specs DIR, --images DIR or both: without them it knows no spec"
                    + " and would change no pod");
        }
        String bindText = line.getOptionValue("bind", DEFAULT_BIND);
        InetAddress bind;
        try {
            bind = InetAddress.getByName(bindText);
        } catch (UnknownHostException e) {
            throw new UsageException("--bind '" + bindText + "' is not an address of this node; expected an IP address"
                    + " such as 0.0.0.0");
        }
        int port = ServeCommand.port("--port", line.getOptionValue("port", Integer.toString(DEFAULT_PORT)));
        AdmitServer.Config config = new AdmitServer.Config(
                new InetSocketAddress(bind, port),
                Path.of(line.getOptionValue("tls-cert")),
                Path.of(line.getOptionValue("tls-key")),
                Optional.ofNullable(line.getOptionValue("specs")).map(Path::of),
                Optional.ofNullable(line.getOptionValue("images")).map(Path::of),
                limits(line));
        AdmitServer server;
        try {
            server = AdmitServer.start(config, s -> log(out, s));
        } catch (AdmitSetupException e) {
            throw new UsageException(e.getMessage());
        } catch (BindException e) {
            throw new UsageException(
                    "cannot listen on " + bindText + ":" + port + ": " + e.getMessage(),
                    "is another iocert admit running there? choose another --port");
        }
        Runtime.getRuntime().addShutdownHook(new Thread(server::close, "iocert-admit-shutdown"));
        InetSocketAddress a = server.address();
        AdmitServer.Limits l = config.limits();
        String host =
                a.getAddress().isAnyLocalAddress() ? bindText : a.getAddress().getHostAddress();
        log(
                out,
                "listening on https://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + a.getPort()
                        + AdmitServer.MUTATE_PATH + " (" + server.summary() + "; limits: bodies up to "
                        + Quantity.bytes(l.maxBodyBytes()).format() + ", requests "
                        + Quantity.nanos(l.requestTimeout().toNanos()).format() + ", " + l.threads() + " threads)");
        server.awaitClosed();
        return Main.OK;
    }

    private static void log(PrintStream out, String line) {
        out.println(AdmitServer.stamp(line));
        out.flush();
    }

    private static AdmitServer.Limits limits(CommandLine line) throws UsageException {
        AdmitServer.Limits d = AdmitServer.DEFAULTS;
        long body = d.maxBodyBytes();
        if (line.hasOption("max-body")) {
            String t = line.getOptionValue("max-body");
            try {
                Quantity q = Quantity.parse(t, Dimension.DATA_SIZE);
                if (q.value() < 1024 || q.value() > AdmitServer.Limits.MAX_BODY_LIMIT) {
                    throw new UsageException("--max-body '" + t + "' must be from 1 KiB to 64 MiB");
                }
                body = q.longValue();
            } catch (Quantity.UnitException e) {
                throw new UsageException("--max-body '" + t + "': " + e.getMessage());
            }
        }
        Duration timeout = line.hasOption("request-timeout")
                ? Inputs.duration("--request-timeout", line.getOptionValue("request-timeout"))
                : d.requestTimeout();
        if (timeout.compareTo(Duration.ofSeconds(1)) < 0) {
            throw new UsageException("--request-timeout '" + line.getOptionValue("request-timeout") + "' must be at"
                    + " least 1 s (the server counts whole seconds)");
        }
        int threads = d.threads();
        if (line.hasOption("threads")) {
            String t = line.getOptionValue("threads");
            try {
                threads = Integer.parseInt(t.trim());
            } catch (NumberFormatException e) {
                threads = -1;
            }
            if (threads < 1 || threads > AdmitServer.Limits.MAX_THREADS) {
                throw new UsageException(
                        "--threads '" + t + "' must be a whole number from 1 to " + AdmitServer.Limits.MAX_THREADS);
            }
        }
        return new AdmitServer.Limits(body, timeout, threads);
    }
}
