package io.iocert.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.flipkart.zjsonpatch.JsonPatch;
import io.iocert.certifier.ConfidenceInterval;
import io.iocert.certifier.NodeVerdict;
import io.iocert.certifier.Report;
import io.iocert.certifier.RequirementVerdict;
import io.iocert.certifier.Verdict;
import io.iocert.certifier.report.ReportFormat;
import io.iocert.results.NodeIdentity;
import io.iocert.spec.Spec;
import io.iocert.spec.SpecLoader;
import java.io.InputStream;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code iocert admit} from the jar, as the API server meets it: real AdmissionReview documents
 * over TLS (a test CA made with openssl, the server key in PKCS#1 as cert-manager writes it by
 * default), an image store of layouts made by umoci with the spec embedded by
 * {@code iocert spec embed}, and the returned patch applied by an independent JSON Patch
 * implementation. The affinity it yields is checked against the labels the real
 * {@code iocert export --to nfd} writes for the same spec.
 */
class AdmitIT {
    private static final Path JAR = Path.of("target", "iocert.jar");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String REQUIRED = "/spec/affinity/nodeAffinity/requiredDuringSchedulingIgnoredDuringExecution";

    @TempDir
    static Path tmp;

    private static Process admit;
    private static Path log;
    private static HttpClient client;
    private static URI mutate;
    private static Spec imageSpec;
    private static Spec annotatedSpec;
    private static String imageDigest;

    @BeforeAll
    static void startWebhook() throws Exception {
        assumeTrue(onPath("umoci"), "umoci is not installed here (Debian: apt-get install umoci)");
        assumeTrue(onPath("openssl"), "openssl is not installed here (Debian: apt-get install openssl)");
        Path tls = Files.createDirectories(tmp.resolve("tls"));
        tool(
                tls,
                "openssl",
                "req",
                "-x509",
                "-newkey",
                "rsa:2048",
                "-nodes",
                "-keyout",
                "ca.key",
                "-out",
                "ca.crt",
                "-days",
                "2",
                "-subj",
                "/CN=iocert admit test CA");
        tool(tls, "openssl", "genrsa", "-traditional", "-out", "tls.key", "2048");
        tool(
                tls,
                "openssl",
                "req",
                "-new",
                "-key",
                "tls.key",
                "-out",
                "tls.csr",
                "-subj",
                "/CN=iocert-admit.iocert.svc");
        Files.writeString(
                tls.resolve("san.ext"), "subjectAltName=DNS:iocert-admit.iocert.svc,DNS:localhost,IP:127.0.0.1\n");
        tool(
                tls,
                "openssl",
                "x509",
                "-req",
                "-in",
                "tls.csr",
                "-CA",
                "ca.crt",
                "-CAkey",
                "ca.key",
                "-CAcreateserial",
                "-out",
                "tls.crt",
                "-days",
                "2",
                "-extfile",
                "san.ext");
        assertTrue(
                Files.readString(tls.resolve("tls.key")).startsWith("-----BEGIN RSA PRIVATE KEY-----"),
                "the server key is PKCS#1, as cert-manager writes RSA keys by default");

        Path specs = Files.createDirectories(tmp.resolve("specs"));
        Path annotated = Files.writeString(
                specs.resolve("ocean.yaml"),
                String.join(
                        "\n",
                        "iocert: v1",
                        "name: ocean-checkpoint",
                        "requirements:",
                        "  - id: restart-read",
                        "    probe: fs.read",
                        "    workload: {pattern: random, blockSize: 4KiB, fileSize: 64MiB}",
                        "    expect: {latency: {p99: \"<= 2 ms\"}}",
                        ""));
        annotatedSpec = SpecLoader.load(annotated);
        Files.createDirectories(specs.resolve("..2026_12_02_14_00_00.000000001")); // a ConfigMap mount's hidden entries
        Path carried = Files.writeString(
                tmp.resolve("gpu-scratch.yaml"),
                String.join(
                        "\n",
                        "iocert: v1",
                        "name: gpu-scratch",
                        "requirements:",
                        "  - id: checkpoint-write",
                        "    probe: fs.write",
                        "    workload: {pattern: sequential, blockSize: 1MiB, fileSize: 256MiB}",
                        "    expect: {throughput: {p10: \">= 400 MB/s\"}}",
                        ""));
        imageSpec = SpecLoader.load(carried);

        Path store = Files.createDirectories(tmp.resolve("images"));
        Path ocean = layout(store, "registry.example.com/team/ocean", "2.4");
        embed(carried, "oci:" + ocean + ":2.4");
        imageDigest = JSON.readTree(ocean.resolve("index.json").toFile())
                .get("manifests")
                .get(0)
                .get("digest")
                .asText();
        layout(store, "docker.io/library/busybox", "1.36"); // stored, carries no spec
        Path tampered = layout(store, "registry.example.com/team/tampered", "1");
        embed(carried, "oci:" + tampered + ":1");
        tamperRecordedSha(tampered);

        log = tmp.resolve("admit.log");
        admit = new ProcessBuilder(
                        java(),
                        "-jar",
                        JAR.toAbsolutePath().toString(),
                        "admit",
                        "--bind",
                        "127.0.0.1",
                        "--port",
                        "0",
                        "--tls-cert",
                        tls.resolve("tls.crt").toString(),
                        "--tls-key",
                        tls.resolve("tls.key").toString(),
                        "--specs",
                        specs.toString(),
                        "--images",
                        store.toString(),
                        "--max-body",
                        "256KiB",
                        "--request-timeout",
                        "3s")
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        int port = awaitPort();
        mutate = URI.create("https://localhost:" + port + "/mutate");
        client = HttpClient.newBuilder()
                .sslContext(trusting(tls.resolve("ca.crt")))
                .connectTimeout(Duration.ofSeconds(10))
                .build();
    }

    @AfterAll
    static void stopWebhook() throws Exception {
        if (admit != null) {
            admit.destroy();
            assertTrue(admit.waitFor(30, TimeUnit.SECONDS), "admit did not stop on SIGTERM");
            String all = Files.readString(log);
            assertFalse(all.contains("internal error") || all.contains("Exception") || all.contains("\tat "), all);
        }
    }

    @Test
    void shouldPlaceAPodWhoseImageCarriesASpecOnTheNodesTheNfdExportLabels() throws Exception {
        ObjectNode review = fixture("job-pod-create.json");
        JsonNode response = allowed(review);
        assertEquals("JSONPatch", response.path("patchType").asText(), response.toString());
        JsonNode patched = apply(review, response);

        JsonNode terms = patched.at(REQUIRED + "/nodeSelectorTerms");
        assertEquals(1, terms.size(), "a pod without node affinity gets one term: " + terms);
        Map<String, List<String>> required = expressions(terms.get(0));
        Map<String, String> eligible = nfdLabels(imageSpec, NodeVerdict.ELIGIBLE);
        assertEquals(
                Map.of(
                        "iocert.io/gpu-scratch",
                        List.of("true"),
                        "iocert.io/gpu-scratch.sha256",
                        List.of(imageSpec.sha256().substring(0, 12))),
                required);
        for (Map.Entry<String, List<String>> e : required.entrySet()) {
            assertEquals(
                    List.of(eligible.get(e.getKey())),
                    e.getValue(),
                    "export --to nfd writes " + e.getKey() + "=" + eligible.get(e.getKey()) + " on a certified node");
        }
        assertTrue(schedulable(terms, eligible), "a node exported ELIGIBLE for the spec is chosen: " + eligible);
        assertFalse(schedulable(terms, nfdLabels(imageSpec, NodeVerdict.NOT_ELIGIBLE)), "a NOT_ELIGIBLE node is not");
        assertFalse(
                schedulable(terms, nfdLabels(annotatedSpec, NodeVerdict.ELIGIBLE)),
                "a node certified for another" + " spec is not");
        Spec otherVersion = SpecLoader.parse(
                Files.readString(tmp.resolve("gpu-scratch.yaml")).replace("400 MB/s", "300 MB/s"),
                "gpu-scratch-v0.yaml");
        assertFalse(
                schedulable(terms, nfdLabels(otherVersion, NodeVerdict.ELIGIBLE)),
                "a node certified for an older" + " version of the spec, same name, is not");

        ObjectNode before = (ObjectNode) review.at("/request/object");
        ObjectNode after = ((ObjectNode) patched.deepCopy());
        ((ObjectNode) after.get("spec")).remove("affinity");
        assertEquals(before, after, "the patch changes nothing but the affinity");
        assertTrue(
                Files.readString(log)
                        .contains("placed hpc/ocean-run-* on nodes certified for gpu-scratch (sha256 "
                                + imageSpec.sha256().substring(0, 12) + ", container 'model' image oci:"),
                Files.readString(log));

        ObjectNode again = fixture("job-pod-create.json");
        again.withObject("/request").set("object", patched);
        JsonNode second = allowed(again);
        assertFalse(second.has("patch"), "a pod that already requires the spec is left as it is: " + second);

        ObjectNode byDigest = fixture("job-pod-create.json");
        ((ObjectNode) byDigest.at("/request/object/spec/containers/0"))
                .put("image", "registry.example.com/team/ocean@" + imageDigest);
        assertEquals(
                required,
                expressions(apply(byDigest, allowed(byDigest)).at(REQUIRED + "/nodeSelectorTerms/0")),
                "an image named by digest is found too");
    }

    @Test
    void shouldAddTheRequirementToEveryExistingTermAndKeepTheRest() throws Exception {
        ObjectNode review = fixture("annotated-pod-with-affinity.json");
        JsonNode response = allowed(review);
        for (JsonNode op : patch(response)) {
            assertEquals("add", op.get("op").asText(), "nothing the pod had is replaced or removed: " + op);
        }
        JsonNode patched = apply(review, response);
        JsonNode original = review.at("/request/object/spec/affinity");
        JsonNode affinity = patched.at("/spec/affinity");
        assertEquals(original.get("podAntiAffinity"), affinity.get("podAntiAffinity"));
        assertEquals(
                original.at("/nodeAffinity/preferredDuringSchedulingIgnoredDuringExecution"),
                affinity.at("/nodeAffinity/preferredDuringSchedulingIgnoredDuringExecution"));

        Map<String, String> eligible = nfdLabels(annotatedSpec, NodeVerdict.ELIGIBLE);
        Map<String, List<String>> ours = new LinkedHashMap<>();
        ours.put("iocert.io/ocean-checkpoint", List.of(eligible.get("iocert.io/ocean-checkpoint")));
        ours.put("iocert.io/ocean-checkpoint.sha256", List.of(eligible.get("iocert.io/ocean-checkpoint.sha256")));
        JsonNode terms = affinity.at("/nodeAffinity/requiredDuringSchedulingIgnoredDuringExecution/nodeSelectorTerms");
        JsonNode originalTerms =
                original.at("/nodeAffinity/requiredDuringSchedulingIgnoredDuringExecution/nodeSelectorTerms");
        assertEquals(2, terms.size(), "the terms stay alternatives (OR), none added or dropped");
        for (int i = 0; i < terms.size(); i++) {
            Map<String, List<String>> want = expressions(originalTerms.get(i));
            want.putAll(ours);
            assertEquals(want, expressions(terms.get(i)), "term " + i + " keeps its own expressions AND gets ours");
            assertEquals(originalTerms.get(i).get("matchFields"), terms.get(i).get("matchFields"));
        }
        assertEquals(
                "[\"true\"]",
                terms.get(0).get("matchExpressions").get(2).get("values").toString());

        Map<String, String> zoneA = new LinkedHashMap<>(eligible);
        zoneA.put("topology.kubernetes.io/zone", "zone-a");
        zoneA.put("node.kubernetes.io/instance-type", "c6id.4xlarge");
        assertTrue(schedulable(terms, zoneA), "a certified node in zone-a is chosen");
        Map<String, String> uncertified = new LinkedHashMap<>(nfdLabels(annotatedSpec, NodeVerdict.NOT_ELIGIBLE));
        uncertified.put("topology.kubernetes.io/zone", "zone-a");
        assertFalse(schedulable(terms, uncertified), "the pod's own term no longer admits an uncertified node");
    }

    @Test
    void shouldAllowPodsWithoutASpecUnchanged() throws Exception {
        ObjectNode review = fixture("job-pod-create.json");
        ((ObjectNode) review.at("/request/object/spec/containers/0")).put("image", "nginx:1.27");
        JsonNode response = allowed(review);
        assertFalse(response.has("patch") || response.has("patchType"), response.toString());
        assertFalse(response.has("warnings"), "images the store does not hold are no news: " + response);

        ((ObjectNode) review.at("/request/object/spec/containers/0"))
                .put("image", "registry.example.com/team/ocean:2.5");
        JsonNode untagged = allowed(review);
        assertFalse(untagged.has("patch"), untagged.toString());
        assertTrue(
                untagged.get("warnings")
                        .get(0)
                        .asText()
                        .contains("registry.example.com/team/ocean:2.5 is not in the" + " iocert image store"),
                untagged.toString());

        ObjectNode update = fixture("annotated-pod-with-affinity.json");
        update.withObject("/request").put("operation", "UPDATE");
        assertFalse(allowed(update).has("patch"), "only CREATE is placed");
    }

    @Test
    void shouldDenyAnUnknownSpecNameAndAnImageWhoseSpecDoesNotMatchItsSha256() throws Exception {
        ObjectNode unknown = fixture("annotated-pod-with-affinity.json");
        ((ObjectNode) unknown.at("/request/object/metadata/annotations")).put("iocert.io/spec", "ocean-chekpoint");
        JsonNode denied = review(unknown, 200).get("response");
        assertEquals(unknown.at("/request/uid"), denied.get("uid"));
        assertFalse(denied.get("allowed").asBoolean(), denied.toString());
        assertEquals(403, denied.at("/status/code").asInt());
        assertEquals(
                "iocert: pod hpc/restart-reader: the annotation iocert.io/spec names spec 'ocean-chekpoint', which"
                        + " this webhook does not know; known specs: ocean-checkpoint (from " + tmp.resolve("specs")
                        + ")",
                denied.at("/status/message").asText());
        assertFalse(denied.has("patch"));

        ObjectNode tampered = fixture("job-pod-create.json");
        ((ObjectNode) tampered.at("/request/object/spec/containers/0"))
                .put("image", "registry.example.com/team/tampered:1");
        JsonNode refused = review(tampered, 200).get("response");
        assertFalse(refused.get("allowed").asBoolean(), refused.toString());
        String message = refused.at("/status/message").asText();
        assertTrue(
                message.startsWith("iocert: pod hpc/ocean-run-*: container 'model' image"
                        + " registry.example.com/team/tampered:1: oci:"),
                message);
        assertTrue(
                message.endsWith(": the spec's sha256 is " + imageSpec.sha256() + " but the annotation"
                        + " io.iocert.spec.sha256 records " + "0".repeat(64)
                        + "; the spec was changed after it was embedded,"
                        + " refusing it"),
                message);
        assertTrue(Files.readString(log).contains("denied: iocert: pod hpc/ocean-run-*: container 'model'"));
    }

    @Test
    void shouldAnswerAMalformedReviewWithHttp400AndTheReason() throws Exception {
        String notJson = post("{\"apiVersion\": \"admission.", 400).body();
        assertTrue(
                notJson.startsWith("iocert admit: the request body is not valid JSON (Unexpected end-of-input"),
                notJson);
        assertTrue(notJson.endsWith(" at line 1, column 27); expected an AdmissionReview\n"), notJson);
        ObjectNode old = fixture("job-pod-create.json");
        old.put("apiVersion", "admission.k8s.io/v1beta1");
        assertEquals(
                "iocert admit: apiVersion is \"admission.k8s.io/v1beta1\"; expected admission.k8s.io/v1 (set"
                        + " admissionReviewVersions: [v1] in the MutatingWebhookConfiguration)\n",
                post(old.toString(), 400).body());
        ObjectNode noUid = fixture("job-pod-create.json");
        noUid.withObject("/request").remove("uid");
        assertEquals(
                "iocert admit: request.uid is missing; expected the request's uid, which the response must echo\n",
                post(noUid.toString(), 400).body());
        ObjectNode noPod = fixture("job-pod-create.json");
        noPod.withObject("/request").remove("object");
        assertEquals(
                "iocert admit: request.object is missing; expected the pod being created\n",
                post(noPod.toString(), 400).body());
        assertEquals(
                "iocert admit: the request body is a JSON array; expected an AdmissionReview object\n",
                post("[]", 400).body());

        HttpResponse<String> big = post("{\"pad\": \"" + "x".repeat(300 * 1024) + "\"}", 413);
        assertTrue(big.body().contains("over 262144 bytes, this webhook's limit (--max-body)"), big.body());
        HttpResponse<String> text = client.send(
                HttpRequest.newBuilder(mutate)
                        .header("Content-Type", "text/plain")
                        .POST(HttpRequest.BodyPublishers.ofString("hello"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(415, text.statusCode(), text.body());
        HttpResponse<String> health = client.send(
                HttpRequest.newBuilder(mutate.resolve("/healthz")).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, health.statusCode());
        assertEquals("ok\n", health.body());
    }

    @Test
    void shouldCloseAConnectionThatDoesNotSendItsBodyInTime() throws Exception {
        try (SSLSocket socket = (SSLSocket)
                trusting(tmp.resolve("tls/ca.crt")).getSocketFactory().createSocket("localhost", mutate.getPort())) {
            socket.setSoTimeout(30_000);
            socket.getOutputStream()
                    .write(("POST /mutate HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                                    + "Content-Length: 1000\r\n\r\n{")
                            .getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            long start = System.nanoTime();
            int read;
            try {
                read = socket.getInputStream().read();
            } catch (java.net.SocketException e) {
                read = -1; // closed under us: as good as end of stream
            }
            long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start);
            assertEquals(-1, read, "closed, not answered");
            assertTrue(
                    seconds <= 10,
                    "closed by --request-timeout 3s (the JDK server checks about every second), not" + " after "
                            + seconds + " s");
        }
    }

    @Test
    void shouldRefuseToStartWithAKeyThatIsNotTheCertificatesOrWithoutTls() throws Exception {
        Path tls = tmp.resolve("tls");
        CliRunner wrong = CliRunner.run(
                "admit",
                "--port",
                "0",
                "--tls-cert",
                tls.resolve("tls.crt").toString(),
                "--tls-key",
                tls.resolve("ca.key").toString(),
                "--specs",
                tmp.resolve("specs").toString());
        assertEquals(2, wrong.code(), wrong.err());
        assertEquals(
                "iocert: --tls-key " + tls.resolve("ca.key") + " (RSA) is not the key of the certificate in"
                        + " --tls-cert " + tls.resolve("tls.crt")
                        + " (RSA); expected the pair from one TLS Secret (tls.crt and"
                        + " tls.key)\n",
                wrong.err());
        CliRunner none = CliRunner.run("admit", "--specs", tmp.resolve("specs").toString());
        assertEquals(2, none.code());
        assertTrue(none.err().startsWith("iocert: 'admit' needs --tls-cert FILE and --tls-key FILE"), none.err());
        CliRunner notPem = CliRunner.run(
                "admit",
                "--port",
                "0",
                "--tls-cert",
                tls.resolve("san.ext").toString(),
                "--tls-key",
                tls.resolve("tls.key").toString(),
                "--images",
                tmp.toString());
        assertEquals(2, notPem.code());
        assertTrue(
                notPem.err().contains("is not a PEM certificate")
                        || notPem.err().contains("holds no certificate"),
                notPem.err());
        Path twice = Files.createDirectories(tmp.resolve("specs-twice"));
        Files.copy(tmp.resolve("specs/ocean.yaml"), twice.resolve("a.yaml"));
        Files.copy(tmp.resolve("specs/ocean.yaml"), twice.resolve("b.yml"));
        CliRunner dup = CliRunner.run(
                "admit",
                "--port",
                "0",
                "--tls-cert",
                tls.resolve("tls.crt").toString(),
                "--tls-key",
                tls.resolve("tls.key").toString(),
                "--specs",
                twice.toString());
        assertEquals(2, dup.code());
        assertEquals(
                "iocert: --specs: " + twice.resolve("a.yaml") + " and " + twice.resolve("b.yml") + " both define"
                        + " spec 'ocean-checkpoint'; a pod names a spec by its name, so each name must be defined once\n",
                dup.err());
        assertTrue(wrong.noStackTrace() && none.noStackTrace() && notPem.noStackTrace() && dup.noStackTrace());
    }

    // ---- helpers

    private static JsonNode allowed(ObjectNode review) throws Exception {
        JsonNode answer = review(review, 200);
        JsonNode response = answer.get("response");
        assertEquals("admission.k8s.io/v1", answer.get("apiVersion").asText());
        assertEquals("AdmissionReview", answer.get("kind").asText());
        assertEquals(review.at("/request/uid"), response.get("uid"), "the response echoes the request's uid");
        assertTrue(response.get("allowed").asBoolean(), response.toString());
        return response;
    }

    private static JsonNode review(ObjectNode review, int status) throws Exception {
        return JSON.readTree(post(review.toString(), status).body());
    }

    private static HttpResponse<String> post(String body, int status) throws Exception {
        HttpResponse<String> r = client.send(
                HttpRequest.newBuilder(mutate)
                        .header("Content-Type", "application/json")
                        .timeout(Duration.ofSeconds(30))
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(status, r.statusCode(), r.body());
        return r;
    }

    private static ArrayNode patch(JsonNode response) throws Exception {
        return (ArrayNode)
                JSON.readTree(Base64.getDecoder().decode(response.get("patch").asText()));
    }

    /** The pod after the patch, applied as RFC 6902 says (zjsonpatch), not by iocert's code. */
    private static JsonNode apply(ObjectNode review, JsonNode response) throws Exception {
        return JsonPatch.apply(patch(response), review.at("/request/object"));
    }

    /** One term's matchExpressions as key -> values (operator In only, as iocert adds them; others keyed with it). */
    private static Map<String, List<String>> expressions(JsonNode term) {
        Map<String, List<String>> m = new LinkedHashMap<>();
        for (JsonNode e : term.path("matchExpressions")) {
            List<String> values = new ArrayList<>();
            e.path("values").forEach(v -> values.add(v.asText()));
            String op = e.get("operator").asText();
            m.put(op.equals("In") ? e.get("key").asText() : e.get("key").asText() + " " + op, values);
        }
        return m;
    }

    /** The scheduler's rule for required node affinity: some term whose every expression the labels satisfy. */
    private static boolean schedulable(JsonNode terms, Map<String, String> labels) {
        for (JsonNode term : terms) {
            if (term.has("matchFields")) {
                continue; // matches a node by name; the nodes here are judged by labels alone
            }
            boolean all = true;
            for (JsonNode e : term.path("matchExpressions")) {
                String value = labels.get(e.get("key").asText());
                List<String> values = new ArrayList<>();
                e.path("values").forEach(v -> values.add(v.asText()));
                all &= switch (e.get("operator").asText()) {
                    case "In" -> value != null && values.contains(value);
                    case "NotIn" -> value == null || !values.contains(value);
                    case "Exists" -> value != null;
                    default -> throw new AssertionError("operator not modelled: " + e);
                };
            }
            if (all) {
                return true;
            }
        }
        return false;
    }

    /** The labels the real {@code iocert export --to nfd} writes for a node certified for {@code spec}. */
    private static Map<String, String> nfdLabels(Spec spec, NodeVerdict verdict) throws Exception {
        Report report = new Report(
                "0.1.0-test",
                spec.name(),
                spec.sha256(),
                new NodeIdentity(Map.of(NodeIdentity.HOSTNAME, "cn001")),
                verdict,
                List.of(new RequirementVerdict(
                        spec.requirements().get(0).id(),
                        spec.requirements().get(0).probe().id(),
                        "latency",
                        "p99",
                        "<=",
                        2_000_000,
                        "ns",
                        1_650_000,
                        new ConfidenceInterval(1_580_000, 1_720_000, 0.95),
                        48211,
                        verdict == NodeVerdict.ELIGIBLE ? Verdict.PASS : Verdict.FAIL,
                        "m",
                        "r",
                        null)));
        StringWriter w = new StringWriter();
        ReportFormat.JSON.writer().write(report, w);
        Path file = Files.writeString(Files.createTempFile(tmp, "report", ".json"), w.toString());
        CliRunner export = CliRunner.run("export", "--to", "nfd", file.toString(), "--expires-in", "1d");
        assertEquals(0, export.code(), export.err());
        Map<String, String> labels = new LinkedHashMap<>();
        for (String line : export.out().split("\n")) {
            if (!line.startsWith("#") && line.contains("=")) {
                labels.put(line.substring(0, line.indexOf('=')), line.substring(line.indexOf('=') + 1));
            }
        }
        return labels;
    }

    private static ObjectNode fixture(String name) throws Exception {
        try (InputStream in = AdmitIT.class.getResourceAsStream("/admit/" + name)) {
            return (ObjectNode) JSON.readTree(in);
        }
    }

    /** A umoci-made layout at store/REPOSITORY with one image tagged {@code tag}. */
    private static Path layout(Path store, String repository, String tag) throws Exception {
        Path dir = store.resolve(repository);
        Files.createDirectories(dir.getParent());
        tool(tmp, "umoci", "init", "--layout", dir.toString());
        tool(tmp, "umoci", "new", "--image", dir + ":" + tag);
        return dir;
    }

    private static void embed(Path spec, String image) {
        CliRunner r = CliRunner.run("spec", "embed", "--spec", spec.toString(), "--image", image);
        assertEquals(0, r.code(), r.err());
    }

    /** Re-records the referrer's sha256 annotation as zeros, every digest kept consistent: only the recorded sha256 lies. */
    private static void tamperRecordedSha(Path dir) throws Exception {
        ObjectNode index = (ObjectNode) JSON.readTree(dir.resolve("index.json").toFile());
        for (JsonNode entry : index.get("manifests")) {
            if (!entry.path("artifactType").asText("").equals("application/vnd.iocert.spec.v1")) {
                continue;
            }
            Path blob =
                    dir.resolve("blobs/sha256/" + entry.get("digest").asText().substring(7));
            ObjectNode manifest = (ObjectNode) JSON.readTree(blob.toFile());
            ((ObjectNode) manifest.get("annotations")).put("io.iocert.spec.sha256", "0".repeat(64));
            byte[] bytes = JSON.writeValueAsBytes(manifest);
            String hex = OciSpecImageTest.sha256(bytes);
            Files.write(dir.resolve("blobs/sha256/" + hex), bytes);
            ((ObjectNode) entry).put("digest", "sha256:" + hex).put("size", bytes.length);
        }
        Files.write(dir.resolve("index.json"), JSON.writeValueAsBytes(index));
    }

    private static SSLContext trusting(Path caFile) throws Exception {
        KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
        trust.load(null, null);
        try (InputStream in = Files.newInputStream(caFile)) {
            trust.setCertificateEntry(
                    "test-ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, tmf.getTrustManagers(), null);
        return context;
    }

    private static int awaitPort() throws Exception {
        Pattern listening = Pattern.compile("listening on https://127\\.0\\.0\\.1:(\\d+)/mutate ");
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() - end < 0) {
            Matcher m = listening.matcher(Files.readString(log, StandardCharsets.UTF_8));
            if (m.find()) {
                return Integer.parseInt(m.group(1));
            }
            if (!admit.isAlive()) {
                break;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("admit did not say where it listens: " + Files.readString(log));
    }

    private static String tool(Path dir, String... command) throws Exception {
        Process p = new ProcessBuilder(command)
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), String.join(" ", command) + " did not finish");
        assertEquals(0, p.exitValue(), String.join(" ", command) + ": " + out);
        return out;
    }

    private static boolean onPath(String tool) {
        for (String d : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (Files.isExecutable(Path.of(d, tool))) {
                return true;
            }
        }
        return false;
    }

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }
}
