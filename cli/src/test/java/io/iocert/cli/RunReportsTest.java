package io.iocert.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Element;

/** {@code iocert run} leaves the report in every format in its out directory. */
class RunReportsTest {

    @TempDir
    Path tmp;

    private Path spec() throws IOException {
        Path f = tmp.resolve("spec.yaml");
        Files.writeString(f, """
                iocert: v1
                name: reports-test
                budget: 5s
                requirements:
                  - id: small-write
                    probe: fs.write
                    workload: {pattern: sequential, blockSize: 1MiB, fileSize: 8MiB, duration: 1s, interval: 10ms,
                               direct: auto}
                    expect:
                      throughput: {p50: ">= 1 B/s"}
                      latency: {p50: "<= 10 s"}
                """);
        return f;
    }

    @Test
    void shouldWriteEveryReportFormatIntoTheOutDirectory() throws Exception {
        Path out = tmp.resolve("out");
        CliRunner r = CliRunner.run(
                "run",
                "--spec",
                spec().toString(),
                "--fs-path",
                Files.createDirectories(tmp.resolve("fs")).toString(),
                "--out",
                out.toString(),
                "--format",
                "md");
        assertEquals(0, r.code(), r.out() + r.err());
        assertTrue(r.out().startsWith("## iocert: ELIGIBLE\n"), r.out());

        try (Stream<Path> files = Files.list(out)) {
            List<String> reports = files.map(p -> p.getFileName().toString())
                    .filter(n -> n.startsWith("report."))
                    .sorted()
                    .toList();
            assertEquals(
                    List.of("report.csv", "report.html", "report.json", "report.md", "report.txt", "report.xml"),
                    reports);
        }
        assertTrue(Files.readString(out.resolve("report.txt")).contains("Node verdict: ELIGIBLE"));
        assertTrue(Files.readString(out.resolve("report.md")).startsWith("## iocert: ELIGIBLE\n"));
        assertTrue(Files.readString(out.resolve("report.json")).contains("\"iocert-report/1\""));
        String html = Files.readString(out.resolve("report.html"));
        assertTrue(html.contains("id=\"node-verdict\">ELIGIBLE<"), "html verdict");
        // The run had its measurements at hand: throughput gets a spectrum and a series, latency a spectrum.
        assertEquals(3, html.split("<svg class=\"plot ", -1).length - 1, "html plots");

        Element suites = DocumentBuilderFactory.newDefaultInstance()
                .newDocumentBuilder()
                .parse(out.resolve("report.xml").toFile())
                .getDocumentElement();
        assertEquals("testsuites", suites.getTagName());
        assertEquals("2", suites.getAttribute("tests"));
        assertEquals("0", suites.getAttribute("failures"));

        List<String> csv = Files.readAllLines(out.resolve("report.csv"));
        assertEquals(3, csv.size(), String.join("\n", csv));
        assertTrue(csv.get(0).startsWith("node,spec,requirement,variant,probe,"), csv.get(0));
        assertTrue(csv.get(1).contains(",reports-test,small-write,,fs.write,"), csv.get(1));
    }

    @Test
    void shouldAcceptEveryReportFormatOnCertify() throws Exception {
        Path out = tmp.resolve("out");
        Path spec = spec();
        assertEquals(
                0,
                CliRunner.run(
                                "run",
                                "--spec",
                                spec.toString(),
                                "--fs-path",
                                Files.createDirectories(tmp.resolve("fs")).toString(),
                                "--out",
                                out.toString())
                        .code());
        for (String format : List.of("text", "md", "html", "junit", "json", "csv")) {
            CliRunner c = CliRunner.run(
                    "certify",
                    "--spec",
                    spec.toString(),
                    "--format",
                    format,
                    out.resolve("result.json").toString());
            assertEquals(0, c.code(), format + ": " + c.err());
            assertTrue(!c.out().isEmpty(), format);
            if (format.equals("html")) {
                // One result at hand: the page draws its distributions.
                assertTrue(c.out().contains("<svg class=\"plot spectrum\""), "html of one result has plots");
            }
        }
        CliRunner junit = CliRunner.run(
                "certify",
                "--spec",
                spec.toString(),
                "--format",
                "junit",
                out.resolve("result.json").toString());
        assertTrue(junit.out().startsWith("<?xml"), junit.out());
    }
}
