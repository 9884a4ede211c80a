package io.iocert.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.iocert.cli.admit.AdmitServer;
import io.iocert.spec.SpecLoader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.commons.cli.CommandLine;
import org.junit.jupiter.api.Test;

/**
 * ci/k8s/admit*.yaml hang together: the Deployment's flags are iocert admit's, its files are
 * on the volumes they name, and the Service, the webhook registration and the cert-manager
 * Certificate point at each other. (TemplatesTest checks every pod's privileges and resources.)
 */
class AdmitTemplatesTest {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final Path K8S = root().resolve("ci/k8s");

    @Test
    void deploymentShouldRunAdmitWithFilesFromTheVolumesItMounts() throws Exception {
        JsonNode deployment = find("admit.yaml", "Deployment", "iocert-admit");
        JsonNode pod = deployment.at("/spec/template/spec");
        JsonNode c = pod.get("containers").get(0);
        List<String> args = new ArrayList<>();
        c.get("args").forEach(a -> args.add(a.asText()));
        assertEquals("admit", args.get(0));
        CommandLine line = Commands.parse(
                new AdmitCommand().options(), args.subList(1, args.size()).toArray(String[]::new));
        assertTrue(line.getArgList().isEmpty(), "stray arguments: " + line.getArgList());

        assertEquals(
                "iocert-admit-tls",
                volumeFor(pod, c, line.getOptionValue("tls-cert"))
                        .at("/secret/secretName")
                        .asText());
        assertEquals(
                "iocert-admit-tls",
                volumeFor(pod, c, line.getOptionValue("tls-key"))
                        .at("/secret/secretName")
                        .asText());
        String configMap = volumeFor(pod, c, line.getOptionValue("specs") + "/x")
                .at("/configMap/name")
                .asText();
        JsonNode specs = find("spec-configmap.yaml", "ConfigMap", configMap);
        for (Iterator<Map.Entry<String, JsonNode>> it = specs.get("data").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            assertTrue(
                    e.getKey().matches(".*\\.(ya?ml|json)"), "admit reads only *.yaml, *.yml, *.json: " + e.getKey());
            SpecLoader.parse(e.getValue().asText(), configMap + " " + e.getKey());
        }
        String claim = volumeFor(pod, c, line.getOptionValue("images") + "/x")
                .at("/persistentVolumeClaim/claimName")
                .asText();
        find("admit.yaml", "PersistentVolumeClaim", claim);

        int port = ServeCommand.port("--port", line.getOptionValue("port"));
        JsonNode https = c.get("ports").get(0);
        assertEquals(port, https.get("containerPort").asInt());
        for (String probe : List.of("readinessProbe", "livenessProbe")) {
            assertEquals(
                    AdmitServer.HEALTH_PATH, c.at("/" + probe + "/httpGet/path").asText());
            assertEquals(
                    https.get("name").asText(),
                    c.at("/" + probe + "/httpGet/port").asText());
            assertEquals("HTTPS", c.at("/" + probe + "/httpGet/scheme").asText());
        }
        JsonNode service = find("admit.yaml", "Service", "iocert-admit");
        assertEquals(deployment.at("/spec/selector/matchLabels"), service.at("/spec/selector"));
        assertEquals(
                https.get("name").asText(),
                service.at("/spec/ports/0/targetPort").asText());
    }

    @Test
    void webhookShouldCallTheServiceForPodCreationInOptedInNamespacesOnly() throws Exception {
        JsonNode webhook = find("admit-webhook.yaml", "MutatingWebhookConfiguration", "iocert-admit")
                .at("/webhooks/0");
        JsonNode service = find("admit.yaml", "Service", "iocert-admit");
        JsonNode to = webhook.at("/clientConfig/service");
        assertEquals(service.at("/metadata/name"), to.get("name"));
        assertEquals(service.at("/metadata/namespace"), to.get("namespace"));
        assertEquals(service.at("/spec/ports/0/port"), to.get("port"));
        assertEquals(AdmitServer.MUTATE_PATH, to.get("path").asText());
        assertEquals("[\"v1\"]", webhook.get("admissionReviewVersions").toString(), "iocert admit answers v1 only");
        assertEquals("None", webhook.get("sideEffects").asText());
        assertEquals("[\"CREATE\"]", webhook.at("/rules/0/operations").toString());
        assertEquals("[\"pods\"]", webhook.at("/rules/0/resources").toString());
        assertEquals(
                "enabled",
                webhook.at("/namespaceSelector/matchLabels/iocert.io~1admit").asText(),
                "with failurePolicy Fail, only namespaces that opt in may wait for the webhook");
        assertEquals(
                "REPLACE-WITH-BASE64-CA-PEM",
                webhook.at("/clientConfig/caBundle").asText());
        JsonNode timeout = webhook.get("timeoutSeconds");
        assertNotNull(timeout);
        assertTrue(
                Files.readString(K8S.resolve("admit.yaml")).contains("--request-timeout=" + timeout.asInt() + "s"),
                "the webhook answers within the API server's timeout");
    }

    @Test
    void certManagerShouldIssueTheSecretTheDeploymentMountsForTheServiceName() throws Exception {
        JsonNode registration = find("admit-webhook.yaml", "MutatingWebhookConfiguration", "iocert-admit");
        String[] from = registration
                .at("/metadata/annotations/cert-manager.io~1inject-ca-from")
                .asText()
                .split("/");
        JsonNode cert = find("admit-cert-manager.yaml", "Certificate", from[1]);
        assertEquals(from[0], cert.at("/metadata/namespace").asText());
        assertEquals("iocert-admit-tls", cert.at("/spec/secretName").asText());
        List<String> names = new ArrayList<>();
        cert.at("/spec/dnsNames").forEach(n -> names.add(n.asText()));
        JsonNode to = registration.at("/webhooks/0/clientConfig/service");
        assertTrue(
                names.contains(
                        to.get("name").asText() + "." + to.get("namespace").asText() + ".svc"),
                "the API server checks the name it calls, <service>.<namespace>.svc: " + names);
        find(
                "admit-cert-manager.yaml",
                "Issuer",
                cert.at("/spec/issuerRef/name").asText());
        assertFalse(
                Files.readString(K8S.resolve("kustomization.yaml")).contains("admit"),
                "the webhook is opt-in, not part of kubectl apply -k");
    }

    private static JsonNode volumeFor(JsonNode pod, JsonNode container, String file) {
        JsonNode best = null;
        for (JsonNode m : container.get("volumeMounts")) {
            if (file.startsWith(m.get("mountPath").asText() + "/")
                    && (best == null
                            || m.get("mountPath").asText().length()
                                    > best.get("mountPath").asText().length())) {
                best = m;
            }
        }
        assertNotNull(best, file + " is on no volume mount");
        for (JsonNode v : pod.get("volumes")) {
            if (v.get("name").equals(best.get("name"))) {
                return v;
            }
        }
        throw new AssertionError("no volume " + best.get("name"));
    }

    private static JsonNode find(String file, String kind, String name) throws IOException {
        try (var it = YAML.readerFor(JsonNode.class)
                .<JsonNode>readValues(K8S.resolve(file).toFile())) {
            while (it.hasNext()) {
                JsonNode d = it.next();
                if (d != null
                        && kind.equals(d.path("kind").asText())
                        && name.equals(d.at("/metadata/name").asText())) {
                    return d;
                }
            }
        }
        throw new AssertionError("no " + kind + " " + name + " in ci/k8s/" + file);
    }

    private static Path root() {
        Path p = Path.of("").toAbsolutePath();
        while (p != null && !Files.isDirectory(p.resolve("ci/k8s"))) {
            p = p.getParent();
        }
        if (p == null) {
            throw new IllegalStateException("no ci/k8s above " + Path.of("").toAbsolutePath());
        }
        return p;
    }
}
