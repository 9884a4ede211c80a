package io.iocert.cli.oci;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.iocert.cli.oci.Oci.Descriptor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * An OCI image layout opened for reading: a directory ({@code oci:}) or a tar of one
 * ({@code oci-archive:}, read in one pass keeping only files of at most
 * {@link Oci#MAX_METADATA_BYTES}). Blobs are checked against their descriptor's size and
 * digest as they are read.
 */
final class Layout {
    private final String where;
    private final Path dir;
    private final Tars.Contents archive;
    private final ObjectNode index;
    private final List<Descriptor> manifests;

    private Layout(String where, Path dir, Tars.Contents archive) throws ImageException {
        this.where = where;
        this.dir = dir;
        this.archive = archive;
        byte[] layout = file("oci-layout");
        if (layout == null) {
            throw new ImageException(where + ": no oci-layout file; expected an OCI image layout"
                    + (dir != null
                            ? " directory (as 'umoci init' or 'skopeo copy ... oci:DIR:TAG' make)"
                            : " in the archive (as 'skopeo copy ... oci-archive:FILE' makes)"));
        }
        JsonNode version = parse(layout, "oci-layout").path("imageLayoutVersion");
        if (!version.isTextual() || !version.asText().startsWith("1.")) {
            throw new ImageException(where + "/oci-layout: imageLayoutVersion is " + version
                    + "; expected \"1.0.0\" (an OCI image layout)");
        }
        byte[] indexBytes = file("index.json");
        if (indexBytes == null) {
            throw new ImageException(where + ": no index.json; expected the layout's image index");
        }
        JsonNode node = parse(indexBytes, "index.json");
        if (!node.isObject() || !node.path("manifests").isArray()) {
            throw new ImageException(where + "/index.json is not an OCI image index; expected an object with"
                    + " schemaVersion 2 and a manifests array");
        }
        this.index = (ObjectNode) node;
        List<Descriptor> ds = new ArrayList<>();
        int i = 0;
        for (JsonNode m : node.get("manifests")) {
            ds.add(Descriptor.of(m, where + "/index.json manifests[" + i++ + "]"));
        }
        this.manifests = List.copyOf(ds);
    }

    static Layout open(ImageRef ref) throws ImageException {
        String where = ref.transport().prefix() + ":" + ref.path();
        switch (ref.transport()) {
            case OCI -> {
                if (!Files.isDirectory(ref.path())) {
                    throw new ImageException(where + ": " + ref.path()
                            + (Files.exists(ref.path()) ? " is not a directory" : " does not exist")
                            + "; expected an OCI image layout directory");
                }
                return new Layout(where, ref.path(), null);
            }
            case OCI_ARCHIVE -> {
                return new Layout(where, null, Tars.read(ref.path(), where, Oci.MAX_METADATA_BYTES));
            }
            default -> throw new IllegalArgumentException("not a layout: " + ref);
        }
    }

    /** oci:DIR:TAG, or oci:DIR (image sha256:...) for an untagged image. */
    static String name(Layout layout, Descriptor image) {
        return image.refName()
                .map(t -> layout.where() + ":" + t)
                .orElse(layout.where() + " (image " + image.shortDigest() + ")");
    }

    String where() {
        return where;
    }

    ObjectNode index() {
        return index;
    }

    List<Descriptor> manifests() {
        return manifests;
    }

    boolean hasBlob(String digest) {
        String name = Oci.blobPath(digest);
        return dir != null ? Files.isRegularFile(dir.resolve(name)) : archive.has(name);
    }

    /** A blob's content, checked against the descriptor's size and digest. */
    byte[] blob(Descriptor d) throws ImageException {
        String what = "blob " + d.digest() + " (" + d.mediaType() + ")";
        if (d.size() > Oci.MAX_METADATA_BYTES) {
            throw new ImageException(where + ": " + what + " has " + d.size() + " bytes; expected at most "
                    + Oci.MAX_METADATA_BYTES + " for a manifest, config or spec");
        }
        byte[] content = file(Oci.blobPath(d.digest()));
        if (content == null) {
            throw new ImageException(
                    where + ": " + what + " is missing; expected it under " + Oci.blobPath(d.digest()));
        }
        if (content.length != d.size() || !Oci.sha256(content).equals(d.digest())) {
            throw new ImageException(where + ": " + what + " does not match its digest or size (" + content.length
                    + " bytes, " + Oci.sha256(content) + "); the layout is damaged");
        }
        return content;
    }

    JsonNode json(Descriptor d) throws ImageException {
        return parse(blob(d), Oci.blobPath(d.digest()));
    }

    /**
     * The image a tag names; without a tag, the one tagged "latest", else the only image (entries
     * that are referrers, with an artifactType, do not count).
     */
    Descriptor select(Optional<String> tag) throws ImageException {
        String tags = manifests.stream()
                .map(d -> d.refName().orElse(null))
                .filter(t -> t != null)
                .collect(Collectors.joining(", "));
        String known = tags.isEmpty() ? "it has no tagged images" : "its tags: " + tags;
        if (tag.isPresent()) {
            List<Descriptor> hits =
                    manifests.stream().filter(d -> tag.equals(d.refName())).toList();
            if (hits.isEmpty()) {
                throw new ImageException(where + ": no image tagged '" + tag.get() + "'; " + known);
            }
            return hits.get(0);
        }
        Optional<Descriptor> latest = manifests.stream()
                .filter(d -> Optional.of("latest").equals(d.refName()))
                .findFirst();
        if (latest.isPresent()) {
            return latest.get();
        }
        List<Descriptor> images = manifests.stream()
                .filter(d -> d.artifactType().isEmpty() && d.isImage())
                .toList();
        if (images.size() == 1) {
            return images.get(0);
        }
        throw new ImageException(where
                + (images.isEmpty()
                        ? ": holds no image"
                        : ": holds " + images.size() + " images and none is tagged 'latest'")
                + "; name one as " + where + ":TAG (" + known + ")");
    }

    /** A manifest attached to an image by its subject, as OCI 1.1 referrers are. */
    record Referrer(Descriptor descriptor, JsonNode manifest) {
        String created() {
            return manifest.path("annotations").path(Oci.CREATED).asText("");
        }
    }

    /**
     * The iocert spec referrers of {@code subject} listed in index.json, oldest first (by their
     * created annotation, as NFD orders its compatibility artifacts; then by digest).
     */
    List<Referrer> specReferrers(Descriptor subject) throws ImageException {
        List<Referrer> found = new ArrayList<>();
        for (Descriptor d : manifests) {
            boolean candidate = d.artifactType()
                    .map(Oci.ARTIFACT_TYPE::equals)
                    .orElse(d.refName().isEmpty() && d.mediaType().equals(Oci.MANIFEST));
            if (!candidate || d.digest().equals(subject.digest())) {
                continue;
            }
            JsonNode m = json(d);
            String type = m.path("artifactType")
                    .asText(m.path("config").path("mediaType").asText(""));
            if (type.equals(Oci.ARTIFACT_TYPE)
                    && m.path("subject").path("digest").asText("").equals(subject.digest())) {
                found.add(new Referrer(d, m));
            }
        }
        found.sort(Comparator.comparing(Referrer::created)
                .thenComparing(r -> r.descriptor().digest()));
        return found;
    }

    private byte[] file(String name) throws ImageException {
        if (archive != null) {
            return archive.small().get(name);
        }
        Path p = dir.resolve(name);
        if (!Files.isRegularFile(p)) {
            return null;
        }
        try {
            if (Files.size(p) > Oci.MAX_METADATA_BYTES) {
                throw new ImageException(where + ": " + name + " has " + Files.size(p) + " bytes; expected at most "
                        + Oci.MAX_METADATA_BYTES + " for an index, manifest, config or spec");
            }
            return Files.readAllBytes(p);
        } catch (IOException e) {
            throw new ImageException(where + ": cannot read " + name + " (" + e + ")", e);
        }
    }

    private JsonNode parse(byte[] content, String name) throws ImageException {
        try {
            JsonNode n = Oci.JSON.readTree(content);
            if (n == null || n.isMissingNode()) {
                throw new ImageException(where + "/" + name + " is empty; expected a JSON object");
            }
            return n;
        } catch (JsonProcessingException e) {
            throw new ImageException(
                    where + "/" + name + " is not valid JSON (" + e.getOriginalMessage()
                            + " at line " + e.getLocation().getLineNr() + ", column "
                            + e.getLocation().getColumnNr()
                            + "); expected a JSON object",
                    e);
        } catch (IOException e) {
            throw new ImageException(where + "/" + name + ": " + e.getMessage(), e);
        }
    }
}
