package io.iocert.cli.admit;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import javax.net.ssl.SSLParameters;

/**
 * {@code iocert admit}'s HTTPS server: {@code POST /mutate} answers AdmissionReviews (see
 * {@link Admission}), {@code GET /healthz} says "ok" for the kubelet's probes. Bodies over the
 * limit get 413, non-JSON 415, malformed reviews 400 with the reason as plain text; the API
 * server then applies the webhook's failurePolicy. TLS 1.2 and 1.3 only.
 */
public final class AdmitServer implements AutoCloseable {
    public static final String MUTATE_PATH = "/mutate";
    public static final String HEALTH_PATH = "/healthz";

    /** How much the server accepts and for how long; defaults in {@link #DEFAULTS}. */
    public record Limits(long maxBodyBytes, Duration requestTimeout, int threads) {
        public static final long MAX_BODY_LIMIT = 64L << 20;
        public static final int MAX_THREADS = 64;
    }

    /** 4 MiB bodies (the API server sends at most its 3 MiB request limit plus the review's own fields), 10 s, 4 threads. */
    public static final Limits DEFAULTS = new Limits(4L << 20, Duration.ofSeconds(10), 4);

    /** The webhook's configuration: where it listens, its TLS files, what it knows. */
    public record Config(
            InetSocketAddress address,
            Path tlsCert,
            Path tlsKey,
            Optional<Path> specs,
            Optional<Path> images,
            Limits limits) {}

    private final HttpsServer server;
    private final ExecutorService executor;
    private final CountDownLatch closed = new CountDownLatch(1);
    private final String summary;

    private AdmitServer(HttpsServer server, ExecutorService executor, String summary) {
        this.server = server;
        this.executor = executor;
        this.summary = summary;
    }

    /**
     * Loads the TLS files and the specs, checks the image store, and starts serving. Everything
     * that can be wrong with the configuration is an {@link AdmitSetupException} before the port opens.
     */
    public static AdmitServer start(Config config, Consumer<String> log)
            throws AdmitSetupException, IOException, io.iocert.spec.SpecException {
        PemTls.Loaded tls = PemTls.load(config.tlsCert(), config.tlsKey(), log);
        SpecCatalog specs =
                config.specs().isPresent() ? SpecCatalog.load(config.specs().get()) : SpecCatalog.empty();
        Optional<ImageStore> images = Optional.empty();
        if (config.images().isPresent()) {
            Path dir = config.images().get();
            if (!java.nio.file.Files.isDirectory(dir)) {
                throw new AdmitSetupException("--images " + dir
                        + (java.nio.file.Files.exists(dir) ? " is not a directory" : " does not exist")
                        + "; expected a directory of OCI image layouts,"
                        + " one per repository at DIR/REGISTRY/PATH");
            }
            images = Optional.of(new ImageStore(dir));
        }
        Admission admission = new Admission(specs, images);
        Limits limits = config.limits();
        // The JDK server reads its timeouts from these properties once, when it is first used.
        long seconds = Math.max(1, limits.requestTimeout().toSeconds());
        System.setProperty("sun.net.httpserver.maxReqTime", Long.toString(seconds));
        System.setProperty("sun.net.httpserver.maxRspTime", Long.toString(seconds));
        System.setProperty("sun.net.httpserver.idleInterval", "60");
        HttpsServer server = HttpsServer.create(config.address(), 64);
        server.setHttpsConfigurator(new HttpsConfigurator(tls.context()) {
            @Override
            public void configure(HttpsParameters params) {
                SSLParameters p = tls.context().getDefaultSSLParameters();
                p.setProtocols(new String[] {"TLSv1.3", "TLSv1.2"});
                p.setNeedClientAuth(false);
                params.setSSLParameters(p);
            }
        });
        AtomicInteger n = new AtomicInteger();
        ExecutorService executor = Executors.newFixedThreadPool(limits.threads(), r -> {
            Thread t = new Thread(r, "iocert-admit-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.createContext(MUTATE_PATH, ex -> mutate(ex, admission, limits, log));
        server.createContext(HEALTH_PATH, ex -> {
            try (ex) {
                reply(ex, "GET".equals(ex.getRequestMethod()) ? 200 : 405, "text/plain", "ok\n");
            }
        });
        server.createContext("/", ex -> {
            try (ex) {
                reply(
                        ex,
                        404,
                        "text/plain",
                        "iocert admit serves POST " + MUTATE_PATH + " and GET " + HEALTH_PATH + "\n");
            }
        });
        server.start();
        String summary = "specs: "
                + (config.specs().isPresent()
                        ? specs.size() + " from " + config.specs().get()
                        : "none") + "; images: "
                + config.images().map(Path::toString).orElse("none") + "; certificate: "
                + tls.certificate().getSubjectX500Principal().getName() + ", valid until "
                + tls.certificate().getNotAfter().toInstant();
        if (tls.certificate().getNotAfter().toInstant().isBefore(Instant.now())) {
            log.accept("warning: the TLS certificate in " + config.tlsCert() + " expired at "
                    + tls.certificate().getNotAfter().toInstant() + "; the API server will refuse it");
        }
        return new AdmitServer(server, executor, summary);
    }

    public InetSocketAddress address() {
        return server.getAddress();
    }

    /** What the server knows, for its start-up line. */
    public String summary() {
        return summary;
    }

    public void awaitClosed() throws InterruptedException {
        closed.await();
    }

    @Override
    public void close() {
        server.stop(1);
        executor.shutdownNow();
        closed.countDown();
    }

    private static void mutate(HttpExchange ex, Admission admission, Limits limits, Consumer<String> log) {
        try (ex) {
            if (!"POST".equals(ex.getRequestMethod())) {
                reply(ex, 405, "text/plain", "POST an AdmissionReview to " + MUTATE_PATH + "\n");
                return;
            }
            String type = ex.getRequestHeaders().getFirst("Content-Type");
            if (type == null || !type.toLowerCase(Locale.ROOT).startsWith("application/json")) {
                reply(
                        ex,
                        415,
                        "text/plain",
                        "Content-Type is " + (type == null ? "missing" : "'" + type + "'")
                                + "; expected application/json (an AdmissionReview)\n");
                return;
            }
            byte[] body = body(ex, limits.maxBodyBytes());
            if (body == null) {
                log.accept("refused a request from " + ex.getRemoteAddress() + ": body over " + limits.maxBodyBytes()
                        + " bytes");
                ex.getResponseHeaders().set("Connection", "close");
                reply(
                        ex,
                        413,
                        "text/plain",
                        "the request body is over " + limits.maxBodyBytes() + " bytes, this"
                                + " webhook's limit (--max-body)\n");
                return;
            }
            Admission.Outcome o;
            try {
                o = admission.review(body);
            } catch (Admission.MalformedReview e) {
                log.accept("bad request from " + ex.getRemoteAddress() + ": " + e.getMessage());
                reply(ex, 400, "text/plain", "iocert admit: " + e.getMessage() + "\n");
                return;
            }
            log.accept(o.log());
            ex.getResponseHeaders().set("Content-Type", "application/json");
            ex.sendResponseHeaders(200, o.body().length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(o.body());
            }
        } catch (IOException e) {
            log.accept(
                    "request from " + ex.getRemoteAddress() + " failed: "
                            + (e.getMessage() != null
                                    ? e.getMessage()
                                    : "the connection closed before the request was read, by the client or after --request-timeout"));
        } catch (RuntimeException e) {
            log.accept("internal error answering " + ex.getRemoteAddress() + ": " + e);
            try {
                reply(ex, 500, "text/plain", "iocert admit: internal error\n");
            } catch (IOException | RuntimeException ignored) {
                // the exchange is closed below; the API server applies its failurePolicy
            }
        }
    }

    /**
     * The body, or null when it is longer than {@code max}. An oversized body is read on and
     * discarded (up to {@link Limits#MAX_BODY_LIMIT}, within the request timeout) so the client
     * gets the 413 instead of a connection reset; it is never held in memory.
     */
    private static byte[] body(HttpExchange ex, long max) throws IOException {
        try (InputStream in = ex.getRequestBody()) {
            byte[] read = in.readNBytes((int) max + 1);
            if (read.length <= max) {
                return read;
            }
            long skipped = 0;
            byte[] sink = new byte[64 * 1024];
            for (int n; skipped < Limits.MAX_BODY_LIMIT && (n = in.read(sink)) > 0; ) {
                skipped += n;
            }
            return null;
        }
    }

    private static void reply(HttpExchange ex, int status, String type, String text) throws IOException {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", type + "; charset=utf-8");
        ex.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    /** A log line as the command prints it. */
    public static String stamp(String line) {
        return "iocert admit " + Instant.now().truncatedTo(ChronoUnit.MILLIS) + " " + line;
    }
}
