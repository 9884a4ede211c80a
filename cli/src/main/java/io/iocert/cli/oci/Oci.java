package io.iocert.cli.oci;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/** The OCI names iocert reads and writes, and the small JSON and digest helpers around them. */
final class Oci {
    static final String MANIFEST = "application/vnd.oci.image.manifest.v1+json";
    static final String INDEX = "application/vnd.oci.image.index.v1+json";
    static final String DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json";
    static final String DOCKER_LIST = "application/vnd.docker.distribution.manifest.list.v2+json";
    static final String EMPTY = "application/vnd.oci.empty.v1+json";
    static final byte[] EMPTY_JSON = {'{', '}'};

    /** The referrer's artifactType, shaped like NFD's application/vnd.nfd.image-compatibility.v1alpha1. */
    static final String ARTIFACT_TYPE = "application/vnd.iocert.spec.v1";
    /** The layer holding the spec: its canonical JSON, so the layer digest is the spec's sha256. */
    static final String SPEC_LAYER = "application/vnd.iocert.spec.v1+json";

    static final String REF_NAME = "org.opencontainers.image.ref.name";
    static final String CREATED = "org.opencontainers.image.created";
    static final String TITLE = "org.opencontainers.image.title";
    static final String SPEC_NAME = "io.iocert.spec.name";
    static final String SPEC_SHA256 = "io.iocert.spec.sha256";
    /** Image config label holding the canonical spec, for carriers without referrers. */
    static final String SPEC_LABEL = "io.iocert.spec.v1";

    /** Manifests, configs and specs are small; anything larger is not read into memory. */
    static final long MAX_METADATA_BYTES = 8L << 20;

    static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern SHA256 = Pattern.compile("sha256:[0-9a-f]{64}");

    private Oci() {}

    static String sha256(byte[] content) {
        try {
            return "sha256:"
                    + HexFormat.of()
                            .formatHex(MessageDigest.getInstance("SHA-256").digest(content));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }

    static boolean isSha256(String digest) {
        return digest != null && SHA256.matcher(digest).matches();
    }

    /** The path of a blob inside a layout: blobs/sha256/HEX. */
    static String blobPath(String digest) {
        return "blobs/" + digest.replace(':', '/');
    }

    /** A content descriptor as index.json and manifests hold them. */
    record Descriptor(
            String mediaType,
            String digest,
            long size,
            Optional<String> artifactType,
            Map<String, String> annotations) {

        static Descriptor of(JsonNode node, String where) throws ImageException {
            if (node == null
                    || !node.isObject()
                    || !node.path("mediaType").isTextual()
                    || !node.path("digest").isTextual()
                    || !node.path("size").canConvertToLong()) {
                throw new ImageException(where + " is not a content descriptor; expected an object with mediaType,"
                        + " digest and size");
            }
            String digest = node.get("digest").asText();
            if (!isSha256(digest)) {
                throw new ImageException(
                        where + ": digest '" + digest + "' is not supported; expected sha256:<64 hex>");
            }
            Map<String, String> annotations = new LinkedHashMap<>();
            node.path("annotations")
                    .fields()
                    .forEachRemaining(
                            e -> annotations.put(e.getKey(), e.getValue().asText()));
            Optional<String> artifactType = node.path("artifactType").isTextual()
                    ? Optional.of(node.get("artifactType").asText())
                    : Optional.empty();
            return new Descriptor(
                    node.get("mediaType").asText(),
                    digest,
                    node.get("size").asLong(),
                    artifactType,
                    java.util.Collections.unmodifiableMap(annotations));
        }

        Optional<String> refName() {
            return Optional.ofNullable(annotations.get(REF_NAME));
        }

        boolean isImage() {
            return mediaType.equals(MANIFEST)
                    || mediaType.equals(INDEX)
                    || mediaType.equals(DOCKER_MANIFEST)
                    || mediaType.equals(DOCKER_LIST);
        }

        ObjectNode toJson() {
            ObjectNode n = JSON.createObjectNode();
            n.put("mediaType", mediaType).put("digest", digest).put("size", size);
            artifactType.ifPresent(a -> n.put("artifactType", a));
            if (!annotations.isEmpty()) {
                ObjectNode a = n.putObject("annotations");
                annotations.forEach(a::put);
            }
            return n;
        }

        String shortDigest() {
            return digest.substring(0, Math.min(digest.length(), 19));
        }
    }
}
