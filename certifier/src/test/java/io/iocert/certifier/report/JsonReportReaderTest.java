package io.iocert.certifier.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.iocert.certifier.Report;
import java.io.StringWriter;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The report JSON read back by its own reader: what the writer writes is what the reader returns. */
class JsonReportReaderTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void shouldReadBackEveryFieldTheWriterWrites() throws Exception {
        StringWriter w = new StringWriter();
        ReportFormat.JSON.writer().write(SampleReports.mixed(), w);

        List<Report> read =
                new JsonReportReader("node.json", JsonReportReader.NameRule.ANY).read(JSON.readTree(w.toString()));

        assertEquals(List.of(SampleReports.mixed()), read);
    }

    @Test
    void shouldReadEveryNodeOfAFleetInOrder() throws Exception {
        StringWriter w = new StringWriter();
        ReportFormat.JSON.writer().writeFleet(List.of(SampleReports.mixed(), SampleReports.eligible()), w);

        List<Report> read =
                new JsonReportReader("fleet.json", JsonReportReader.NameRule.ANY).read(JSON.readTree(w.toString()));

        assertEquals(List.of(SampleReports.mixed(), SampleReports.eligible()), read);
    }

    @Test
    void shouldNameTheFileAndFieldOfANameTheRuleRefuses() throws Exception {
        StringWriter w = new StringWriter();
        ReportFormat.JSON.writer().write(SampleReports.mixed(), w);
        JsonNode root = JSON.readTree(w.toString());
        JsonReportReader reader = new JsonReportReader(
                "r.json", v -> v.equals("halo") ? Optional.of("\"halo\" is not allowed here") : Optional.empty());

        ReportFormatException e = assertThrows(ReportFormatException.class, () -> reader.read(root));

        assertEquals("r.json: requirements[2].id: \"halo\" is not allowed here", e.getMessage());
    }

    @Test
    void shouldRefuseAnIntervalThatIsNotOne() throws Exception {
        StringWriter w = new StringWriter();
        ReportFormat.JSON.writer().write(SampleReports.mixed(), w);
        JsonNode root = JSON.readTree(w.toString().replace("\"confidence\" : 0.95", "\"confidence\" : 95"));

        ReportFormatException e = assertThrows(
                ReportFormatException.class,
                () -> new JsonReportReader("r.json", JsonReportReader.NameRule.ANY).read(root));

        assertEquals(
                "r.json: requirements[0].ci: expected low <= high and a confidence between 0 and 1 (exclusive),"
                        + " found {\"low\":1580000,\"high\":1720000,\"confidence\":95}",
                e.getMessage());
    }
}
