package io.iocert.store.publish;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.iocert.certifier.Certifier;
import io.iocert.certifier.Report;
import io.iocert.results.Result;
import io.iocert.results.ResultCodec;
import io.iocert.store.ResultStore;
import io.iocert.store.StoreLocation;
import io.iocert.store.TestHistories;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The published site: every page there, self-contained, its numbers those of the store. */
class CatalogueTest {
    @TempDir
    Path dir;

    @Test
    void shouldPublishIndexNodePagesReportsAndCertificatesWithTheStoresNumbers() throws Exception {
        Path site = dir.resolve("site");
        Instant now = TestHistories.T0.plusSeconds(15 * TestHistories.WEEK + 3 * 86_400L);
        List<String> node17Results = new ArrayList<>();
        try (ResultStore store =
                ResultStore.open(StoreLocation.parse(dir.resolve("s.db").toString()), true)) {
            node17Results.addAll(TestHistories.record(store, "node17", "m7i.large", 16, 8, 1.6, true));
            TestHistories.record(store, "node18", "m7i.large", 16, 16, 1, false);
            TestHistories.record(store, "lab box/1", null, 6, 6, 1, false);
            Catalogue.Published p = Catalogue.write(store, site, now);
            assertEquals(3, p.nodes());
            assertEquals(38, p.certifications());
            assertEquals(1, p.certificates());
            assertTrue(p.changes() >= 1);
        }
        String index = Files.readString(site.resolve("index.html"), StandardCharsets.UTF_8);
        assertTrue(index.contains("data-node=\"node17\" data-spec=\"ocean-checkpoint\""), index);
        // node17's newest certification: after the step, p99 about 3 ms > 2 ms.
        Matcher row = Pattern.compile("data-node=\"node17\".*?data-verdict=\"(\\w+)\".*?data-age-s=\"(\\d+)\".*?"
                        + "class=\"num count\">(\\d+)<")
                .matcher(index);
        assertTrue(row.find(), index);
        assertEquals("NOT_ELIGIBLE", row.group(1));
        assertEquals(3 * 86_400L, Long.parseLong(row.group(2)));
        assertEquals("16", row.group(3));
        assertTrue(index.contains("href=\"nodes/lab_box_1-"), "an unsafe hostname gets a safe file name");

        String node = Files.readString(site.resolve("nodes/node17.html"), StandardCharsets.UTF_8);
        assertEquals(2, count(node, "<svg class=\"history\""));
        assertEquals(32, count(node, "<circle class=\"point"));
        assertTrue(node.contains("class=\"change-line\""), "the change is marked");
        assertTrue(node.contains("rose from"), node);
        for (String id : node17Results) {
            assertTrue(node.contains("data-result=\"" + id + "\""), id);
        }
        String steady = Files.readString(site.resolve("nodes/node18.html"), StandardCharsets.UTF_8);
        assertFalse(steady.contains("class=\"change-line\""));

        try (Stream<Path> reports = Files.list(site.resolve("reports"))) {
            List<String> names = reports.map(x -> x.getFileName().toString()).toList();
            assertEquals(38, names.stream().filter(n -> n.endsWith(".html")).count());
            assertEquals(
                    1,
                    names.stream().filter(n -> n.endsWith(".certificate.json")).count());
            String signed = names.stream()
                    .filter(n -> n.endsWith(".certificate.json"))
                    .findFirst()
                    .orElseThrow()
                    .replace(".certificate.json", ".html");
            String page = Files.readString(site.resolve("reports").resolve(signed));
            assertTrue(page.contains("iocert verify "), page);
        }
        try (Stream<Path> all = Files.walk(site)) {
            for (Path f : all.filter(x -> x.toString().endsWith(".html")).toList()) {
                String html = Files.readString(f, StandardCharsets.UTF_8);
                assertTrue(html.contains("Content-Security-Policy"), f.toString());
                assertFalse(
                        Pattern.compile("(src|href)=\"(https?:|//)")
                                .matcher(html)
                                .find(),
                        f + " links outside");
                assertFalse(html.contains("<script"), f.toString());
            }
        }
    }

    @Test
    void shouldShowEachReportsMeasuredValuesAsStored() throws Exception {
        Path site = dir.resolve("site");
        Result r = TestHistories.result("node5", null, TestHistories.T0, 800_000, 1);
        Report report = Certifier.certify(TestHistories.spec(), r);
        String certId;
        try (ResultStore store =
                ResultStore.open(StoreLocation.parse(dir.resolve("s.db").toString()), true)) {
            certId = store.record(r, ResultCodec.toJson(r), "run", report, null, TestHistories.T0)
                    .certificationId()
                    .orElseThrow();
            Catalogue.write(store, site, TestHistories.T0);
        }
        String page = Files.readString(site.resolve("reports/" + certId + ".html"), StandardCharsets.UTF_8);
        Matcher m = Pattern.compile("class=\"num measured\" data-value=\"([^\"]+)\"")
                .matcher(page);
        List<Double> shown = new ArrayList<>();
        while (m.find()) {
            shown.add(Double.parseDouble(m.group(1)));
        }
        assertEquals(report.requirements().size(), shown.size());
        for (int i = 0; i < shown.size(); i++) {
            assertEquals(report.requirements().get(i).measured(), shown.get(i), 1e-6 * Math.abs(shown.get(i)));
        }
        assertEquals(
                Files.readString(site.resolve("reports/" + certId + ".json")).contains("\"format\""), true);
    }

    private static int count(String s, String what) {
        int n = 0;
        for (int i = s.indexOf(what); i >= 0; i = s.indexOf(what, i + 1)) {
            n++;
        }
        return n;
    }
}
