package io.iocert.certifier.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.opencsv.CSVReader;
import com.opencsv.exceptions.CsvException;
import io.iocert.certifier.GoldenFiles;
import io.iocert.certifier.Report;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.util.List;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import org.xml.sax.InputSource;
import org.xml.sax.SAXException;

/**
 * Every report format (text, Markdown, HTML, JUnit XML, JSON, CSV), for one node and for a
 * fleet, against golden files under several default locales; the HTML page also with plots.
 * The sample reports are built verdict by verdict ({@link SampleReports}), so the files move
 * only when a writer changes. Rewrite them after a deliberate change with
 * {@code -Diocert.golden.update=true} ({@link GoldenFiles}) and review the diff.
 */
class ReportFormatsGoldenTest {

    private static final List<String> LOCALES = GoldenFiles.LOCALES;

    static Stream<Arguments> goldens() {
        Stream.Builder<Arguments> b = Stream.builder();
        for (ReportFormat f : ReportFormat.values()) {
            for (String tag : LOCALES) {
                b.add(Arguments.of(f, false, tag));
                b.add(Arguments.of(f, true, tag));
            }
        }
        return b.build();
    }

    @ParameterizedTest(name = "{0} fleet={1} {2}")
    @MethodSource("goldens")
    void shouldMatchTheGoldenFileUnderEveryLocale(ReportFormat format, boolean fleet, String tag) throws Exception {
        String name = (fleet ? "fleet" : "node") + "." + format.extension();
        String actual = GoldenFiles.underLocale(
                tag,
                () -> fleet
                        ? renderFleet(format, SampleReports.mixed(), SampleReports.eligible())
                        : render(format, SampleReports.mixed()));
        String expected = GoldenFiles.expected(ReportFormatsGoldenTest.class, name, actual);
        assertEquals(expected, actual, name + " under " + tag);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("locales")
    void shouldDrawTheSamePlotsUnderEveryLocale(String tag) throws Exception {
        String actual = GoldenFiles.underLocale(tag, () -> render(ReportFormat.HTML, SampleReports.withEvidence()));
        assertEquals(
                GoldenFiles.expected(ReportFormatsGoldenTest.class, "plots.html", actual),
                actual,
                "plots.html under " + tag);
    }

    static Stream<String> locales() {
        return LOCALES.stream();
    }

    @Test
    void shouldEscapeMarkdownSyntaxInCells() throws IOException {
        String md = render(ReportFormat.MD, SampleReports.mixed());
        String halo = md.lines().filter(l -> l.startsWith("| halo")).findFirst().orElseThrow();
        // An unescaped pipe would add a column: every row of the table has 9 separators.
        assertEquals(9, halo.replace("\\|", "").chars().filter(c -> c == '|').count(), halo);
        assertTrue(md.contains("too few samples \\| need 2995, \\*not\\* 900"), md);
        assertTrue(md.contains("\\<perf\\> \\& \"friends\" second line"), md);
        assertTrue(md.startsWith("## iocert: NOT_ELIGIBLE\n"), md);
    }

    @Test
    void shouldSummariseAFleetInMarkdown() throws IOException {
        String md = renderFleet(ReportFormat.MD, SampleReports.mixed(), SampleReports.eligible());
        assertTrue(
                md.startsWith("## iocert fleet: NOT_ELIGIBLE\n\n2 nodes: 1 eligible, 1 not eligible, "
                        + "0 inconclusive, 0 error.\n"),
                md);
        assertTrue(md.contains("| node\\_b (ELIGIBLE) | PASS | - | - | - |"), md);
        assertTrue(md.contains("\n### node-a: NOT_ELIGIBLE\n"), md);
        assertTrue(md.contains("\n### node\\_b: ELIGIBLE\n"), md);
    }

    @Test
    void shouldWriteJUnitXmlThatParsesBackWithTheRightCounts() throws Exception {
        Document doc = parse(renderFleet(ReportFormat.JUNIT, SampleReports.mixed(), SampleReports.eligible()));
        Element root = doc.getDocumentElement();
        assertEquals("testsuites", root.getTagName());
        assertCounts(root, 5, 1, 1, 1);
        NodeList suites = root.getElementsByTagName("testsuite");
        assertEquals(2, suites.getLength());
        Element a = (Element) suites.item(0);
        assertEquals("node-a", a.getAttribute("name"));
        assertCounts(a, 4, 1, 1, 1);
        Element b = (Element) suites.item(1);
        assertEquals("node_b", b.getAttribute("name"));
        assertCounts(b, 1, 0, 0, 0);
        NodeList cases = a.getElementsByTagName("testcase");
        assertEquals(4, cases.getLength());
        Element pass = (Element) cases.item(0);
        assertEquals("restart-read", pass.getAttribute("classname"));
        assertEquals("latency p99 <= 2 ms", pass.getAttribute("name"));
        assertEquals(0, pass.getChildNodes().getLength());

        Element failure = (Element)
                ((Element) cases.item(1)).getElementsByTagName("failure").item(0);
        String message = failure.getAttribute("message");
        assertTrue(message.contains("340 MB/s [338, 342]") && message.contains(">= 400 MB/s"), message);
        assertEquals("p10 = 340 MB/s [338, 342], not >= 400 MB/s", failure.getTextContent());

        Element inconclusive = (Element) cases.item(2);
        assertEquals("halo (messageSize 8 KiB)", inconclusive.getAttribute("classname"));
        Element skipped = (Element) inconclusive.getElementsByTagName("skipped").item(0);
        assertTrue(skipped.getAttribute("message").contains("450 us [430, \u221e]"), skipped.getAttribute("message"));

        Element error = (Element)
                ((Element) cases.item(3)).getElementsByTagName("error").item(0);
        assertEquals(
                "probe failed: <perf> & \"friends\" second line",
                error.getAttribute("message"),
                "an attribute holds one line");
        assertEquals("probe failed: <perf> & \"friends\"\nsecond line", error.getTextContent());
    }

    @Test
    void shouldReplaceCharactersXmlCannotHold() throws Exception {
        assertEquals("a\uFFFDb\uFFFDc\tok", JUnitReportWriter.clean("a\u0000b\uD800c\tok"));
        assertEquals("\uD83D\uDE00", JUnitReportWriter.clean("\uD83D\uDE00"));
    }

    @Test
    void shouldWriteCsvThatOpenCsvReadsBack() throws IOException, CsvException {
        String text = renderFleet(ReportFormat.CSV, SampleReports.mixed(), SampleReports.eligible());
        List<String[]> rows;
        try (CSVReader reader = new CSVReader(new StringReader(text))) {
            rows = reader.readAll();
        }
        assertEquals(6, rows.size());
        assertEquals(List.of(CsvReportWriter.HEADER), List.of(rows.get(0)));
        assertEquals(
                String.join(",", CsvReportWriter.HEADER),
                "node,spec,requirement,variant,probe,metric,statistic,"
                        + "comparator,threshold,unit,measured,ci_low,ci_high,ci_confidence,samples,verdict,method,reason");
        String[] pass = rows.get(1);
        assertEquals(
                List.of(
                        "node-a",
                        "ocean-checkpoint",
                        "restart-read",
                        "",
                        "fs.read",
                        "latency",
                        "p99",
                        "<=",
                        "2000000",
                        "ns",
                        "1650000",
                        "1580000",
                        "1720000",
                        "0.95",
                        "48211",
                        "PASS"),
                List.of(pass).subList(0, 16));
        String[] fail = rows.get(2);
        assertEquals("400000000", fail[8]);
        assertEquals("FAIL", fail[15]);
        String[] inconclusive = rows.get(3);
        assertEquals("messageSize 8 KiB", inconclusive[3]);
        assertEquals("430000", inconclusive[11]);
        assertEquals("", inconclusive[12], "an unbounded end is an empty field");
        assertTrue(inconclusive[17].contains("| need 2995, *not* 900,"), inconclusive[17]);
        String[] error = rows.get(4);
        assertEquals("", error[10]);
        assertEquals("", error[11]);
        assertEquals("probe failed: <perf> & \"friends\"\nsecond line", error[17]);
        assertEquals("node_b", rows.get(5)[0]);
    }

    private static void assertCounts(Element e, int tests, int failures, int errors, int skipped) {
        assertEquals(Integer.toString(tests), e.getAttribute("tests"), "tests");
        assertEquals(Integer.toString(failures), e.getAttribute("failures"), "failures");
        assertEquals(Integer.toString(errors), e.getAttribute("errors"), "errors");
        assertEquals(Integer.toString(skipped), e.getAttribute("skipped"), "skipped");
    }

    private static Document parse(String xml) throws ParserConfigurationException, SAXException, IOException {
        DocumentBuilderFactory f = DocumentBuilderFactory.newDefaultInstance();
        f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        return f.newDocumentBuilder().parse(new InputSource(new StringReader(xml)));
    }

    private static String render(ReportFormat f, Report r) throws IOException {
        StringWriter w = new StringWriter();
        f.writer().write(r, w);
        return w.toString();
    }

    private static String renderFleet(ReportFormat f, Report... reports) throws IOException {
        StringWriter w = new StringWriter();
        f.writer().writeFleet(List.of(reports), w);
        return w.toString();
    }
}
