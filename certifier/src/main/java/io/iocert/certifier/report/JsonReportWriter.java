package io.iocert.certifier.report;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import io.iocert.certifier.ConfidenceInterval;
import io.iocert.certifier.Report;
import io.iocert.certifier.RequirementVerdict;
import io.iocert.results.Numbers;
import java.io.IOException;
import java.io.Writer;
import java.util.List;
import java.util.Map;

/**
 * The report JSON of docs/design.md (fields: docs/result-format.md) ({@value Report#FORMAT}, fleets {@value Report#FLEET_FORMAT}).
 * Values are canonical (ns, B/s, ops/s), formatted as result documents format them
 * ({@link Numbers#measured}); a value that could not be estimated is written as null.
 */
final class JsonReportWriter implements ReportWriter {
    private static final JsonFactory FACTORY = new JsonFactory();

    @Override
    public void write(Report report, Writer out) throws IOException {
        try (JsonGenerator g = generator(out)) {
            writeReport(g, report);
        }
        out.write('\n');
    }

    @Override
    public void writeFleet(List<Report> reports, Writer out) throws IOException {
        try (JsonGenerator g = generator(out)) {
            g.writeStartObject();
            g.writeStringField("format", Report.FLEET_FORMAT);
            g.writeStringField(
                    "verdict",
                    io.iocert.certifier.NodeVerdict.ofNodes(
                                    reports.stream().map(Report::verdict).toList())
                            .name());
            writeSummary(g, io.iocert.certifier.FleetSummary.of(reports));
            g.writeArrayFieldStart("nodes");
            for (Report r : reports) {
                writeReport(g, r);
            }
            g.writeEndArray();
            g.writeEndObject();
        }
        out.write('\n');
    }

    private static void writeSummary(JsonGenerator g, io.iocert.certifier.FleetSummary s) throws IOException {
        g.writeObjectFieldStart("summary");
        g.writeObjectFieldStart("nodes");
        for (var e : s.counts().entrySet()) {
            g.writeNumberField(e.getKey().name(), e.getValue());
        }
        g.writeEndObject();
        for (String kind : new String[] {"failing", "inconclusive"}) {
            g.writeArrayFieldStart(kind);
            for (var f : kind.equals("failing") ? s.failing() : s.inconclusive()) {
                g.writeStartObject();
                g.writeStringField("requirement", f.requirement());
                g.writeStringField("statistic", f.statistic());
                g.writeArrayFieldStart("nodes");
                for (String n : f.nodes()) {
                    g.writeString(n);
                }
                g.writeEndArray();
                g.writeEndObject();
            }
            g.writeEndArray();
        }
        g.writeObjectFieldStart("outliers");
        number(g, "k", s.k());
        g.writeArrayFieldStart("found");
        for (var o : s.outliers()) {
            g.writeStartObject();
            g.writeStringField("requirement", o.requirement());
            g.writeStringField("statistic", o.statistic());
            g.writeStringField("node", o.node());
            number(g, "measured", o.measured());
            number(g, "fleetMedian", o.fleetMedian());
            number(g, "scaledMad", o.scaledMad());
            g.writeStringField("unit", o.unit());
            g.writeStringField("verdict", o.verdict().name());
            g.writeEndObject();
        }
        g.writeEndArray();
        g.writeEndObject();
        g.writeEndObject();
    }

    private static JsonGenerator generator(Writer out) throws IOException {
        JsonGenerator g = FACTORY.createGenerator(out);
        g.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
        DefaultPrettyPrinter pp = new DefaultPrettyPrinter()
                .withObjectIndenter(new DefaultIndenter("  ", "\n"))
                .withArrayIndenter(new DefaultIndenter("  ", "\n"));
        g.setPrettyPrinter(pp);
        return g;
    }

    private static void writeReport(JsonGenerator g, Report r) throws IOException {
        g.writeStartObject();
        g.writeStringField("format", Report.FORMAT);
        g.writeStringField("toolVersion", r.toolVersion());
        g.writeObjectFieldStart("spec");
        g.writeStringField("name", r.specName());
        g.writeStringField("sha256", r.specSha256());
        g.writeEndObject();
        g.writeObjectFieldStart("node");
        for (Map.Entry<String, Object> e : r.node().fields().entrySet()) {
            writeScalar(g, e.getKey(), e.getValue());
        }
        g.writeEndObject();
        g.writeStringField("verdict", r.verdict().name());
        g.writeArrayFieldStart("requirements");
        for (RequirementVerdict v : r.requirements()) {
            g.writeStartObject();
            g.writeStringField("id", v.id());
            if (v.variant() != null) {
                g.writeStringField("variant", v.variant());
            }
            g.writeStringField("probe", v.probe());
            g.writeStringField("metric", v.metric());
            g.writeStringField("statistic", v.statistic());
            g.writeStringField("comparator", v.comparator());
            number(g, "threshold", v.threshold());
            g.writeStringField("unit", v.unit());
            number(g, "measured", v.measured());
            ConfidenceInterval ci = v.ci();
            if (ci != null) {
                g.writeObjectFieldStart("ci");
                number(g, "low", ci.low());
                number(g, "high", ci.high());
                number(g, "confidence", ci.confidence());
                g.writeEndObject();
            }
            g.writeNumberField("samples", v.samples());
            g.writeStringField("verdict", v.verdict().name());
            g.writeStringField("method", v.method());
            g.writeStringField("reason", v.reason());
            g.writeEndObject();
        }
        g.writeEndArray();
        g.writeEndObject();
    }

    private static void writeScalar(JsonGenerator g, String name, Object value) throws IOException {
        if (value instanceof Number n) {
            number(g, name, n.doubleValue());
        } else if (value instanceof Boolean b) {
            g.writeBooleanField(name, b);
        } else {
            g.writeStringField(name, String.valueOf(value));
        }
    }

    /** The same locale- and JDK-independent number text as result documents; null when not finite. */
    static void number(JsonGenerator g, String name, double v) throws IOException {
        String text = Numbers.measured(v);
        g.writeFieldName(name);
        if (text == null) {
            g.writeNull();
        } else {
            g.writeNumber(text);
        }
    }
}
