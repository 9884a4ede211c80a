package io.iocert.store.publish;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.iocert.store.Drift;
import io.iocert.store.DriftAnalysis;
import io.iocert.store.ResultStore;
import io.iocert.store.StoreLocation;
import io.iocert.store.TestHistories;
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
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The published catalogue in headless Chromium, loaded from disk: the pages render (the DOM
 * holds the tables and plots), nothing is fetched (each page's Content-Security-Policy forbids
 * every load, and Chromium logs any attempt; a control page that tries one proves the log is
 * read), and the numbers in the rendered DOM are the store's. Skips, saying why, without Chromium.
 */
class CatalogueBrowserIT {
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
        for (String d : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            Path p = Path.of(d, name);
            if (Files.isExecutable(p)) {
                return Optional.of(p.toString());
            }
        }
        return Optional.empty();
    }

    private record Page(String dom, String log) {
        boolean blockedALoad() {
            return log.contains("Content Security Policy");
        }
    }

    private static Page open(Path html) throws IOException, InterruptedException {
        Path out = tmp.resolve("dom.html");
        Path err = tmp.resolve("chromium.log");
        List<String> cmd = new ArrayList<>(List.of(
                browser,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--no-first-run",
                "--user-data-dir=" + tmp.resolve("profile"),
                "--enable-logging=stderr",
                "--v=0",
                "--virtual-time-budget=3000",
                "--dump-dom",
                html.toUri().toString()));
        Process p = new ProcessBuilder(cmd)
                .redirectOutput(out.toFile())
                .redirectError(err.toFile())
                .start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("chromium did not finish in 120 s");
        }
        assertEquals(0, p.exitValue(), Files.readString(err));
        return new Page(Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
    }

    @Test
    void shouldRenderOfflineWithTheStoresNumbers() throws Exception {
        assumeTrue(
                browser != null,
                "no Chromium found (chromium, chromium-browser, google-chrome or $IOCERT_CHROMIUM);"
                        + " .ci/run installs Debian's chromium");
        Path site = tmp.resolve("site");
        List<Drift> drifts;
        try (ResultStore store =
                ResultStore.open(StoreLocation.parse(tmp.resolve("s.db").toString()), true)) {
            TestHistories.record(store, "node17", "m7i.large", 16, 8, 1.6, true);
            TestHistories.record(store, "node18", "m7i.large", 12, 12, 1, false);
            Catalogue.write(store, site, TestHistories.T0.plusSeconds(16 * TestHistories.WEEK));
            drifts = DriftAnalysis.standard()
                    .analyse(
                            store,
                            ResultStore.Selector.node("node17"),
                            "ocean-checkpoint",
                            DriftAnalysis.Options.defaults().withoutMerging());
        }

        // The control: a page with the same policy that tries to load an image is caught.
        Path control = site.resolve("control.html");
        Files.writeString(
                control,
                "<!DOCTYPE html><html><head><meta http-equiv=\"Content-Security-Policy\" content=\"" + Catalogue.CSP
                        + "\"></head><body><img src=\"http://example.invalid/x.png\"></body></html>");
        assertTrue(open(control).blockedALoad(), "Chromium logs a blocked load");

        Page index = open(site.resolve("index.html"));
        assertFalse(index.blockedALoad(), index.log());
        assertTrue(index.dom().contains("<h1>iocert catalogue</h1>"), index.dom());
        assertEquals(2, count(index.dom(), "<tr data-node="));

        Page node = open(site.resolve("nodes/node17.html"));
        assertFalse(node.blockedALoad(), node.log());
        // Every plotted point is the value the store certified, run by run.
        Drift p99 = drifts.stream()
                .filter(d -> d.statistic().equals("p99"))
                .findFirst()
                .orElseThrow();
        Matcher m = Pattern.compile("data-result=\"([0-9a-f]{64})\" data-value=\"([^\"]+)\"")
                .matcher(node.dom());
        List<Double> plotted = new ArrayList<>();
        while (m.find()) {
            plotted.add(Double.parseDouble(m.group(2)));
        }
        assertEquals(2 * 16, plotted.size());
        for (int i = 0; i < p99.points().size(); i++) {
            double want = p99.points().get(i).value();
            assertTrue(plotted.stream().anyMatch(v -> Math.abs(v - want) <= 1e-6 * want), "point " + i + " " + want);
        }
        assertEquals(p99.steps().size(), count(node.dom(), "class=\"change-line\""));
        assertTrue(node.dom().contains("rose from"), node.dom());

        String report;
        try (var reports = Files.list(site.resolve("reports"))) {
            report = reports.map(Path::toString)
                    .filter(s -> s.endsWith(".certificate.json"))
                    .findFirst()
                    .orElseThrow()
                    .replace(".certificate.json", ".html");
        }
        Page signed = open(Path.of(report));
        assertFalse(signed.blockedALoad(), signed.log());
        assertTrue(signed.dom().contains("iocert verify"), signed.dom());
    }

    private static int count(String s, String what) {
        int n = 0;
        for (int i = s.indexOf(what); i >= 0; i = s.indexOf(what, i + 1)) {
            n++;
        }
        return n;
    }
}
