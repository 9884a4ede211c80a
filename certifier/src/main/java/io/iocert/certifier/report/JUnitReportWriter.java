package io.iocert.certifier.report;

import io.iocert.certifier.Report;
import io.iocert.certifier.RequirementVerdict;
import io.iocert.certifier.Verdict;
import io.iocert.spec.Percent;
import java.io.IOException;
import java.io.Writer;
import java.util.List;
import java.util.Map;
import javax.xml.stream.XMLOutputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamWriter;

/**
 * JUnit XML, the test-report format CI systems (GitHub Actions reporters, GitLab, Jenkins)
 * display: {@code <testsuites>} with one {@code <testsuite>} per node, named by hostname, and
 * one {@code <testcase>} per requirement verdict. A test case's {@code classname} is the
 * requirement id with its variant ("halo (messageSize 8 KiB)"), its {@code name} the
 * expectation ("latency p99 <= 2 ms").
 *
 * <p>Verdicts map to JUnit outcomes as follows:
 * <ul>
 * <li>PASS: a plain test case;</li>
 * <li>FAIL: {@code <failure>}, whose message gives the measured value with its confidence
 *     interval and the threshold, and whose text the reason;</li>
 * <li>ERROR: {@code <error>} with the reason (the requirement could not be measured);</li>
 * <li>INCONCLUSIVE: {@code <skipped>} with the measured value, interval and reason. JUnit has
 *     no outcome for "the evidence does not decide"; skipped is the one CI systems show as
 *     neither passed nor failed, which is what INCONCLUSIVE means. The node verdict (and the
 *     exit code of {@code iocert}) still says INCONCLUSIVE.</li>
 * </ul>
 * Each suite's properties carry spec name, spec SHA-256, node verdict and the node identity.
 *
 * <p>Written with the JDK's own {@link XMLStreamWriter}, so text is escaped correctly;
 * characters XML 1.0 cannot carry are replaced by U+FFFD. There are no timestamps or
 * durations: the same report gives the same bytes.
 */
final class JUnitReportWriter implements ReportWriter {

    private static final XMLOutputFactory FACTORY = XMLOutputFactory.newDefaultFactory();

    @Override
    public void write(Report report, Writer out) throws IOException {
        writeFleet(List.of(report), out);
    }

    @Override
    public void writeFleet(List<Report> reports, Writer out) throws IOException {
        try {
            XMLStreamWriter x = FACTORY.createXMLStreamWriter(out);
            x.writeStartDocument("UTF-8", "1.0");
            x.writeCharacters("\n");
            x.writeStartElement("testsuites");
            String spec = reports.isEmpty() ? "" : reports.get(0).specName();
            attr(x, "name", "iocert " + spec);
            Counts total = new Counts();
            reports.forEach(r -> total.add(r.requirements()));
            total.writeTo(x);
            for (Report r : reports) {
                writeSuite(x, r);
            }
            x.writeCharacters("\n");
            x.writeEndElement();
            x.writeCharacters("\n");
            x.writeEndDocument();
            x.flush();
            x.close();
        } catch (XMLStreamException e) {
            throw new IOException("writing JUnit XML failed: " + e.getMessage(), e);
        }
    }

    private static void writeSuite(XMLStreamWriter x, Report r) throws XMLStreamException {
        x.writeCharacters("\n  ");
        x.writeStartElement("testsuite");
        attr(x, "name", r.node().hostname());
        Counts counts = new Counts();
        counts.add(r.requirements());
        counts.writeTo(x);
        x.writeCharacters("\n    ");
        x.writeStartElement("properties");
        property(x, "spec", r.specName());
        property(x, "spec.sha256", r.specSha256());
        property(x, "verdict", r.verdict().name());
        property(x, "iocert.version", r.toolVersion());
        for (Map.Entry<String, Object> e : r.node().fields().entrySet()) {
            property(x, "node." + e.getKey(), String.valueOf(e.getValue()));
        }
        x.writeCharacters("\n    ");
        x.writeEndElement();
        for (RequirementVerdict v : r.requirements()) {
            writeCase(x, v);
        }
        x.writeCharacters("\n  ");
        x.writeEndElement();
    }

    private static void property(XMLStreamWriter x, String name, String value) throws XMLStreamException {
        if (value == null) {
            return;
        }
        x.writeCharacters("\n      ");
        x.writeEmptyElement("property");
        attr(x, "name", name);
        attr(x, "value", value);
    }

    private static void writeCase(XMLStreamWriter x, RequirementVerdict v) throws XMLStreamException {
        x.writeCharacters("\n    ");
        String outcome = switch (v.verdict()) {
            case PASS -> null;
            case FAIL -> "failure";
            case ERROR -> "error";
            case INCONCLUSIVE -> "skipped";
        };
        if (outcome == null) {
            x.writeEmptyElement("testcase");
        } else {
            x.writeStartElement("testcase");
        }
        attr(x, "classname", v.label());
        attr(x, "name", v.metric() + " " + v.statistic() + " " + TextReportWriter.threshold(v));
        if (outcome == null) {
            return;
        }
        x.writeCharacters("\n      ");
        x.writeStartElement(outcome);
        if (v.verdict() == Verdict.ERROR) {
            attr(x, "message", v.reason());
        } else {
            attr(x, "message", evidence(v));
        }
        x.writeAttribute("type", v.verdict().name());
        x.writeCharacters(clean(v.reason()));
        x.writeEndElement();
        x.writeCharacters("\n    ");
        x.writeEndElement();
    }

    /** "measured 340 MB/s [338, 342] (95% confidence), threshold >= 400 MB/s, 60 samples". */
    static String evidence(RequirementVerdict v) {
        StringBuilder sb =
                new StringBuilder(v.verdict().name()).append(": measured ").append(TextReportWriter.measured(v));
        if (v.ci() != null) {
            sb.append(" (").append(Percent.of(v.ci().confidence())).append(" confidence)");
        }
        return sb.append(", threshold ")
                .append(TextReportWriter.threshold(v))
                .append(", ")
                .append(v.samples())
                .append(" samples")
                .toString();
    }

    /**
     * An attribute of one line: a parser would turn a line break in an attribute into a space
     * anyway (attribute value normalisation), so it is written as one.
     */
    private static void attr(XMLStreamWriter x, String name, String value) throws XMLStreamException {
        x.writeAttribute(
                name,
                clean(value)
                        .replace("\r\n", " ")
                        .replace('\n', ' ')
                        .replace('\r', ' ')
                        .replace('\t', ' '));
    }

    /** Replaces characters XML 1.0 cannot hold (most control characters, lone surrogates) with U+FFFD. */
    static String clean(String text) {
        if (text == null) {
            return "";
        }
        StringBuilder sb = null;
        for (int i = 0; i < text.length(); ) {
            int cp = text.codePointAt(i);
            int n = Character.charCount(cp);
            boolean ok = cp == 0x9
                    || cp == 0xA
                    || cp == 0xD
                    || (cp >= 0x20 && cp <= 0xD7FF)
                    || (cp >= 0xE000 && cp <= 0xFFFD)
                    || (cp >= 0x10000 && cp <= 0x10FFFF);
            if (!ok && sb == null) {
                sb = new StringBuilder(text.length()).append(text, 0, i);
            }
            if (sb != null) {
                if (ok) {
                    sb.appendCodePoint(cp);
                } else {
                    sb.append('\uFFFD');
                }
            }
            i += n;
        }
        return sb == null ? text : sb.toString();
    }

    /** tests, failures, errors and skipped of a set of verdicts. */
    private static final class Counts {
        private int tests;
        private int failures;
        private int errors;
        private int skipped;

        void add(List<RequirementVerdict> verdicts) {
            for (RequirementVerdict v : verdicts) {
                tests++;
                switch (v.verdict()) {
                    case FAIL -> failures++;
                    case ERROR -> errors++;
                    case INCONCLUSIVE -> skipped++;
                    case PASS -> {}
                }
            }
        }

        void writeTo(XMLStreamWriter x) throws XMLStreamException {
            x.writeAttribute("tests", Integer.toString(tests));
            x.writeAttribute("failures", Integer.toString(failures));
            x.writeAttribute("errors", Integer.toString(errors));
            x.writeAttribute("skipped", Integer.toString(skipped));
        }
    }
}
