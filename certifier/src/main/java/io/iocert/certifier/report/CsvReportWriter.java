package io.iocert.certifier.report;

import com.opencsv.CSVWriter;
import io.iocert.certifier.ConfidenceInterval;
import io.iocert.certifier.Report;
import io.iocert.certifier.RequirementVerdict;
import io.iocert.results.Numbers;
import java.io.IOException;
import java.io.Writer;
import java.util.List;

/**
 * Verdicts as CSV for spreadsheets and scripts: a header row, then one row per requirement
 * verdict (a fleet: the rows of every node, in node order, under one header). Columns:
 * {@code node, spec, requirement, variant, probe, metric, statistic, comparator, threshold,
 * unit, measured, ci_low, ci_high, ci_confidence, samples, verdict, method, reason}.
 *
 * <p>Numbers are in the canonical {@code unit} (ns, B/s, ops/s) and written as result CSV and
 * JSON write them ({@link Numbers#measured}), whatever the default locale. A value that is
 * missing, NaN or unbounded (the infinite upper end of a one-sided interval) is an empty field,
 * as is a missing variant. Quoting and line ends as {@code results}' CSV export: RFC 4180
 * quoting where needed, {@code \n} row ends, UTF-8 without byte order mark.
 */
final class CsvReportWriter implements ReportWriter {

    static final String[] HEADER = {
        "node",
        "spec",
        "requirement",
        "variant",
        "probe",
        "metric",
        "statistic",
        "comparator",
        "threshold",
        "unit",
        "measured",
        "ci_low",
        "ci_high",
        "ci_confidence",
        "samples",
        "verdict",
        "method",
        "reason"
    };

    @Override
    public void write(Report report, Writer out) throws IOException {
        writeFleet(List.of(report), out);
    }

    @Override
    public void writeFleet(List<Report> reports, Writer out) throws IOException {
        CSVWriter csv = new CSVWriter(out, ',', '"', '"', "\n");
        csv.writeNext(HEADER, false);
        for (Report r : reports) {
            for (RequirementVerdict v : r.requirements()) {
                csv.writeNext(row(r, v), false);
            }
        }
        csv.flush();
        if (csv.checkError()) {
            throw new IOException("writing CSV failed", csv.getException());
        }
    }

    private static String[] row(Report r, RequirementVerdict v) {
        ConfidenceInterval ci = v.ci();
        return new String[] {
            r.node().hostname(),
            r.specName(),
            v.id(),
            v.variant(),
            v.probe(),
            v.metric(),
            v.statistic(),
            v.comparator(),
            Numbers.measured(v.threshold()),
            v.unit(),
            Numbers.measured(v.measured()),
            ci == null ? null : Numbers.measured(ci.low()),
            ci == null ? null : Numbers.measured(ci.high()),
            ci == null ? null : Numbers.measured(ci.confidence()),
            Long.toString(v.samples()),
            v.verdict().name(),
            v.method(),
            v.reason()
        };
    }
}
