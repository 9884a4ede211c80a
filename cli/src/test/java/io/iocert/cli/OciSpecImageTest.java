package io.iocert.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.iocert.spec.SpecLoader;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code spec embed}, {@code spec extract} and {@code --spec IMAGE} on hand-made OCI layouts:
 * the format written, reading it back, and every kind of bad image (exit 2, one message that
 * names the image). OciRealToolsTest checks the same against layouts umoci and skopeo make.
 */
class OciSpecImageTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SPEC = String.join(
            "\n",
            "iocert: v1",
            "name: imported-fio",
            "# a comment that the canonical form drops",
            "requirements:",
            "  - id: restart-read",
            "    probe: fs.read",
            "    expect:",
            "      latency: {p90: \"<= 100 ms\"}",
            "");

    @TempDir
    Path tmp;

    Path specFile;

    @BeforeEach
    void writeSpec() throws Exception {
        specFile = Files.writeString(tmp.resolve("job.yaml"), SPEC);
    }

    @Test
    void shouldAttachTheCanonicalSpecAsAReferrerAndLeaveTheImageAsItWas() throws Exception {
        Path dir = imageLayout("img", Map.of());
        JsonNode before = index(dir);
        String image = before.get("manifests").get(0).get("digest").asText();

        CliRunner embed =
                CliRunner.run("spec", "embed", "--spec", specFile.toString(), "--image", "oci:" + dir + ":latest");
        assertEquals(0, embed.code(), embed.err());
        assertTrue(embed.out().contains("the image " + image + " now has spec 'imported-fio'"), embed.out());

        JsonNode after = index(dir);
        assertEquals(
                before.get("manifests").get(0),
                after.get("manifests").get(0),
                "the image's entry and tag are unchanged");
        assertEquals(2, after.get("manifests").size());
        JsonNode entry = after.get("manifests").get(1);
        assertEquals("application/vnd.iocert.spec.v1", entry.get("artifactType").asText());
        assertFalse(entry.path("annotations").has("org.opencontainers.image.ref.name"), "a referrer is not tagged");

        JsonNode manifest = JSON.readTree(blob(dir, entry.get("digest").asText()));
        assertEquals(2, manifest.get("schemaVersion").asInt());
        assertEquals(
                "application/vnd.oci.image.manifest.v1+json",
                manifest.get("mediaType").asText());
        assertEquals(
                "application/vnd.iocert.spec.v1", manifest.get("artifactType").asText());
        assertEquals(
                "application/vnd.oci.empty.v1+json",
                manifest.get("config").get("mediaType").asText());
        assertEquals(
                "{}", new String(blob(dir, manifest.get("config").get("digest").asText()), StandardCharsets.UTF_8));
        assertEquals(image, manifest.get("subject").get("digest").asText());
        assertEquals(1, manifest.get("layers").size());
        JsonNode layer = manifest.get("layers").get(0);
        assertEquals(
                "application/vnd.iocert.spec.v1+json", layer.get("mediaType").asText());
        String sha = SpecLoader.load(specFile).sha256();
        assertEquals(
                "sha256:" + sha,
                layer.get("digest").asText(),
                "the layer is the canonical JSON: its digest is the spec's sha256");
        assertEquals(
                sha, manifest.get("annotations").get("io.iocert.spec.sha256").asText());
        assertEquals(
                "imported-fio",
                manifest.get("annotations").get("io.iocert.spec.name").asText());
        assertTrue(manifest.get("annotations")
                .get("org.opencontainers.image.created")
                .asText()
                .matches("\\d{4}-.*Z"));
        assertArrayEquals(
                SpecLoader.canonicalJson(specFile),
                blob(dir, layer.get("digest").asText()));

        Path out = tmp.resolve("back.json");
        CliRunner extract = CliRunner.run("spec", "extract", "--image", "oci:" + dir, "--out", out.toString());
        assertEquals(0, extract.code(), extract.err());
        assertEquals(sha, sha256(Files.readAllBytes(out)), "the extracted file hashes to the spec's sha256");
        assertEquals(sha, SpecLoader.load(out).sha256());

        CliRunner again = CliRunner.run("spec", "embed", "--spec", specFile.toString(), "--image", "oci:" + dir);
        assertEquals(0, again.code(), again.err());
        assertTrue(again.err().contains("already attached"), again.err());
        assertEquals(2, index(dir).get("manifests").size(), "the same spec is not attached twice");
    }

    @Test
    void shouldAcceptAnImageWhereverASpecFileIsAccepted() throws Exception {
        Path dir = imageLayout("img", Map.of());
        assertEquals(
                0,
                CliRunner.run("spec", "embed", "--spec", specFile.toString(), "--image", "oci:" + dir)
                        .code());
        String ref = "oci:" + dir + ":latest";

        CliRunner validate = CliRunner.run("spec", "validate", ref);
        assertEquals(0, validate.code(), validate.err());
        assertEquals(ref + ": OK (spec 'imported-fio', 1 requirements)\n", validate.out());

        CliRunner withdraw = CliRunner.run("export", "--to", "slurm", "--withdraw", "cn1", "--spec", ref);
        assertEquals(0, withdraw.code(), withdraw.err());
        assertTrue(withdraw.out().contains("'iocert_imported_fio'"), withdraw.out());

        Path result = tmp.resolve("fio.result.json");
        Path fio = tmp.resolve("fio.json");
        try (InputStream in = getClass().getResourceAsStream("/imports/fio-two-jobs.jsonplus.json")) {
            Files.copy(in, fio);
        }
        assertEquals(
                0,
                CliRunner.run(
                                "import",
                                "fio",
                                fio.toString(),
                                "--out",
                                result.toString(),
                                "--map",
                                "randread=restart-read")
                        .code());
        CliRunner fromFile =
                CliRunner.run("certify", "--spec", specFile.toString(), "--format", "json", result.toString());
        CliRunner fromImage = CliRunner.run("certify", "--spec", ref, "--format", "json", result.toString());
        assertEquals(0, fromImage.code(), fromImage.err());
        assertEquals(
                fromFile.out(), fromImage.out(), "the same report, spec sha256 included, from the file and the image");
    }

    @Test
    void shouldKeepAFileWhoseNameLooksLikeAnImageAFile() throws Exception {
        Path cwdFile = Path.of("oci:" + getClass().getSimpleName() + "-"
                + ProcessHandle.current().pid() + ".yaml");
        try {
            Files.writeString(cwdFile, SPEC);
            CliRunner r = CliRunner.run("spec", "validate", cwdFile.toString());
            assertEquals(0, r.code(), r.err());
        } finally {
            Files.deleteIfExists(cwdFile);
        }
    }

    @Test
    void shouldWriteACopyWithOutAndLeaveTheSourceUntouched() throws Exception {
        Path dir = imageLayout("img", Map.of());
        byte[] index = Files.readAllBytes(dir.resolve("index.json"));
        Path archive = tmp.resolve("img.tar");
        CliRunner r = CliRunner.run(
                "spec",
                "embed",
                "--spec",
                specFile.toString(),
                "--image",
                "oci:" + dir,
                "--out",
                "oci-archive:" + archive);
        assertEquals(0, r.code(), r.err());
        assertArrayEquals(index, Files.readAllBytes(dir.resolve("index.json")));
        assertEquals(
                2,
                CliRunner.run("spec", "extract", "--image", "oci:" + dir + ":latest")
                        .code(),
                "the source still has no spec");
        CliRunner fromArchive = CliRunner.run("spec", "extract", "--image", "oci-archive:" + archive + ":latest");
        assertEquals(0, fromArchive.code(), fromArchive.err());

        Path copy = tmp.resolve("copy");
        CliRunner toDir = CliRunner.run(
                "spec",
                "embed",
                "--spec",
                specFile.toString(),
                "--image",
                "oci-archive:" + archive,
                "--out",
                "oci:" + copy);
        assertEquals(0, toDir.code(), toDir.err());
        assertTrue(toDir.err().contains("already attached"), toDir.err());
        assertEquals(
                0, CliRunner.run("spec", "extract", "--image", "oci:" + copy).code());

        CliRunner exists = CliRunner.run(
                "spec", "embed", "--spec", specFile.toString(), "--image", "oci:" + dir, "--out", "oci:" + copy);
        assertBadInput(exists, "--out oci:" + copy + ": " + copy + " already exists; iocert does not overwrite images");
        CliRunner tagged = CliRunner.run(
                "spec",
                "embed",
                "--spec",
                specFile.toString(),
                "--image",
                "oci:" + dir,
                "--out",
                "oci:" + tmp.resolve("new") + ":v2");
        assertBadInput(tagged, "names a tag; expected oci:DIR or oci-archive:FILE");
        assertFalse(Files.exists(tmp.resolve("new")));
    }

    @Test
    void shouldUseTheNewestOfSeveralAttachedSpecsAndSaySo() throws Exception {
        Path dir = imageLayout("img", Map.of());
        assertEquals(
                0,
                CliRunner.run("spec", "embed", "--spec", specFile.toString(), "--image", "oci:" + dir)
                        .code());
        Thread.sleep(1100); // created annotations have one-second resolution
        Path second = Files.writeString(tmp.resolve("second.yaml"), SPEC.replace("imported-fio", "second"));
        assertEquals(
                0,
                CliRunner.run("spec", "embed", "--spec", second.toString(), "--image", "oci:" + dir)
                        .code());
        CliRunner r = CliRunner.run("spec", "validate", "oci:" + dir);
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("(spec 'second'"), r.out());
        assertTrue(
                r.err()
                        .contains("note: 2 iocert specs are attached to oci:" + dir + ":latest; using the newest,"
                                + " 'second'"),
                r.err());
    }

    @Test
    void shouldReadTheSpecFromImageConfigLabels() throws Exception {
        byte[] canonical = SpecLoader.canonicalJson(specFile);
        Path dir = imageLayout(
                "img",
                Map.of(
                        "io.iocert.spec.v1",
                        new String(canonical, StandardCharsets.UTF_8),
                        "io.iocert.spec.sha256",
                        sha256(canonical)));
        CliRunner r = CliRunner.run("spec", "extract", "--image", "oci:" + dir);
        assertEquals(0, r.code(), r.err());
        assertEquals(new String(canonical, StandardCharsets.UTF_8), r.out());

        Path yaml = imageLayout("yaml", Map.of("io.iocert.spec.v1", SPEC, "io.iocert.spec.sha256", sha256(canonical)));
        CliRunner fromYaml = CliRunner.run("spec", "extract", "--image", "oci:" + yaml);
        assertEquals(0, fromYaml.code(), fromYaml.err());
        assertEquals(
                new String(canonical, StandardCharsets.UTF_8), fromYaml.out(), "a label in YAML comes out canonical");

        Path bad = imageLayout(
                "bad",
                Map.of(
                        "io.iocert.spec.v1",
                        new String(canonical, StandardCharsets.UTF_8).replace("100 ms", "200 ms"),
                        "io.iocert.spec.sha256",
                        sha256(canonical)));
        assertBadInput(
                CliRunner.run("spec", "extract", "--image", "oci:" + bad),
                "oci:" + bad + ":latest (label io.iocert.spec.v1): the spec's sha256 is ");
    }

    @Test
    void shouldRefuseASpecWhoseSha256DoesNotMatchTheRecordedOne() throws Exception {
        Path dir = imageLayout("img", Map.of());
        assertEquals(
                0,
                CliRunner.run("spec", "embed", "--spec", specFile.toString(), "--image", "oci:" + dir)
                        .code());
        // Re-record the referrer with another sha256, every digest kept consistent: only the recorded sha256 lies.
        ObjectNode index = (ObjectNode) index(dir);
        ObjectNode entry = (ObjectNode) index.get("manifests").get(1);
        ObjectNode manifest =
                (ObjectNode) JSON.readTree(blob(dir, entry.get("digest").asText()));
        String wrong = "0".repeat(64);
        ((ObjectNode) manifest.get("annotations")).put("io.iocert.spec.sha256", wrong);
        byte[] bytes = JSON.writeValueAsBytes(manifest);
        entry.put("digest", putBlob(dir, bytes)).put("size", bytes.length);
        Files.write(dir.resolve("index.json"), JSON.writeValueAsBytes(index));

        CliRunner r = CliRunner.run("spec", "extract", "--image", "oci:" + dir);
        assertBadInput(
                r,
                "the spec's sha256 is " + SpecLoader.load(specFile).sha256()
                        + " but the annotation io.iocert.spec.sha256 records " + wrong
                        + "; the spec was changed after it was"
                        + " embedded, refusing it");
        CliRunner run = CliRunner.run(
                "certify", "--spec", "oci:" + dir, tmp.resolve("none.json").toString());
        assertBadInput(run, "refusing it");
    }

    @Test
    void shouldRefuseABlobThatDoesNotMatchItsDigest() throws Exception {
        Path dir = imageLayout("img", Map.of());
        assertEquals(
                0,
                CliRunner.run("spec", "embed", "--spec", specFile.toString(), "--image", "oci:" + dir)
                        .code());
        String sha = SpecLoader.load(specFile).sha256();
        Path layer = dir.resolve("blobs/sha256/" + sha);
        Files.writeString(layer, Files.readString(layer).replace("100 ms", "900 ms"));
        assertBadInput(
                CliRunner.run("spec", "extract", "--image", "oci:" + dir),
                "blob sha256:" + sha + " (application/vnd.iocert.spec.v1+json) does not match its digest or size");
    }

    @Test
    void shouldRefuseBadImagesWithOneMessageNamingThem() throws Exception {
        Path plain = imageLayout("plain", Map.of());
        assertBadInput(
                CliRunner.run("spec", "extract", "--image", "oci:" + plain),
                "oci:" + plain + ":latest: no iocert spec in this image; expected a referrer with artifactType"
                        + " application/vnd.iocert.spec.v1");
        assertBadInput(
                CliRunner.run("spec", "extract", "--image", "oci:" + plain + ":v9"),
                "oci:" + plain + ": no image tagged 'v9'; its tags: latest");
        Path missing = tmp.resolve("missing");
        assertBadInput(
                CliRunner.run("run", "--spec", "oci:" + missing),
                "oci:" + missing + ": " + missing + " does not exist; expected an OCI image layout directory");
        assertBadInput(
                CliRunner.run("spec", "extract", "--image", "oci-archive:" + missing),
                "oci-archive:" + missing + ": " + missing + " does not exist; expected a tar archive");
        Path notLayout = Files.createDirectories(tmp.resolve("empty"));
        assertBadInput(
                CliRunner.run("spec", "extract", "--image", "oci:" + notLayout),
                "oci:" + notLayout + ": no oci-layout file; expected an OCI image layout directory");
        Path malformed = imageLayout("malformed", Map.of());
        Files.writeString(malformed.resolve("index.json"), "{\"schemaVersion\": 2, \"manifests\": [");
        assertBadInput(
                CliRunner.run(
                        "probe",
                        "--spec",
                        "oci:" + malformed,
                        "--out",
                        tmp.resolve("r.json").toString()),
                "oci:" + malformed + "/index.json is not valid JSON (");
        Files.writeString(malformed.resolve("index.json"), "{\"schemaVersion\": 2}");
        assertEquals(
                0, CliRunner.run("keygen", "--out", tmp.resolve("k").toString()).code());
        assertBadInput(
                CliRunner.run(
                        "verify",
                        tmp.resolve("c.json").toString(),
                        "--key",
                        tmp.resolve("k.pub").toString(),
                        "--spec",
                        "oci:" + malformed),
                "oci:" + malformed + "/index.json is not an OCI image index");
        assertBadInput(
                CliRunner.run("spec", "extract", "--image", "oci:" + malformed),
                "oci:" + malformed + "/index.json is not an OCI image index; expected an object with schemaVersion 2"
                        + " and a manifests array");
        Path notTar = Files.writeString(tmp.resolve("not.tar"), "hello");
        assertBadInput(
                CliRunner.run("spec", "extract", "--image", "oci-archive:" + notTar), "oci-archive:" + notTar + ": ");
        assertBadInput(
                CliRunner.run("spec", "embed", "--spec", specFile.toString(), "--image", "docker-archive:" + notTar),
                "a docker archive cannot carry an OCI referrer");
        assertBadInput(CliRunner.run("spec", "extract", "--image", "oci:"), "'oci:' names no directory");
        assertBadInput(CliRunner.run("spec", "extract"), "'spec extract' needs --image REF");
        assertBadInput(
                CliRunner.run("spec", "embed", "--image", "oci:" + plain),
                "'spec embed' needs --spec FILE and --image REF");
        assertBadInput(
                CliRunner.run("spec", "validate", "--image", "oci:" + plain),
                "--image belongs to 'spec embed', 'spec extract'");
    }

    private static void assertBadInput(CliRunner r, String message) {
        assertEquals(2, r.code(), r.out() + r.err());
        assertTrue(r.err().contains(message), r.err());
        assertTrue(r.noStackTrace(), r.err());
        assertTrue(r.err().lines().count() <= 2, "one message (and at most a hint): " + r.err());
    }

    /** A minimal single-image layout as umoci makes it: config, manifest without layers, tagged "latest". */
    private Path imageLayout(String name, Map<String, String> labels) throws Exception {
        Path dir = Files.createDirectories(tmp.resolve(name).resolve("blobs/sha256"))
                .getParent()
                .getParent();
        Files.writeString(dir.resolve("oci-layout"), "{\"imageLayoutVersion\":\"1.0.0\"}");
        ObjectNode config = JSON.createObjectNode().put("architecture", "amd64").put("os", "linux");
        ObjectNode labelNode = config.putObject("config").putObject("Labels");
        labels.forEach(labelNode::put);
        config.putObject("rootfs").put("type", "layers").putArray("diff_ids");
        byte[] configBytes = JSON.writeValueAsBytes(config);
        ObjectNode manifest = JSON.createObjectNode().put("schemaVersion", 2);
        manifest.putObject("config")
                .put("mediaType", "application/vnd.oci.image.config.v1+json")
                .put("digest", putBlob(dir, configBytes))
                .put("size", configBytes.length);
        manifest.putArray("layers");
        byte[] manifestBytes = JSON.writeValueAsBytes(manifest);
        ObjectNode index = JSON.createObjectNode().put("schemaVersion", 2);
        index.putArray("manifests")
                .addObject()
                .put("mediaType", "application/vnd.oci.image.manifest.v1+json")
                .put("digest", putBlob(dir, manifestBytes))
                .put("size", manifestBytes.length)
                .putObject("annotations")
                .put("org.opencontainers.image.ref.name", "latest");
        Files.write(dir.resolve("index.json"), JSON.writeValueAsBytes(index));
        return dir;
    }

    private static String putBlob(Path dir, byte[] content) throws Exception {
        String hex = sha256(content);
        Files.write(dir.resolve("blobs/sha256/" + hex), content);
        return "sha256:" + hex;
    }

    private static byte[] blob(Path dir, String digest) throws Exception {
        return Files.readAllBytes(dir.resolve("blobs/sha256/" + digest.substring("sha256:".length())));
    }

    private static JsonNode index(Path dir) throws Exception {
        return JSON.readTree(dir.resolve("index.json").toFile());
    }

    static String sha256(byte[] content) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
    }
}
