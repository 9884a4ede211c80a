package io.iocert.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.iocert.spec.SpecLoader;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The spec inside images that the real tools build and read, offline: umoci makes a layout
 * (with one real layer), iocert embeds the spec, and umoci and skopeo must still accept the
 * result; skopeo copies it between oci:, oci-archive: and docker-archive:, and the spec is read
 * back wherever the format carries it. Skipped, saying so, where umoci or skopeo is missing.
 */
class OciRealToolsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    Path spec;
    Path layout;
    byte[] canonical;

    @BeforeEach
    void imageByUmoci() throws Exception {
        assumeTrue(onPath("umoci"), "umoci is not installed here (Debian: apt-get install umoci)");
        assumeTrue(onPath("skopeo"), "skopeo is not installed here (Debian: apt-get install skopeo)");
        spec = Files.writeString(
                tmp.resolve("job.yaml"),
                String.join(
                        "\n",
                        "iocert: v1",
                        "name: travelling",
                        "requirements:",
                        "  - id: w",
                        "    probe: fs.write",
                        "    expect: {throughput: {p10: \">= 1 MB/s\"}}",
                        ""));
        canonical = SpecLoader.canonicalJson(spec);
        layout = tmp.resolve("img");
        tool("umoci", "init", "--layout", layout.toString());
        tool("umoci", "new", "--image", layout + ":latest");
        Path content = Files.writeString(tmp.resolve("hello.txt"), "a file in a real layer\n");
        List<String> insert = new ArrayList<>(List.of("umoci", "insert"));
        if (!isRoot()) {
            insert.add("--rootless");
        }
        insert.addAll(List.of("--image", layout + ":latest", content.toString(), "/hello.txt"));
        tool(insert.toArray(String[]::new));
    }

    @Test
    void umociAndSkopeoShouldStillReadALayoutAfterEmbedding() throws Exception {
        String before = digest(tool("skopeo", "inspect", "oci:" + layout + ":latest"));
        embed("oci:" + layout + ":latest");
        assertArrayEquals(canonical, extract("oci:" + layout + ":latest"));

        assertEquals("latest\n", tool("umoci", "ls", "--layout", layout.toString()), "umoci lists the tag and no more");
        tool("umoci", "stat", "--image", layout + ":latest");
        assertEquals(before, digest(tool("skopeo", "inspect", "oci:" + layout + ":latest")), "the image is unchanged");
        tool("umoci", "gc", "--layout", layout.toString());
        assertArrayEquals(canonical, extract("oci:" + layout), "umoci gc keeps the referrer: index.json lists it");

        // skopeo copies the image, not the referrers attached to it: the copies carry no spec.
        Path archive = tmp.resolve("copy.tar");
        skopeoCopy("oci:" + layout + ":latest", "oci-archive:" + archive + ":latest");
        skopeoCopy("oci:" + layout + ":latest", "oci:" + tmp.resolve("copy") + ":latest");
        for (String copy : List.of("oci-archive:" + archive, "oci:" + tmp.resolve("copy"))) {
            CliRunner r = CliRunner.run("spec", "extract", "--image", copy);
            assertEquals(2, r.code(), r.err());
            assertTrue(r.err().contains("no iocert spec in this image"), r.err());
        }
    }

    @Test
    void skopeoShouldStillReadAnArchiveAfterEmbeddingAndCopiesMadeByIocertCarryTheSpec() throws Exception {
        Path archive = tmp.resolve("img.tar");
        skopeoCopy("oci:" + layout + ":latest", "oci-archive:" + archive + ":latest");
        embed("oci-archive:" + archive);
        assertArrayEquals(canonical, extract("oci-archive:" + archive + ":latest"));
        tool("skopeo", "inspect", "oci-archive:" + archive + ":latest");
        Path unpacked = tmp.resolve("unpacked");
        skopeoCopy("oci-archive:" + archive + ":latest", "oci:" + unpacked + ":latest");
        tool("umoci", "stat", "--image", unpacked + ":latest");

        Path dir = tmp.resolve("from-archive");
        Path archive2 = tmp.resolve("from-layout.tar");
        assertEquals(
                0,
                CliRunner.run(
                                "spec",
                                "embed",
                                "--spec",
                                spec.toString(),
                                "--image",
                                "oci-archive:" + archive,
                                "--out",
                                "oci:" + dir)
                        .code());
        assertEquals(
                0,
                CliRunner.run(
                                "spec",
                                "embed",
                                "--spec",
                                spec.toString(),
                                "--image",
                                "oci:" + layout,
                                "--out",
                                "oci-archive:" + archive2)
                        .code());
        assertEquals("latest\n", tool("umoci", "ls", "--layout", dir.toString()));
        tool("skopeo", "inspect", "oci:" + dir + ":latest");
        tool("skopeo", "inspect", "oci-archive:" + archive2 + ":latest");
        assertArrayEquals(canonical, extract("oci:" + dir));
        assertArrayEquals(canonical, extract("oci-archive:" + archive2));
        assertEquals(
                2,
                CliRunner.run("spec", "extract", "--image", "oci:" + layout).code(),
                "--out left the source as it was");
    }

    @Test
    void aSpecInImageConfigLabelsShouldSurviveSkopeoCopiesToEveryFormat() throws Exception {
        tool(
                "umoci",
                "config",
                "--image",
                layout + ":latest",
                "--config.label",
                "io.iocert.spec.v1=" + new String(canonical, StandardCharsets.UTF_8),
                "--config.label",
                "io.iocert.spec.sha256=" + OciSpecImageTest.sha256(canonical));
        assertArrayEquals(canonical, extract("oci:" + layout + ":latest"));
        Path docker = tmp.resolve("docker.tar");
        Path archive = tmp.resolve("oci.tar");
        skopeoCopy("oci:" + layout + ":latest", "docker-archive:" + docker + ":job:v1");
        skopeoCopy("docker-archive:" + docker, "oci-archive:" + archive + ":v1");
        assertArrayEquals(canonical, extract("docker-archive:" + docker));
        assertArrayEquals(canonical, extract("docker-archive:" + docker + ":job:v1"));
        assertArrayEquals(canonical, extract("oci-archive:" + archive + ":v1"));

        CliRunner run = CliRunner.run("spec", "validate", "docker-archive:" + docker);
        assertEquals(0, run.code(), run.err());
        CliRunner noReferrer =
                CliRunner.run("spec", "embed", "--spec", spec.toString(), "--image", "docker-archive:" + docker);
        assertEquals(2, noReferrer.code());
        assertTrue(
                noReferrer.err().contains("a docker archive cannot carry an OCI referrer; convert it first"),
                noReferrer.err());
    }

    private void embed(String image) {
        CliRunner r = CliRunner.run("spec", "embed", "--spec", spec.toString(), "--image", image);
        assertEquals(0, r.code(), r.out() + r.err());
    }

    private byte[] extract(String image) throws IOException {
        Path out = tmp.resolve("extracted-" + System.nanoTime() + ".json");
        CliRunner r = CliRunner.run("spec", "extract", "--image", image, "--out", out.toString());
        assertEquals(0, r.code(), image + ": " + r.err());
        return Files.readAllBytes(out);
    }

    private String skopeoCopy(String from, String to) throws Exception {
        // --insecure-policy: no /etc/containers/policy.json is needed for local, offline copies.
        return tool("skopeo", "--insecure-policy", "copy", "-q", from, to);
    }

    private static String digest(String inspectJson) throws IOException {
        return JSON.readTree(inspectJson).get("Digest").asText();
    }

    /** Runs a tool, fails the test with its output unless it exits 0, and returns its standard output. */
    private String tool(String... command) throws Exception {
        Path errFile = tmp.resolve("tool.err");
        Process p = new ProcessBuilder(command).redirectError(errFile.toFile()).start();
        byte[] out = p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), String.join(" ", command) + " did not finish");
        assertEquals(0, p.exitValue(), String.join(" ", command) + ": " + Files.readString(errFile));
        return new String(out, StandardCharsets.UTF_8);
    }

    private static boolean onPath(String tool) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (Files.isExecutable(Path.of(dir, tool))) {
                return true;
            }
        }
        return false;
    }

    private static boolean isRoot() {
        try {
            return "0"
                    .equals(new String(
                                    new ProcessBuilder("id", "-u")
                                            .start()
                                            .getInputStream()
                                            .readAllBytes(),
                                    StandardCharsets.US_ASCII)
                            .trim());
        } catch (IOException e) {
            return false;
        }
    }
}
