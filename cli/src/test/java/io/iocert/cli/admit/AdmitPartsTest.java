package io.iocert.cli.admit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The parts of iocert admit that AdmitIT does not reach through the wire: names, key forms, mounts. */
class AdmitPartsTest {
    @TempDir
    Path tmp;

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            ocean                                      | docker.io            | library/ocean        | latest |
            ocean:2.4                                  | docker.io            | library/ocean        | 2.4    |
            team/ocean:2.4                             | docker.io            | team/ocean           | 2.4    |
            docker.io/ocean                            | docker.io            | library/ocean        | latest |
            index.docker.io/team/ocean:1               | docker.io            | team/ocean           | 1      |
            registry.example.com/team/ocean:2.4        | registry.example.com | team/ocean           | 2.4    |
            localhost:5000/ocean                       | localhost:5000       | ocean                | latest |
            localhost/ocean:v1                         | localhost            | ocean                | v1     |
            Registry/ocean                             | Registry             | ocean                | latest |
            ghcr.io/a/b/c:1@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef | ghcr.io | a/b/c | | sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
            """)
    void shouldNormaliseImageReferencesAsContainerRuntimesDo(
            String text, String registry, String repository, String tag, String digest) {
        ImageName n = ImageName.parse(text).orElseThrow();
        assertEquals(registry, n.registry());
        assertEquals(repository, n.repository());
        assertEquals(Optional.ofNullable(tag), n.tag());
        assertEquals(Optional.ofNullable(digest), n.digest());
    }

    @Test
    void shouldRefuseReferencesThatCouldLeaveTheStore() {
        for (String bad : List.of(
                "../etc/passwd",
                "registry.example.com/../../x",
                "a//b",
                "UPPER/Case:1",
                "x:",
                "/abs",
                "ocean@sha256:zz",
                "")) {
            assertEquals(Optional.empty(), ImageName.parse(bad), bad);
        }
    }

    @Test
    void shouldReadSpecsFromAConfigMapMountAndSkipItsHiddenEntries() throws Exception {
        // What the kubelet makes of a ConfigMap volume: a timestamped directory, ..data linking to it,
        // and one link per key.
        Path stamp = Files.createDirectories(tmp.resolve("..2026_12_02_14_00_00.123456789"));
        Files.writeString(
                stamp.resolve("spec.yaml"),
                String.join(
                        "\n",
                        "iocert: v1",
                        "name: k8s-node-scratch",
                        "requirements:",
                        "  - id: w",
                        "    probe: fs.write",
                        "    expect: {throughput: {p10: \">= 1 MB/s\"}}",
                        ""));
        Files.createSymbolicLink(tmp.resolve("..data"), stamp.getFileName());
        Files.createSymbolicLink(tmp.resolve("spec.yaml"), Path.of("..data/spec.yaml"));
        SpecCatalog c = SpecCatalog.load(tmp);
        assertEquals(1, c.size(), "the spec once, not again through ..data");
        assertTrue(c.get("k8s-node-scratch").isPresent());
        assertEquals("k8s-node-scratch (from " + tmp + ")", c.known());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            EC P-256 as SEC1 (cert-manager ECDSA)  | openssl ecparam -name prime256v1 -genkey -noout -out tls.key       | -----BEGIN EC PRIVATE KEY-----
            EC P-384 as PKCS#8                     | openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-384 -out tls.key | -----BEGIN PRIVATE KEY-----
            Ed25519 as PKCS#8                      | openssl genpkey -algorithm ED25519 -out tls.key                    | -----BEGIN PRIVATE KEY-----
            RSA as PKCS#8                          | openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out tls.key | -----BEGIN PRIVATE KEY-----
            """)
    void shouldServeWithEveryKeyFormCertManagerAndOpensslWrite(String form, String keygen, String header)
            throws Exception {
        sh(keygen);
        sh("openssl req -new -x509 -key tls.key -out tls.crt -days 1 -subj /CN=iocert-admit.iocert.svc"
                + " -addext subjectAltName=DNS:localhost");
        assertTrue(Files.readString(tmp.resolve("tls.key")).startsWith(header), form);
        PemTls.Loaded tls = PemTls.load(tmp.resolve("tls.crt"), tmp.resolve("tls.key"));
        assertEquals(
                "CN=iocert-admit.iocert.svc",
                tls.certificate().getSubjectX500Principal().getName());
        try (AdmitServer server = start()) {
            HttpResponse<String> health = get(server, tmp.resolve("tls.crt"));
            assertEquals(200, health.statusCode(), form + " serves a TLS handshake");
            assertEquals(tls.certificate(), health.sslSession().orElseThrow().getPeerCertificates()[0]);
        }
    }

    @Test
    void shouldServeARenewedCertificateFromTheNextHandshakeAndKeepTheOldOneWhenTheNewDoesNotLoad() throws Exception {
        sh("openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout ca.key -out ca.crt -days 1"
                + " -subj /CN=test-ca");
        issue("first");
        List<String> log = new java.util.concurrent.CopyOnWriteArrayList<>();
        try (AdmitServer server = start(log::add)) {
            assertEquals("CN=first", served(server));
            issue("second"); // as the kubelet updates a Secret volume: both files at once
            assertEquals("CN=second", served(server), "the renewed certificate, without a restart");
            assertTrue(
                    log.stream()
                            .anyMatch(l -> l.startsWith("reloaded the TLS certificate from " + tmp.resolve("tls.crt")
                                    + ": CN=second, valid until ")),
                    log.toString());

            sh("openssl ecparam -name prime256v1 -genkey -noout -out tls.key"); // a key that is not the certificate's
            Files.setLastModifiedTime(tmp.resolve("tls.key"), java.nio.file.attribute.FileTime.fromMillis(1));
            assertEquals("CN=second", served(server), "a pair that does not load is not served");
            assertEquals("CN=second", served(server));
            assertEquals(
                    1,
                    log.stream()
                            .filter(l -> l.startsWith("warning: the changed TLS files do not load, still"
                                    + " serving the previous certificate: --tls-key "))
                            .count(),
                    "said once: " + log);
        }
    }

    private void issue(String cn) throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("new-" + cn));
        sh("openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout new-" + cn + "/tls.key -out " + cn
                + ".csr -subj /CN=" + cn);
        Files.writeString(tmp.resolve("san.ext"), "subjectAltName=DNS:localhost\n");
        sh("openssl x509 -req -in " + cn + ".csr -CA ca.crt -CAkey ca.key -CAcreateserial -out new-" + cn
                + "/tls.crt -days 1 -extfile san.ext");
        Files.move(dir.resolve("tls.key"), tmp.resolve("tls.key"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Files.move(dir.resolve("tls.crt"), tmp.resolve("tls.crt"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }

    private String served(AdmitServer server) throws Exception {
        HttpResponse<String> r = get(server, tmp.resolve("ca.crt"));
        assertEquals(200, r.statusCode());
        return ((java.security.cert.X509Certificate)
                        r.sslSession().orElseThrow().getPeerCertificates()[0])
                .getSubjectX500Principal()
                .getName();
    }

    private AdmitServer start() throws Exception {
        return start(line -> {});
    }

    private AdmitServer start(java.util.function.Consumer<String> log) throws Exception {
        Path images = Files.createDirectories(tmp.resolve("images"));
        return AdmitServer.start(
                new AdmitServer.Config(
                        new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                        tmp.resolve("tls.crt"),
                        tmp.resolve("tls.key"),
                        Optional.empty(),
                        Optional.of(images),
                        AdmitServer.DEFAULTS),
                log);
    }

    /** GET /healthz on a new connection (a new handshake), trusting {@code trusted}. */
    private static HttpResponse<String> get(AdmitServer server, Path trusted) throws Exception {
        KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
        trust.load(null, null);
        try (InputStream in = Files.newInputStream(trusted)) {
            trust.setCertificateEntry(
                    "trusted", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, tmf.getTrustManagers(), null);
        HttpClient client = HttpClient.newBuilder().sslContext(context).build();
        return client.send(
                HttpRequest.newBuilder(URI.create(
                                "https://localhost:" + server.address().getPort() + AdmitServer.HEALTH_PATH))
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void shouldRefuseAnEncryptedKeyWithTheWayOut() throws Exception {
        sh("openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -aes256 -pass pass:secret -out tls.key");
        sh("openssl req -new -x509 -key tls.key -passin pass:secret -out tls.crt -days 1 -subj /CN=x");
        AdmitSetupException e = org.junit.jupiter.api.Assertions.assertThrows(
                AdmitSetupException.class, () -> PemTls.load(tmp.resolve("tls.crt"), tmp.resolve("tls.key")));
        assertEquals(
                "--tls-key " + tmp.resolve("tls.key") + " is encrypted; expected an unencrypted key, as a Kubernetes"
                        + " TLS Secret holds it (openssl pkey -in KEY -out PLAIN)",
                e.getMessage());
    }

    private void sh(String command) throws Exception {
        Process p = new ProcessBuilder("sh", "-c", command)
                .directory(tmp.toFile())
                .redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), command);
        assertEquals(0, p.exitValue(), command + ": " + out);
    }
}
