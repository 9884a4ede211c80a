package io.iocert.cli.admit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.iocert.certifier.export.ExportException;
import io.iocert.certifier.export.NfdLabels;
import io.iocert.cli.oci.ImageException;
import io.iocert.cli.oci.SpecImages;
import io.iocert.spec.Spec;
import io.iocert.spec.SpecException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One AdmissionReview ({@code admission.k8s.io/v1}) in, one out. A pod being created that
 * names a spec in its {@value #SPEC_ANNOTATION} annotation, or whose image (or init
 * container's) carries one, gets a required node affinity on the labels
 * {@code iocert export --to nfd} writes for that spec: {@code iocert.io/<spec> In [true]} and
 * {@code iocert.io/<spec>.sha256 In [<12 hex>]}, so it starts only on a node certified eligible
 * for exactly that spec. Pods without a spec, other resources and other operations are allowed
 * unchanged. An unknown spec name, or an image whose spec cannot be trusted, is denied with the
 * reason. A request that is not an AdmissionReview is a {@link MalformedReview} (HTTP 400).
 */
final class Admission {
    static final String API_VERSION = "admission.k8s.io/v1";
    static final String SPEC_ANNOTATION = "iocert.io/spec";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final SpecCatalog specs;
    private final Optional<ImageStore> images;

    Admission(SpecCatalog specs, Optional<ImageStore> images) {
        this.specs = specs;
        this.images = images;
    }

    /** The AdmissionReview to answer with, and one line saying what was decided. */
    record Outcome(byte[] body, String log) {}

    /** A body that is not an AdmissionReview v1 with a request to answer. */
    static final class MalformedReview extends Exception {
        private static final long serialVersionUID = 1L;

        MalformedReview(String message) {
            super(message);
        }
    }

    /** A pod refused, with the reason the user sees. */
    private static final class Denied extends Exception {
        private static final long serialVersionUID = 1L;

        Denied(String message) {
            super(message);
        }
    }

    /** A spec the pod requires, and where the requirement came from. */
    private record Required(Spec spec, String origin) {}

    Outcome review(byte[] body) throws MalformedReview {
        JsonNode root;
        try {
            root = JSON.readTree(body);
        } catch (JsonProcessingException e) {
            throw new MalformedReview("the request body is not valid JSON (" + e.getOriginalMessage() + " at line "
                    + e.getLocation().getLineNr() + ", column "
                    + e.getLocation().getColumnNr()
                    + "); expected an AdmissionReview");
        } catch (IOException e) {
            throw new MalformedReview("the request body cannot be read: " + e.getMessage());
        }
        if (root == null || !root.isObject()) {
            throw new MalformedReview("the request body is "
                    + (root == null
                            ? "empty"
                            : "a JSON " + root.getNodeType().name().toLowerCase(java.util.Locale.ROOT))
                    + "; expected an AdmissionReview object");
        }
        String apiVersion = root.path("apiVersion").asText("");
        if (!apiVersion.equals(API_VERSION)) {
            throw new MalformedReview("apiVersion is " + describe(root.path("apiVersion")) + "; expected " + API_VERSION
                    + " (set admissionReviewVersions: [v1] in the MutatingWebhookConfiguration)");
        }
        if (!root.path("kind").asText("").equals("AdmissionReview")) {
            throw new MalformedReview("kind is " + describe(root.path("kind")) + "; expected AdmissionReview");
        }
        JsonNode request = root.path("request");
        if (!request.isObject()) {
            throw new MalformedReview("request is " + describe(request) + "; expected the object holding the"
                    + " admission request (uid, kind, operation, object)");
        }
        String uid = request.path("uid").asText("");
        if (!request.path("uid").isTextual() || uid.isEmpty()) {
            throw new MalformedReview("request.uid is " + describe(request.path("uid")) + "; expected the request's"
                    + " uid, which the response must echo");
        }
        JsonNode resource = request.path("resource");
        boolean pod = resource.path("group").asText("").isEmpty()
                && resource.path("resource").asText("").equals("pods")
                && request.path("subResource").asText("").isEmpty();
        String operation = request.path("operation").asText("");
        if (!pod || !operation.equals("CREATE")) {
            String what = resource.path("resource").asText("?")
                    + (request.path("subResource").asText("").isEmpty()
                            ? ""
                            : "/" + request.path("subResource").asText())
                    + " " + operation;
            return allow(uid, null, List.of(), "allowed " + what + " unchanged (only pods are placed, at CREATE)");
        }
        JsonNode pod0 = request.path("object");
        if (!pod0.isObject() || !pod0.path("spec").isObject()) {
            throw new MalformedReview("request.object" + (pod0.isObject() ? ".spec" : "") + " is "
                    + describe(pod0.isObject() ? pod0.path("spec") : pod0) + "; expected the pod being created");
        }
        String name = podName(request, pod0);
        List<String> warnings = new ArrayList<>();
        try {
            List<Required> required = required(pod0, warnings);
            if (required.isEmpty()) {
                return allow(uid, null, warnings, "allowed " + name + " unchanged: no iocert spec");
            }
            List<AffinityPatch.Expression> expressions = expressions(required);
            ArrayNode ops = AffinityPatch.ops(pod0.path("spec"), expressions);
            String specs = String.join(
                    ", ",
                    required.stream()
                            .map(r -> r.spec().name() + " (sha256 "
                                    + NfdLabels.sha256Value(r.spec().sha256()) + ", " + r.origin() + ")")
                            .toList());
            return allow(
                    uid,
                    ops.isEmpty() ? null : ops,
                    warnings,
                    (ops.isEmpty()
                                    ? "allowed " + name + " unchanged: it already requires "
                                    : "placed " + name + " on nodes certified for ")
                            + specs);
        } catch (Denied e) {
            return deny(uid, "iocert: pod " + name + ": " + e.getMessage());
        }
    }

    /** The specs the pod requires: by annotation, then by image, each spec once. */
    private List<Required> required(JsonNode pod, List<String> warnings) throws Denied {
        Map<String, Required> byName = new LinkedHashMap<>();
        JsonNode annotation = pod.path("metadata").path("annotations").path(SPEC_ANNOTATION);
        if (!annotation.isMissingNode()) {
            String value = annotation.asText("");
            List<String> names = new ArrayList<>();
            for (String n : value.split(",")) {
                if (!n.isBlank()) {
                    names.add(n.strip());
                }
            }
            if (names.isEmpty()) {
                throw new Denied("the annotation " + SPEC_ANNOTATION + " is empty; expected the name of a spec (or"
                        + " several, comma-separated); known specs: " + specs.known());
            }
            for (String n : names) {
                Spec spec = specs.get(n)
                        .orElseThrow(() -> new Denied("the annotation " + SPEC_ANNOTATION + " names" + " spec '" + n
                                + "', which this webhook does not know; known specs: " + specs.known()));
                add(byName, new Required(spec, "annotation " + SPEC_ANNOTATION));
            }
        }
        if (images.isPresent()) {
            for (String kind : List.of("initContainers", "containers")) {
                for (JsonNode c : pod.path("spec").path(kind)) {
                    if (!c.path("image").isTextual()) {
                        continue;
                    }
                    String container = (kind.equals("containers") ? "container '" : "init container '")
                            + c.path("name").asText("?") + "'";
                    Optional<SpecImages.ImageSpec> s = imageSpec(c.get("image").asText(), container, warnings);
                    if (s.isPresent()) {
                        add(
                                byName,
                                new Required(
                                        s.get().spec(),
                                        container + " image " + s.get().origin()));
                    }
                }
            }
        }
        return List.copyOf(byName.values());
    }

    private Optional<SpecImages.ImageSpec> imageSpec(String image, String container, List<String> warnings)
            throws Denied {
        Optional<ImageName> parsed = ImageName.parse(image);
        if (parsed.isEmpty()) {
            warnings.add("iocert: " + container + ": '" + image + "' is not an image reference iocert can look up;"
                    + " no spec taken from it");
            return Optional.empty();
        }
        try {
            ImageStore.Answer a = images.get().find(parsed.get());
            if (a instanceof ImageStore.NotStored n) {
                if (n.repositoryStored()) {
                    warnings.add("iocert: " + container + ": " + parsed.get() + " is not in the iocert image store ("
                            + n.why() + "); no spec taken from it");
                }
                return Optional.empty();
            }
            ImageStore.Stored s = (ImageStore.Stored) a;
            s.spec().flatMap(SpecImages.ImageSpec::note).ifPresent(note -> warnings.add("iocert: " + note));
            return s.spec();
        } catch (ImageException | SpecException e) {
            throw new Denied(container + " image " + image + ": " + e.getMessage());
        }
    }

    private static void add(Map<String, Required> byName, Required r) throws Denied {
        Required before = byName.putIfAbsent(r.spec().name(), r);
        if (before != null && !before.spec().sha256().equals(r.spec().sha256())) {
            throw new Denied(conflict(before, r));
        }
    }

    private static String conflict(Required a, Required b) {
        return "spec '" + a.spec().name() + "' is required twice with different contents: sha256 "
                + a.spec().sha256()
                + " by " + a.origin() + ", and " + b.spec().sha256() + " by " + b.origin() + "; no node can be"
                + " certified for both under one name";
    }

    /** Two expressions per spec, on the label names export writes; specs whose labels collide are refused. */
    private static List<AffinityPatch.Expression> expressions(List<Required> required) throws Denied {
        List<AffinityPatch.Expression> out = new ArrayList<>();
        Map<String, Required> byLabel = new LinkedHashMap<>();
        for (Required r : required) {
            try {
                String eligible = NfdLabels.eligible(r.spec().name());
                Required before = byLabel.putIfAbsent(eligible, r);
                if (before != null) {
                    throw new Denied("specs '" + before.spec().name() + "' and '"
                            + r.spec().name() + "' both become the" + " node label " + eligible
                            + "; no node can tell them apart");
                }
                out.add(new AffinityPatch.Expression(eligible, List.of(NfdLabels.ELIGIBLE_VALUE)));
                out.add(new AffinityPatch.Expression(
                        NfdLabels.sha256(r.spec().name()),
                        List.of(NfdLabels.sha256Value(r.spec().sha256()))));
            } catch (ExportException e) {
                throw new Denied("spec '" + r.spec().name() + "' (" + r.origin() + "): " + e.getMessage());
            }
        }
        return out;
    }

    private static String podName(JsonNode request, JsonNode pod) {
        String ns = request.path("namespace")
                .asText(pod.path("metadata").path("namespace").asText("default"));
        String name = pod.path("metadata").path("name").asText("");
        if (name.isEmpty()) {
            name = pod.path("metadata").path("generateName").asText("") + "*";
        }
        return ns + "/" + name;
    }

    private static Outcome allow(String uid, ArrayNode patch, List<String> warnings, String log) {
        ObjectNode response = response(uid, true);
        if (patch != null) {
            byte[] bytes;
            try {
                bytes = JSON.writeValueAsBytes(patch);
            } catch (JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
            response.put("patchType", "JSONPatch")
                    .put("patch", Base64.getEncoder().encodeToString(bytes));
        }
        if (!warnings.isEmpty()) {
            ArrayNode w = response.putArray("warnings");
            warnings.forEach(w::add);
        }
        return outcome(response, log + (warnings.isEmpty() ? "" : " (warnings: " + String.join("; ", warnings) + ")"));
    }

    private static Outcome deny(String uid, String message) {
        ObjectNode response = response(uid, false);
        response.putObject("status").put("code", 403).put("reason", "Forbidden").put("message", message);
        return outcome(response, "denied: " + message);
    }

    private static ObjectNode response(String uid, boolean allowed) {
        return JSON.createObjectNode().put("uid", uid).put("allowed", allowed);
    }

    private static Outcome outcome(ObjectNode response, String log) {
        ObjectNode review =
                JSON.createObjectNode().put("apiVersion", API_VERSION).put("kind", "AdmissionReview");
        review.set("response", response);
        try {
            return new Outcome(JSON.writeValueAsString(review).getBytes(StandardCharsets.UTF_8), log);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String describe(JsonNode n) {
        if (n == null || n.isMissingNode()) {
            return "missing";
        }
        String text = n.toString();
        return text.length() > 60 ? text.substring(0, 57) + "..." : text;
    }
}
