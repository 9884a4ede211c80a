package io.iocert.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The HTML report in a real browser: headless Chromium loads a run's {@code report.html} from
 * disk (no network), and the test reads back the rendered DOM and a screenshot. It checks that
 * the page's own script ran and found every plot curve drawn with a length, that the verdicts
 * are in the DOM, and that the screenshot holds the plot and verdict colours in quantity, so
 * the plots were painted. Screenshots are kept in {@code target/browser/} for a person to look at.
 * Skips, saying why, where no Chromium is installed ({@code .ci/run} installs Debian's).
 */
class HtmlReportBrowserIT {
    private static final Path SHOTS = Path.of("target", "browser");
    private static final int CURVE_BLUE = 0x0969da;
    private static final int PASS_GREEN = 0x1a7f37;
    private static final int INCONCLUSIVE_AMBER = 0x9a6700;
    private static final int BAND_BLUE = 0x54aeff;

    @TempDir
    static Path tmp;

    private static String browser;

    @BeforeAll
    static void findBrowser() {
        browser = Optional.ofNullable(System.getenv("IOCERT_CHROMIUM"))
                .filter(s -> !s.isBlank())
                .or(() -> onPath("chromium"))
                .or(() -> onPath("chromium-browser"))
                .or(() -> onPath("google-chrome"))
                .orElse(null);
    }

    private static Optional<String> onPath(String name) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            Path p = Path.of(dir, name);
            if (Files.isExecutable(p)) {
                return Optional.of(p.toString());
            }
        }
        return Optional.empty();
    }

    private static Path spec() throws IOException {
        Path f = tmp.resolve("spec.yaml");
        Files.writeString(f, """
                iocert: v1
                name: browser-test
                budget: 4s
                requirements:
                  - id: seq-write
                    probe: fs.write
                    workload: {pattern: sequential, blockSize: 1MiB, fileSize: 16MiB, duration: 1s, interval: 20ms,
                               direct: auto}
                    expect:
                      throughput: {p10: ">= 1 MB/s"}
                  - id: rand-read
                    probe: fs.read
                    workload: {pattern: random, blockSize: 4KiB, fileSize: 16MiB, duration: 1s, direct: auto}
                    expect:
                      latency: {p50: "<= 1 s", p90: "<= 2 s"}
                  - id: rtt
                    probe: net.pingpong
                    workload: {messageSize: 1KiB, duration: 1s}
                    expect:
                      rtt: {p50: "<= 1 s"}
                """);
        return f;
    }

    private record Browser(int code, String out, String err) {}

    private static Browser chromium(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(
                browser,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--hide-scrollbars",
                "--no-first-run",
                "--user-data-dir=" + tmp.resolve("profile")));
        cmd.addAll(List.of(args));
        Path out = tmp.resolve("chromium.out");
        Path err = tmp.resolve("chromium.err");
        Process p = new ProcessBuilder(cmd)
                .redirectOutput(out.toFile())
                .redirectError(err.toFile())
                .start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("chromium did not finish in 120 s: " + Files.readString(err));
        }
        return new Browser(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err));
    }

    private static int count(String text, String regex) {
        Matcher m = Pattern.compile(regex).matcher(text);
        int n = 0;
        while (m.find()) {
            n++;
        }
        return n;
    }

    /** How many pixels are within a small distance of {@code rgb}. */
    private static long pixels(BufferedImage img, int rgb) {
        long n = 0;
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) {
                int c = img.getRGB(x, y);
                int dr = ((c >> 16) & 0xff) - ((rgb >> 16) & 0xff);
                int dg = ((c >> 8) & 0xff) - ((rgb >> 8) & 0xff);
                int db = (c & 0xff) - (rgb & 0xff);
                if (dr * dr + dg * dg + db * db < 24 * 24) {
                    n++;
                }
            }
        }
        return n;
    }

    @Test
    void shouldRenderTheVerdictsAndPlotsOfARunInABrowser() throws Exception {
        assumeTrue(
                browser != null,
                "no Chromium found (chromium, chromium-browser, google-chrome or $IOCERT_CHROMIUM);"
                        + " .ci/run installs Debian's chromium");
        Path out = tmp.resolve("run");
        CliRunner run = CliRunner.run(
                "run",
                "--spec",
                spec().toString(),
                "--fs-path",
                Files.createDirectories(tmp.resolve("fs")).toString(),
                "--out",
                out.toString());
        // Lenient thresholds; on a busy machine a quantile can still be honestly INCONCLUSIVE
        // (clustered samples), so the page is checked against what the run decided.
        assertTrue(run.code() == 0 || run.code() == 3, "a lenient spec is met or undecided: " + run.out() + run.err());
        JsonNode report = new ObjectMapper().readTree(out.resolve("report.json").toFile());
        Path html = out.resolve("report.html");
        String source = Files.readString(html);
        int curves = count(source, "<path class=\"curve\"");
        assertEquals(4, curves, "spectra of throughput, latency and rtt, and the throughput series");

        Browser dom = chromium(
                "--virtual-time-budget=5000", "--dump-dom", html.toUri().toString());
        assertEquals(0, dom.code(), dom.err());
        String rendered = dom.out();
        assertTrue(rendered.contains("data-interactive=\"ready\""), "the page's script ran: " + head(rendered));
        Matcher drawn = Pattern.compile("data-plots-drawn=\"(\\d+)\"").matcher(rendered);
        assertTrue(drawn.find(), head(rendered));
        assertEquals(curves, Integer.parseInt(drawn.group(1)), "every curve has a drawn length in the browser");
        String verdict = report.get("verdict").asText();
        assertTrue(rendered.contains("id=\"node-verdict\">" + verdict + "</span>"), verdict + ": " + head(rendered));
        List<String> rows = new ArrayList<>();
        Matcher row = Pattern.compile(
                        "<tr data-id=\"([^\"]+)\" data-statistic=\"([^\"]+)\" data-verdict=\"([A-Z_]+)\">")
                .matcher(rendered);
        while (row.find()) {
            rows.add(row.group(1) + " " + row.group(2) + " " + row.group(3));
        }
        List<String> expected = new ArrayList<>();
        report.get("requirements")
                .forEach(v -> expected.add(v.get("id").asText() + " "
                        + v.get("statistic").asText() + " " + v.get("verdict").asText()));
        assertEquals(4, expected.size(), report.toString());
        assertEquals(expected, rows, "the rendered verdict rows are report.json's");
        assertEquals(3, count(rendered, "<svg class=\"plot spectrum\""));

        Files.createDirectories(SHOTS);
        Path shot = SHOTS.resolve("node-report.png").toAbsolutePath();
        Files.deleteIfExists(shot);
        Browser s = chromium(
                "--window-size=1280,3600", "--screenshot=" + shot, html.toUri().toString());
        assertEquals(0, s.code(), s.err());
        BufferedImage img = ImageIO.read(shot.toFile());
        assertEquals(1280, img.getWidth());
        // Curves are 2-px lines hundreds of px long; bands are filled areas; badges are green pills.
        assertTrue(pixels(img, CURVE_BLUE) > 1000, "curve pixels: " + pixels(img, CURVE_BLUE));
        int badge = verdict.equals("ELIGIBLE") ? PASS_GREEN : INCONCLUSIVE_AMBER;
        assertTrue(pixels(img, badge) > 500, verdict + " badge pixels: " + pixels(img, badge));
        assertTrue(pixels(img, blend(BAND_BLUE, 0.28)) > 1000, "band pixels: " + pixels(img, blend(BAND_BLUE, 0.28)));
    }

    @Test
    void shouldRenderAFleetMatrixInABrowser() throws Exception {
        assumeTrue(browser != null, "no Chromium found; .ci/run installs Debian's chromium");
        Path out = tmp.resolve("fleet-run");
        Path spec = spec();
        CliRunner run = CliRunner.run(
                "run",
                "--spec",
                spec.toString(),
                "--fs-path",
                Files.createDirectories(tmp.resolve("fs2")).toString(),
                "--out",
                out.toString());
        assertTrue(run.code() == 0 || run.code() == 3, run.out() + run.err());
        Path nodes = Files.createDirectories(tmp.resolve("nodes"));
        Files.copy(out.resolve("result.json"), nodes.resolve("a.result.json"));
        Files.copy(out.resolve("result.json"), nodes.resolve("b.result.json"));
        Path reports = tmp.resolve("fleet");
        CliRunner c = CliRunner.run(
                "certify", "--spec", spec.toString(), nodes.toString(), "--report-dir", reports.toString());
        assertTrue(c.code() == 0 || c.code() == 3, c.err());
        JsonNode fleet =
                new ObjectMapper().readTree(reports.resolve("report.json").toFile());
        Path html = reports.resolve("report.html");
        Browser dom = chromium(
                "--virtual-time-budget=5000", "--dump-dom", html.toUri().toString());
        assertEquals(0, dom.code(), dom.err());
        String rendered = dom.out();
        assertTrue(rendered.contains("data-interactive=\"ready\""), head(rendered));
        assertTrue(
                rendered.contains("id=\"fleet-verdict\">" + fleet.get("verdict").asText() + "</span>"), head(rendered));
        assertEquals(2, count(rendered, "<tr data-node=\""), "one matrix row per node");
        assertEquals(
                8, count(rendered, "<td class=\"cell v-[A-Z_]+\" data-verdict=\"[A-Z_]+\""), "2 nodes x 4 statistics");
        long passes = 0;
        for (JsonNode node : fleet.get("nodes")) {
            for (JsonNode v : node.get("requirements")) {
                passes += v.get("verdict").asText().equals("PASS") ? 1 : 0;
            }
        }
        assertEquals(
                passes,
                count(rendered, "<td class=\"cell v-PASS\" data-verdict=\"PASS\""),
                "PASS cells as in report.json");
        Files.createDirectories(SHOTS);
        Path shot = SHOTS.resolve("fleet-report.png").toAbsolutePath();
        Browser s = chromium(
                "--window-size=1280,1400", "--screenshot=" + shot, html.toUri().toString());
        assertEquals(0, s.code(), s.err());
        if (passes > 0) {
            assertTrue(pixels(ImageIO.read(shot.toFile()), PASS_GREEN) > 1000, "PASS cells painted green");
        }
    }

    /** {@code rgb} painted at {@code alpha} over white. */
    private static int blend(int rgb, double alpha) {
        int r = (int) Math.round(((rgb >> 16) & 0xff) * alpha + 255 * (1 - alpha));
        int g = (int) Math.round(((rgb >> 8) & 0xff) * alpha + 255 * (1 - alpha));
        int b = (int) Math.round((rgb & 0xff) * alpha + 255 * (1 - alpha));
        return (r << 16) | (g << 8) | b;
    }

    private static String head(String s) {
        return s.length() > 600 ? s.substring(0, 600) + "..." : s;
    }
}
