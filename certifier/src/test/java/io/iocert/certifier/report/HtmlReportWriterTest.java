package io.iocert.certifier.report;

import static io.iocert.certifier.Fixtures.expect;
import static io.iocert.certifier.Fixtures.requirement;
import static io.iocert.certifier.Fixtures.spec;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.iocert.certifier.Certifier;
import io.iocert.certifier.Evidence;
import io.iocert.certifier.Fixtures;
import io.iocert.certifier.NodeVerdict;
import io.iocert.certifier.Report;
import io.iocert.certifier.RequirementVerdict;
import io.iocert.certifier.Verdict;
import io.iocert.results.Measurement;
import io.iocert.results.NodeIdentity;
import io.iocert.results.Result;
import io.iocert.spec.Metric;
import io.iocert.spec.ProbeType;
import io.iocert.spec.Spec;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.xpath.XPath;
import javax.xml.xpath.XPathConstants;
import javax.xml.xpath.XPathFactory;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import org.xml.sax.InputSource;

/**
 * The HTML report read back as XML (it is written well-formed on purpose): verdicts, plots and
 * their geometry, escaping, fleets. The browser test in the cli module checks it renders.
 */
class HtmlReportWriterTest {
    private static final XPath XPATH = XPathFactory.newInstance().newXPath();

    /** Log-normal latencies around 200 us, i.i.d. */
    private static Histogram latencies(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        Histogram h = new Histogram(3);
        for (int i = 0; i < n; i++) {
            double z = Math.sqrt(-2 * Math.log(1 - r.nextDouble())) * Math.cos(2 * Math.PI * r.nextDouble());
            h.recordValue((long) (200_000 * Math.exp(0.4 * z)));
        }
        return h;
    }

    private static final Spec SPEC = spec(
            requirement(
                    "read",
                    ProbeType.FS_READ,
                    expect(Metric.LATENCY, "p50", "<= 1 ms"),
                    expect(Metric.LATENCY, "p99", "<= 100 us")),
            requirement("write", ProbeType.FS_WRITE, expect(Metric.THROUGHPUT, "p10", ">= 100 MB/s")));

    private static Result result(String host) {
        double[] series = new double[60];
        SplittableRandom r = new SplittableRandom(7);
        for (int i = 0; i < series.length; i++) {
            series[i] = 400e6 + 40e6 * r.nextDouble();
        }
        Result base = Fixtures.result(
                Fixtures.latency("read", ProbeType.FS_READ, latencies(20_000, host.hashCode())),
                Fixtures.throughput("write", ProbeType.FS_WRITE, series));
        List<Measurement> ms = new ArrayList<>();
        for (Measurement m : base.measurements()) {
            ms.add(new Measurement(
                    m.id(),
                    m.probe(),
                    m.metric(),
                    m.unit(),
                    Map.of("blockSize", 4096L),
                    m.samples(),
                    m.summary(),
                    m.histogram(),
                    m.intervals(),
                    Map.of("cpuStealShare", "0.1200"),
                    null));
        }
        return new Result(
                Result.FORMAT,
                "test",
                new NodeIdentity(Map.of(NodeIdentity.HOSTNAME, host, NodeIdentity.CORES, 2L)),
                "test-spec",
                "ab".repeat(32),
                Instant.EPOCH,
                Instant.EPOCH.plusSeconds(5),
                ms);
    }

    private static Report report(String host) {
        Result r = result(host);
        Report verdicts = Certifier.certify(SPEC, r);
        return verdicts.withEvidence(Evidence.of(verdicts, r));
    }

    private static Document parse(String html) throws Exception {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setNamespaceAware(false);
        return f.newDocumentBuilder().parse(new InputSource(new StringReader(html)));
    }

    private static String html(Report r) throws IOException {
        StringWriter w = new StringWriter();
        ReportFormat.HTML.writer().write(r, w);
        return w.toString();
    }

    private static NodeList nodes(Document d, String xpath) throws Exception {
        return (NodeList) XPATH.evaluate(xpath, d, XPathConstants.NODESET);
    }

    @Test
    void shouldShowEveryVerdictAndAPlotPerMeasurement() throws Exception {
        Report r = report("node-a");
        // The spec is met on p50 and throughput, missed on p99: the node is not eligible.
        assertEquals(NodeVerdict.NOT_ELIGIBLE, r.verdict());
        Document d = parse(html(r));
        assertEquals("NOT_ELIGIBLE", XPATH.evaluate("//*[@id='node-verdict']", d));
        NodeList rows = nodes(d, "//table[@class='verdicts']/tbody/tr");
        assertEquals(r.requirements().size(), rows.getLength());
        for (int i = 0; i < rows.getLength(); i++) {
            RequirementVerdict v = r.requirements().get(i);
            Element row = (Element) rows.item(i);
            assertEquals(v.verdict().name(), row.getAttribute("data-verdict"));
            assertTrue(row.getTextContent().contains(v.reason()), row.getTextContent());
        }
        assertEquals(2, nodes(d, "//svg[contains(@class,'spectrum')]").getLength());
        assertEquals(
                1, nodes(d, "//svg[contains(@class,'series')]").getLength(), "only the interval metric has a series");
        assertEquals(
                2,
                nodes(d, "//svg[contains(@class,'spectrum')]/path[@class='band']")
                        .getLength());
        assertTrue(XPATH.evaluate("//dd[@class='warn']", d).contains("12% CPU steal"));
    }

    @Test
    void shouldDrawThresholdsOnTheSideOfTheEstimateTheVerdictSays() throws Exception {
        Document d = parse(html(report("node-a")));
        Element read = (Element) nodes(d, "//section[@data-id='read']").item(0);
        for (String stat : List.of("p50", "p99")) {
            Element marker = (Element) XPATH.evaluate(
                    ".//g[contains(@class,'marker') and @data-statistic='" + stat + "']", read, XPathConstants.NODE);
            Element threshold = (Element) XPATH.evaluate(
                    ".//g[@class='threshold' and @data-statistic='" + stat + "']/line", read, XPathConstants.NODE);
            double markerY = Double.parseDouble(
                    ((Element) marker.getElementsByTagName("circle").item(0)).getAttribute("cy"));
            double lineY = Double.parseDouble(threshold.getAttribute("y1"));
            // SVG y grows downwards: a met "<=" threshold lies above the estimate, a missed one below.
            if (marker.getAttribute("data-verdict").equals("PASS")) {
                assertTrue(lineY < markerY, stat + ": line " + lineY + " marker " + markerY);
            } else {
                assertEquals("FAIL", marker.getAttribute("data-verdict"));
                assertTrue(lineY > markerY, stat + ": line " + lineY + " marker " + markerY);
            }
        }
    }

    @Test
    void shouldSampleTheSpectrumOnALogOddsGridWithTheVerdictsMethod() {
        Result r = result("node-a");
        Report verdicts = Certifier.certify(SPEC, r);
        Evidence e = Evidence.of(verdicts, r).get(0);
        List<Evidence.Point> pts = e.spectrum();
        // 20,000 samples reach log10(20000) = 4.3 decades of odds either side, in steps of 0.1.
        assertEquals(2 * 43 + 1, pts.size());
        double previous = 0;
        for (Evidence.Point p : pts) {
            assertTrue(p.value() >= previous, "quantiles never decrease");
            assertTrue(p.low() <= p.value() && p.value() <= p.high(), p.toString());
            previous = p.value();
        }
        assertEquals(0.5, pts.get(43).q(), 1e-12);
        // At the median the band is the verdict's interval for p50 (same method, same confidence).
        RequirementVerdict p50 = verdicts.requirements().get(0);
        assertEquals(p50.ci().low(), pts.get(43).low(), 0);
        assertEquals(p50.ci().high(), pts.get(43).high(), 0);
    }

    @Test
    void shouldEscapeWhatComesFromOutside() throws Exception {
        Result r = result("<script>alert('x')</script>&\"node\"");
        Report verdicts = Certifier.certify(SPEC, r);
        String html = html(verdicts.withEvidence(Evidence.of(verdicts, r)));
        assertFalse(html.contains("<script>alert"), "markup from a hostname must not reach the page");
        Document d = parse(html);
        assertTrue(XPATH.evaluate("//header/p", d).contains("<script>alert('x')</script>&\"node\""));
        // Exactly one script element: ours.
        assertEquals(1, nodes(d, "//script").getLength());
    }

    @Test
    void shouldSayWhenThereAreNoPlots() throws Exception {
        Report r = Certifier.certify(SPEC, result("node-a"));
        Document d = parse(html(r));
        assertEquals(0, nodes(d, "//svg").getLength());
        assertTrue(XPATH.evaluate("//section[@id='distributions']/p", d).contains("without the measurements"));
    }

    @Test
    void shouldNotDependOnTheDefaultLocale() throws Exception {
        Report r = report("node-a");
        String expected = html(r);
        Locale saved = Locale.getDefault();
        try {
            for (String tag : List.of("de-DE", "ar-EG", "tr-TR")) {
                Locale.setDefault(Locale.forLanguageTag(tag));
                assertEquals(expected, html(r), tag);
            }
        } finally {
            Locale.setDefault(saved);
        }
    }

    @Test
    void shouldPutAFleetInAMatrixAndFlagOutliers() throws Exception {
        List<Report> reports = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            reports.add(report("node-" + i));
        }
        // A seventh node whose p50 is far from its peers' though it still passes.
        Histogram slow = new Histogram(3);
        slow.recordValueWithCount(800_000, 20_000);
        Result r = Fixtures.result(
                Fixtures.latency("read", ProbeType.FS_READ, slow),
                Fixtures.throughput(
                        "write",
                        ProbeType.FS_WRITE,
                        420e6,
                        430e6,
                        425e6,
                        410e6,
                        415e6,
                        440e6,
                        420e6,
                        430e6,
                        425e6,
                        410e6,
                        415e6,
                        440e6,
                        420e6,
                        430e6,
                        425e6,
                        410e6,
                        415e6,
                        440e6,
                        420e6,
                        430e6,
                        425e6,
                        410e6));
        Report odd = Certifier.certify(SPEC, r);
        odd = new Report(
                odd.toolVersion(),
                odd.specName(),
                odd.specSha256(),
                new NodeIdentity(Map.of(NodeIdentity.HOSTNAME, "node-odd")),
                odd.verdict(),
                odd.requirements());
        reports.add(odd);
        StringWriter w = new StringWriter();
        ReportFormat.HTML.writer().writeFleet(reports, w);
        Document d = parse(w.toString());
        assertEquals("NOT_ELIGIBLE", XPATH.evaluate("//*[@id='fleet-verdict']", d));
        NodeList rows = nodes(d, "//table[@class='matrix']/tbody/tr");
        assertEquals(7, rows.getLength());
        int columns = nodes(d, "//table[@class='matrix']/thead/tr/th").getLength() - 2;
        assertEquals(3, columns, "read p50, read p99, write p10");
        Element oddP50 =
                (Element) XPATH.evaluate("//tr[@data-node='node-odd']/td[@data-verdict][1]", d, XPathConstants.NODE);
        assertEquals("PASS", oddP50.getAttribute("data-verdict"));
        assertTrue(oddP50.getAttribute("class").contains("outlier"), oddP50.getAttribute("class"));
        assertTrue(XPATH.evaluate("//section[@id='summary']", d).contains("OUTLIER read latency p50 on node-odd"));
        assertTrue(XPATH.evaluate("//section[@id='summary']", d).contains("FAIL read latency p99 on node-0"));
        assertEquals(7, nodes(d, "//details[@class='node']").getLength());
        assertEquals(0, nodes(d, "//svg").getLength(), "a fleet page has no per-node plots");
    }

    @Test
    void shouldListOnlyNodesThatNeedAttentionInLargeFleets() throws Exception {
        Report good = Certifier.certify(
                spec(requirement("read", ProbeType.FS_READ, expect(Metric.LATENCY, "p50", "<= 1 ms"))), result("x"));
        assertEquals(NodeVerdict.ELIGIBLE, good.verdict());
        List<Report> reports = new ArrayList<>();
        for (int i = 0; i < HtmlReportWriter.DETAILED_NODES + 1; i++) {
            reports.add(renamed(good, "ok-" + i));
        }
        Report bad = renamed(good, "bad-1");
        List<RequirementVerdict> failing = new ArrayList<>();
        for (RequirementVerdict v : bad.requirements()) {
            failing.add(new RequirementVerdict(
                    v.id(),
                    v.probe(),
                    v.metric(),
                    v.statistic(),
                    v.comparator(),
                    v.threshold(),
                    v.unit(),
                    v.measured(),
                    v.ci(),
                    v.samples(),
                    Verdict.FAIL,
                    v.method(),
                    "made to fail",
                    v.variant()));
        }
        reports.add(new Report(
                bad.toolVersion(), bad.specName(), bad.specSha256(), bad.node(), NodeVerdict.NOT_ELIGIBLE, failing));
        StringWriter w = new StringWriter();
        ReportFormat.HTML.writer().writeFleet(reports, w);
        Document d = parse(w.toString());
        assertEquals(
                reports.size(), nodes(d, "//table[@class='matrix']/tbody/tr").getLength());
        NodeList details = nodes(d, "//details[@class='node']");
        assertEquals(1, details.getLength());
        assertEquals("bad-1", ((Element) details.item(0)).getAttribute("data-node"));
    }

    private static Report renamed(Report r, String host) {
        return new Report(
                r.toolVersion(),
                r.specName(),
                r.specSha256(),
                new NodeIdentity(Map.of(NodeIdentity.HOSTNAME, host)),
                r.verdict(),
                r.requirements());
    }

    @Test
    void shouldLabelPercentilesWithTheDigitsTheyNeed() {
        assertEquals("50%", Plots.percentLabel(0.5));
        assertEquals("99.9%", Plots.percentLabel(0.999));
        assertEquals("0.01%", Plots.percentLabel(0.0001));
        assertEquals("99.99%", Plots.percentLabel(0.9999));
        assertEquals("95%", Plots.percentLabel(0.95));
        Matcher m = Pattern.compile("(\\d+\\.\\d)%").matcher(Plots.percentLabel(0.9523));
        assertTrue(m.matches(), Plots.percentLabel(0.9523));
    }
}
