package io.iocert.certifier.report;

import io.iocert.certifier.Report;
import java.io.IOException;
import java.io.Writer;
import java.util.List;

/** Writes reports in one format. Output never depends on the default locale. */
public interface ReportWriter {

    /** Writes one node's report. */
    void write(Report report, Writer out) throws IOException;

    /** Writes a fleet: several nodes' reports against one spec. */
    void writeFleet(List<Report> reports, Writer out) throws IOException;
}
