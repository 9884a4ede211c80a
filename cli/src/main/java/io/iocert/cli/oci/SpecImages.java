package io.iocert.cli.oci;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.iocert.cli.oci.Layout.Referrer;
import io.iocert.cli.oci.Oci.Descriptor;
import io.iocert.results.AtomicFiles;
import io.iocert.spec.Spec;
import io.iocert.spec.SpecException;
import io.iocert.spec.SpecLoader;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * A job I/O spec inside an OCI image. {@link #embed} attaches it as an OCI 1.1 referrer: an
 * artifact manifest (artifactType {@value Oci#ARTIFACT_TYPE}, empty config, one layer of
 * mediaType {@value Oci#SPEC_LAYER} holding the spec's canonical JSON) whose {@code subject}
 * is the image, listed in the layout's index.json; the image itself is not changed.
 * {@link #extract} finds that referrer, or else the image config label
 * {@value Oci#SPEC_LABEL} (with {@value Oci#SPEC_SHA256}), which is how a spec travels where
 * referrers do not ({@code docker save}, copies that drop referrers). Either way the spec is
 * checked against its recorded sha256 before it is used. docs/spec-travels.md describes the format.
 */
public final class SpecImages {
    private SpecImages() {}

    /** A spec read from an image, with its canonical JSON, where it came from, and a note when there was a choice. */
    public record ImageSpec(Spec spec, byte[] canonicalJson, String origin, Optional<String> note) {}

    /** What {@link #embed} did. */
    public record Embedded(
            String specName,
            String specSha256,
            String referrerDigest,
            String imageDigest,
            String target,
            boolean alreadyAttached) {}

    /** The spec carried by {@code ref}, checked against its recorded sha256. */
    public static ImageSpec extract(ImageRef ref) throws ImageException, SpecException {
        if (ref.transport() == ImageRef.Transport.DOCKER_ARCHIVE) {
            return fromLabels(DockerArchive.config(ref), ref.toString())
                    .orElseThrow(() -> new ImageException(ref
                            + ": no iocert spec in this image; a docker archive carries no OCI referrers, so the spec must be"
                            + " in the image config labels " + Oci.SPEC_LABEL + " and " + Oci.SPEC_SHA256
                            + " (see docs/spec-travels.md)"));
        }
        Layout layout = Layout.open(ref);
        Descriptor image = layout.select(ref.reference());
        String name = Layout.name(layout, image);
        return carried(layout, image, name)
                .orElseThrow(() -> new ImageException(name + ": no iocert spec in this image;"
                        + " expected a referrer with artifactType " + Oci.ARTIFACT_TYPE
                        + " listed in index.json (as 'iocert"
                        + " spec embed' writes) or the image config label " + Oci.SPEC_LABEL));
    }

    /**
     * What a layout holds for one image, named by tag or by digest (for {@code iocert admit},
     * which resolves a pod's image in a store of layouts): {@code image} is empty when the layout
     * has no such image, {@code spec} is empty when the image carries no spec. A broken layout or
     * a spec that fails its sha256 check is an {@link ImageException}, never "no spec".
     */
    public static Lookup lookup(ImageRef layoutRef, Optional<String> tag, Optional<String> digest)
            throws ImageException, SpecException {
        Layout layout = Layout.open(layoutRef);
        Optional<Descriptor> image = layout.manifests().stream()
                .filter(d -> d.artifactType().isEmpty())
                .filter(d -> digest.isPresent() ? digest.get().equals(d.digest()) : tag.equals(d.refName()))
                .findFirst();
        if (image.isEmpty()) {
            return new Lookup(Optional.empty(), Optional.empty());
        }
        String name = digest.isPresent() ? layout.where() + "@" + digest.get() : Layout.name(layout, image.get());
        return new Lookup(Optional.of(name), carried(layout, image.get(), name));
    }

    /** {@link #lookup}'s answer: the image found (its name), and the spec it carries. */
    public record Lookup(Optional<String> image, Optional<ImageSpec> spec) {}

    /** The spec {@code image} carries: the newest spec referrer, else the config labels; empty when neither. */
    private static Optional<ImageSpec> carried(Layout layout, Descriptor image, String name)
            throws ImageException, SpecException {
        List<Referrer> referrers = layout.specReferrers(image);
        if (!referrers.isEmpty()) {
            Referrer newest = referrers.get(referrers.size() - 1);
            ImageSpec s = fromReferrer(layout, newest, name);
            if (referrers.size() == 1) {
                return Optional.of(s);
            }
            return Optional.of(new ImageSpec(
                    s.spec(),
                    s.canonicalJson(),
                    s.origin(),
                    Optional.of(referrers.size()
                            + " iocert specs are attached to " + name + "; using the newest, '"
                            + s.spec().name() + "'"
                            + (newest.created().isEmpty() ? "" : " (created " + newest.created() + ")"))));
        }
        if (image.mediaType().equals(Oci.MANIFEST) || image.mediaType().equals(Oci.DOCKER_MANIFEST)) {
            JsonNode manifest = layout.json(image);
            Descriptor config = Descriptor.of(
                    manifest.get("config"), layout.where() + "/" + Oci.blobPath(image.digest()) + " config");
            return fromLabels(layout.json(config), name);
        }
        return Optional.empty();
    }

    private static ImageSpec fromReferrer(Layout layout, Referrer r, String name) throws ImageException, SpecException {
        String origin = name + " (spec referrer " + r.descriptor().shortDigest() + ")";
        List<Descriptor> layers = new java.util.ArrayList<>();
        int i = 0;
        for (JsonNode l : r.manifest().path("layers")) {
            Descriptor d = Descriptor.of(l, origin + " layers[" + i++ + "]");
            if (d.mediaType().equals(Oci.SPEC_LAYER)) {
                layers.add(d);
            }
        }
        if (layers.size() != 1) {
            throw new ImageException(origin + ": " + layers.size() + " layers of mediaType " + Oci.SPEC_LAYER
                    + "; expected exactly one");
        }
        byte[] content = layout.blob(layers.get(0));
        String recorded = r.manifest().path("annotations").path(Oci.SPEC_SHA256).asText(null);
        return verified(content, recorded, origin, "annotation " + Oci.SPEC_SHA256);
    }

    private static Optional<ImageSpec> fromLabels(JsonNode config, String name) throws ImageException, SpecException {
        JsonNode labels = config.path("config").path("Labels");
        if (!labels.path(Oci.SPEC_LABEL).isTextual()) {
            return Optional.empty();
        }
        byte[] content = labels.get(Oci.SPEC_LABEL).asText().getBytes(StandardCharsets.UTF_8);
        String recorded = labels.path(Oci.SPEC_SHA256).asText(null);
        return Optional.of(
                verified(content, recorded, name + " (label " + Oci.SPEC_LABEL + ")", "label " + Oci.SPEC_SHA256));
    }

    private static ImageSpec verified(byte[] content, String recorded, String origin, String recordedIn)
            throws ImageException, SpecException {
        if (recorded == null || !recorded.matches("[0-9a-f]{64}")) {
            throw new ImageException(
                    origin + ": the " + recordedIn + " is " + (recorded == null ? "missing" : "'" + recorded + "'")
                            + "; expected the spec's sha256 (64 hex digits) beside the spec");
        }
        String text;
        try {
            text = StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(content))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new ImageException(origin + ": the spec is not UTF-8 text; expected the spec's canonical JSON", e);
        }
        Spec spec = SpecLoader.parse(text, origin);
        if (!spec.sha256().equals(recorded)) {
            throw new ImageException(origin + ": the spec's sha256 is " + spec.sha256() + " but the " + recordedIn
                    + " records " + recorded + "; the spec was changed after it was embedded, refusing it");
        }
        // Written by iocert, the content is canonical already; a label set by hand may be laid out otherwise.
        byte[] canonical = Oci.sha256(content).equals("sha256:" + spec.sha256())
                ? content
                : SpecLoader.canonicalJson(text, origin);
        return new ImageSpec(spec, canonical, origin, Optional.empty());
    }

    /**
     * Attaches the spec (its canonical JSON, as {@link SpecLoader#canonicalJson} gives it) to the
     * image {@code image} as a referrer. Without {@code out} the layout or archive is changed in
     * place, as {@code oras attach} does: new blobs and one more index.json entry, the image and
     * its tags untouched. With {@code out} (a new {@code oci:DIR} or {@code oci-archive:FILE})
     * the source is copied there with the referrer added, and is not changed. A spec already
     * attached to the image (same sha256) is not attached twice.
     */
    public static Embedded embed(byte[] canonicalJson, ImageRef image, Optional<ImageRef> out, Instant created)
            throws ImageException, SpecException, IOException {
        Spec spec = SpecLoader.parse(new String(canonicalJson, StandardCharsets.UTF_8), "spec");
        if (!Oci.sha256(canonicalJson).equals("sha256:" + spec.sha256())) {
            throw new IllegalArgumentException("not the canonical JSON of spec " + spec.name());
        }
        if (image.transport() == ImageRef.Transport.DOCKER_ARCHIVE) {
            throw new ImageException(image + ": a docker archive cannot carry an OCI referrer; convert it first"
                    + " ('skopeo copy " + image + " oci:DIR:TAG') and embed into oci:DIR:TAG");
        }
        if (out.isPresent()) {
            checkOut(out.get());
        }
        Layout layout = Layout.open(image);
        Descriptor subject = layout.select(image.reference());
        String name = Layout.name(layout, subject);
        Optional<Referrer> same = layout.specReferrers(subject).stream()
                .filter(r -> spec.sha256()
                        .equals(r.manifest()
                                .path("annotations")
                                .path(Oci.SPEC_SHA256)
                                .asText()))
                .findFirst();
        Map<String, byte[]> files = new LinkedHashMap<>();
        String referrer;
        if (same.isPresent()) {
            referrer = same.get().descriptor().digest();
        } else {
            referrer = referrerFiles(canonicalJson, spec, subject, layout.index(), created, files);
        }
        Path target = out.map(ImageRef::path).orElse(image.path());
        String targetName = out.map(ImageRef::toString).orElse(name);
        if (out.isEmpty()) {
            if (!files.isEmpty()) {
                if (image.transport() == ImageRef.Transport.OCI) {
                    writeInto(image.path(), files);
                } else {
                    rewriteArchive(image.path(), layout.where(), files);
                }
            }
        } else if (out.get().transport() == ImageRef.Transport.OCI) {
            copyToDirectory(image, layout.where(), target, files);
        } else {
            copyToArchive(image, layout.where(), target, files);
        }
        return new Embedded(spec.name(), spec.sha256(), referrer, subject.digest(), targetName, same.isPresent());
    }

    /** The referrer's blobs and the new index.json into {@code files}; returns the referrer's digest. */
    private static String referrerFiles(
            byte[] canonicalJson,
            Spec spec,
            Descriptor subject,
            ObjectNode index,
            Instant created,
            Map<String, byte[]> files)
            throws JsonProcessingException {
        Descriptor layer = new Descriptor(
                Oci.SPEC_LAYER,
                Oci.sha256(canonicalJson),
                canonicalJson.length,
                Optional.empty(),
                Map.of(Oci.TITLE, spec.name() + ".iocert.json"));
        Descriptor config = new Descriptor(
                Oci.EMPTY, Oci.sha256(Oci.EMPTY_JSON), Oci.EMPTY_JSON.length, Optional.empty(), Map.of());
        Map<String, String> annotations = new LinkedHashMap<>();
        annotations.put(Oci.CREATED, created.truncatedTo(ChronoUnit.SECONDS).toString());
        annotations.put(Oci.SPEC_NAME, spec.name());
        annotations.put(Oci.SPEC_SHA256, spec.sha256());
        ObjectNode manifest = Oci.JSON.createObjectNode();
        manifest.put("schemaVersion", 2).put("mediaType", Oci.MANIFEST).put("artifactType", Oci.ARTIFACT_TYPE);
        manifest.set("config", config.toJson());
        manifest.putArray("layers").add(layer.toJson());
        manifest.set(
                "subject",
                new Descriptor(subject.mediaType(), subject.digest(), subject.size(), Optional.empty(), Map.of())
                        .toJson());
        ObjectNode a = manifest.putObject("annotations");
        annotations.forEach(a::put);
        byte[] manifestBytes = Oci.JSON.writeValueAsBytes(manifest);
        Descriptor entry = new Descriptor(
                Oci.MANIFEST,
                Oci.sha256(manifestBytes),
                manifestBytes.length,
                Optional.of(Oci.ARTIFACT_TYPE),
                annotations);
        ObjectNode newIndex = index.deepCopy();
        ((ArrayNode) newIndex.get("manifests")).add(entry.toJson());
        files.put(Oci.blobPath(config.digest()), Oci.EMPTY_JSON);
        files.put(Oci.blobPath(layer.digest()), canonicalJson);
        files.put(Oci.blobPath(entry.digest()), manifestBytes);
        files.put("index.json", Oci.JSON.writeValueAsBytes(newIndex));
        return entry.digest();
    }

    private static void checkOut(ImageRef out) throws ImageException {
        if (out.transport() == ImageRef.Transport.DOCKER_ARCHIVE) {
            throw new ImageException("--out " + out + ": a docker archive cannot carry an OCI referrer; expected"
                    + " oci:DIR or oci-archive:FILE");
        }
        if (out.reference().isPresent()) {
            throw new ImageException("--out " + out + ": names a tag; expected oci:DIR or oci-archive:FILE (the copy"
                    + " keeps the source's tags)");
        }
        if (Files.exists(out.path())) {
            throw new ImageException("--out " + out + ": " + out.path() + " already exists; iocert does not overwrite"
                    + " images (choose another path or remove it)");
        }
    }

    /** Blobs first, index.json last and atomically: a crash leaves at most unreferenced blobs. */
    private static void writeInto(Path dir, Map<String, byte[]> files) throws IOException {
        for (Map.Entry<String, byte[]> f : files.entrySet()) {
            if (f.getKey().equals("index.json")) {
                continue;
            }
            try {
                AtomicFiles.write(dir.resolve(f.getKey()), f.getValue(), false);
            } catch (FileAlreadyExistsException e) {
                // content-addressed: the same blob is already there
            }
        }
        AtomicFiles.write(dir.resolve("index.json"), files.get("index.json"), true);
    }

    private static void rewriteArchive(Path archive, String where, Map<String, byte[]> files)
            throws ImageException, IOException {
        writeArchive(archive, true, o -> Tars.copyReplacing(archive, where, o, files));
    }

    private static void copyToArchive(ImageRef image, String where, Path target, Map<String, byte[]> files)
            throws ImageException, IOException {
        writeArchive(target, false, o -> {
            if (image.transport() == ImageRef.Transport.OCI) {
                Tars.pack(image.path(), o, files);
            } else {
                Tars.copyReplacing(image.path(), where, o, files);
            }
        });
    }

    /** What goes into an archive being written. */
    private interface ArchiveBody {
        void writeTo(OutputStream out) throws ImageException, IOException;
    }

    /**
     * Writes an archive through a hidden sibling forced to storage, then either replaces
     * {@code target} atomically, keeping its permissions, or ({@code !replace}) creates it with a
     * hard link, which fails atomically if someone created the target meanwhile.
     */
    private static void writeArchive(Path target, boolean replace, ArchiveBody body)
            throws ImageException, IOException {
        Path tmp = temporarySibling(target);
        try {
            try (OutputStream o = Files.newOutputStream(tmp, StandardOpenOption.CREATE_NEW)) {
                body.writeTo(o);
            }
            force(tmp);
            if (replace) {
                try {
                    Files.setPosixFilePermissions(tmp, Files.getPosixFilePermissions(target));
                } catch (UnsupportedOperationException e) {
                    // not a POSIX filesystem: the new file keeps default permissions
                }
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } else {
                Files.createLink(target, tmp);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private static void copyToDirectory(ImageRef image, String where, Path target, Map<String, byte[]> files)
            throws ImageException, IOException {
        Path tmp = temporarySibling(target);
        try {
            Files.createDirectories(tmp);
            if (image.transport() == ImageRef.Transport.OCI) {
                try (Stream<Path> walk = Files.walk(image.path())) {
                    for (Path p : (Iterable<Path>) walk::iterator) {
                        Path to = tmp.resolve(image.path().relativize(p).toString());
                        if (Files.isDirectory(p)) {
                            Files.createDirectories(to);
                        } else if (Files.isRegularFile(p)) {
                            Files.copy(p, to);
                        }
                    }
                }
            } else {
                Tars.unpack(image.path(), where, tmp);
            }
            for (Map.Entry<String, byte[]> f : files.entrySet()) {
                AtomicFiles.write(tmp.resolve(f.getKey()), f.getValue(), true);
            }
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            if (Files.exists(tmp)) {
                try (Stream<Path> walk = Files.walk(tmp)) {
                    for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                        Files.deleteIfExists(p);
                    }
                }
            }
        }
    }

    private static Path temporarySibling(Path target) {
        Path abs = target.toAbsolutePath();
        return abs.resolveSibling(
                "." + abs.getFileName() + "." + UUID.randomUUID().toString().substring(0, 8) + ".tmp");
    }

    private static void force(Path file) throws IOException {
        try (FileChannel c = FileChannel.open(file, StandardOpenOption.WRITE)) {
            c.force(true);
        }
    }
}
