package io.iocert.certifier.compare;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import io.iocert.certifier.compare.Comparison.Key;
import io.iocert.certifier.compare.Comparison.NotCompared;
import io.iocert.certifier.compare.Comparison.Origin;
import io.iocert.certifier.compare.QuantileDifference.Side;
import io.iocert.results.Numbers;
import io.iocert.spec.Percent;
import io.iocert.spec.Quantity;
import java.io.IOException;
import java.io.Writer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * How a {@link Comparison} is written: a terminal table ({@link #TEXT}) or the
 * {@value Comparison#FORMAT} JSON document ({@link #JSON}). Output never depends on the default
 * locale; JSON values are canonical (ns, B/s, ops/s) and unbounded interval ends are null.
 */
public enum CompareFormat {
    TEXT {
        @Override
        public void write(Comparison c, Writer out) throws IOException {
            writeText(c, out);
        }
    },
    JSON {
        @Override
        public void write(Comparison c, Writer out) throws IOException {
            writeJson(c, out);
        }
    };

    private static final JsonFactory FACTORY = new JsonFactory();

    public abstract void write(Comparison c, Writer out) throws IOException;

    /** The lower-case name used on the command line. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<CompareFormat> ofId(String id) {
        for (CompareFormat f : values()) {
            if (f.id().equals(id)) {
                return Optional.of(f);
            }
        }
        return Optional.empty();
    }

    // ---- text ----

    private static void writeText(Comparison c, Writer out) throws IOException {
        StringBuilder head = new StringBuilder();
        head.append("iocert ")
                .append(c.toolVersion())
                .append(": compare ")
                .append(origin(c.candidate()))
                .append(" with reference ")
                .append(origin(c.reference()))
                .append(", ")
                .append(Percent.of(c.confidence()))
                .append(" confidence");
        c.tolerance().ifPresent(t -> head.append(", tolerance ").append(Percent.of(t)));
        out.write(head + "\n\n");
        if (!c.compared().isEmpty()) {
            List<String[]> rows = new ArrayList<>();
            rows.add(new String[] {"REQUIREMENT", "METRIC", "STAT", "REFERENCE", "CANDIDATE", "RATIO"});
            for (MeasurementComparison m : c.compared()) {
                for (QuantileDifference q : m.quantiles()) {
                    rows.add(new String[] {
                        m.id(),
                        m.metric().id(),
                        q.statistic().name(),
                        side(q.reference(), m),
                        side(q.candidate(), m),
                        CompareWords.number(q.ratio().value()) + " ["
                                + CompareWords.number(q.ratio().low()) + ", "
                                + CompareWords.number(q.ratio().high()) + "]"
                    });
                }
            }
            out.write(table(rows));
            out.write("\n");
            for (MeasurementComparison m : c.compared()) {
                out.write(m.id() + " " + m.metric().id() + ": "
                        + m.verdict().map(v -> v.name() + ": ").orElse("") + m.reason() + "\n");
                out.write("  "
                        + String.format(Locale.ROOT, "%,d vs %,d samples; ", m.referenceSamples(), m.candidateSamples())
                        + testText(m) + "\n");
            }
        }
        for (Key k : c.onlyInReference()) {
            out.write("only in the reference: " + k + "\n");
        }
        for (Key k : c.onlyInCandidate()) {
            out.write("only in the candidate: " + k + "\n");
        }
        for (NotCompared n : c.notCompared()) {
            out.write("not compared: " + n.key() + ": " + n.reason() + "\n");
        }
        out.write("\n");
        if (c.tolerance().isEmpty()) {
            out.write("Compared " + c.compared().size() + " measurements (no tolerance given: no verdict; ratio"
                    + " intervals hold jointly per measurement at " + Percent.of(c.confidence()) + ")\n");
        } else {
            out.write(String.format(
                    Locale.ROOT,
                    "Comparison: %d equivalent, %d better, %d worse, %d inconclusive:" + " %s%n",
                    c.count(CompareVerdict.EQUIVALENT),
                    c.count(CompareVerdict.BETTER),
                    c.count(CompareVerdict.WORSE),
                    c.count(CompareVerdict.INCONCLUSIVE),
                    c.overall().orElseThrow().name()));
        }
    }

    private static String origin(Origin o) {
        return o.source() + " (" + o.hostname() + ")";
    }

    private static String side(Side s, MeasurementComparison m) {
        return new Quantity(s.value(), m.metric().dimension()).formatWithInterval(s.low(), s.high());
    }

    private static String testText(MeasurementComparison m) {
        return m.test()
                .map(t -> "Anderson-Darling A2 = " + CompareWords.number(t.statistic()) + ", T = "
                        + CompareWords.number(t.standardized()) + ", " + t.pText()
                        + (t.bound() == AndersonDarling.Bound.BELOW ? " (the distributions differ)" : ""))
                .orElse("too few observations for the Anderson-Darling test");
    }

    static String table(List<String[]> rows) {
        int cols = rows.get(0).length;
        int[] width = new int[cols];
        for (String[] row : rows) {
            for (int i = 0; i < cols; i++) {
                width[i] = Math.max(width[i], row[i].length());
            }
        }
        StringBuilder sb = new StringBuilder();
        for (String[] row : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < cols; i++) {
                line.append(row[i]);
                if (i < cols - 1) {
                    line.append(" ".repeat(width[i] - row[i].length() + 2));
                }
            }
            sb.append(line.toString().stripTrailing()).append('\n');
        }
        return sb.toString();
    }

    // ---- JSON ----

    private static void writeJson(Comparison c, Writer out) throws IOException {
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            g.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
            g.setPrettyPrinter(new DefaultPrettyPrinter()
                    .withObjectIndenter(new DefaultIndenter("  ", "\n"))
                    .withArrayIndenter(new DefaultIndenter("  ", "\n")));
            g.writeStartObject();
            g.writeStringField("format", Comparison.FORMAT);
            g.writeStringField("toolVersion", c.toolVersion());
            origin(g, "reference", c.reference());
            origin(g, "candidate", c.candidate());
            number(g, "confidence", c.confidence());
            if (c.tolerance().isPresent()) {
                number(g, "tolerance", c.tolerance().getAsDouble());
            } else {
                g.writeNullField("tolerance");
            }
            if (c.overall().isPresent()) {
                g.writeStringField("verdict", c.overall().get().id());
            } else {
                g.writeNullField("verdict");
            }
            g.writeArrayFieldStart("measurements");
            for (MeasurementComparison m : c.compared()) {
                measurement(g, m);
            }
            g.writeEndArray();
            keys(g, "onlyInReference", c.onlyInReference());
            keys(g, "onlyInCandidate", c.onlyInCandidate());
            g.writeArrayFieldStart("notCompared");
            for (NotCompared n : c.notCompared()) {
                g.writeStartObject();
                keyFields(g, n.key());
                g.writeStringField("reason", n.reason());
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        }
        out.write('\n');
    }

    private static void measurement(JsonGenerator g, MeasurementComparison m) throws IOException {
        g.writeStartObject();
        g.writeStringField("id", m.id());
        g.writeStringField("probe", m.probe());
        g.writeStringField("metric", m.metric().id());
        g.writeStringField("unit", m.unit());
        g.writeStringField(
                "direction", m.direction() == Direction.LOWER_IS_BETTER ? "lower-is-better" : "higher-is-better");
        g.writeNumberField("referenceSamples", m.referenceSamples());
        g.writeNumberField("candidateSamples", m.candidateSamples());
        number(g, "sideConfidence", m.sideConfidence());
        g.writeArrayFieldStart("quantiles");
        for (QuantileDifference q : m.quantiles()) {
            g.writeStartObject();
            g.writeStringField("statistic", q.statistic().name());
            side(
                    g,
                    "reference",
                    q.reference().value(),
                    q.reference().low(),
                    q.reference().high());
            side(
                    g,
                    "candidate",
                    q.candidate().value(),
                    q.candidate().low(),
                    q.candidate().high());
            side(g, "ratio", q.ratio().value(), q.ratio().low(), q.ratio().high());
            g.writeEndObject();
        }
        g.writeEndArray();
        if (m.test().isPresent()) {
            AndersonDarling.Outcome t = m.test().get();
            g.writeObjectFieldStart("test");
            g.writeStringField("method", "k-sample Anderson-Darling, midrank version (Scholz and Stephens 1987)");
            number(g, "statistic", t.statistic());
            number(g, "standardized", t.standardized());
            number(g, "pValue", t.pValue());
            g.writeStringField(
                    "pValueIs",
                    switch (t.bound()) {
                        case APPROXIMATE -> "approximate";
                        case BELOW -> "upper bound";
                        case ABOVE -> "lower bound";
                    });
            g.writeEndObject();
        } else {
            g.writeNullField("test");
        }
        if (m.verdict().isPresent()) {
            g.writeStringField("verdict", m.verdict().get().id());
        } else {
            g.writeNullField("verdict");
        }
        g.writeStringField("reason", m.reason());
        g.writeEndObject();
    }

    private static void origin(JsonGenerator g, String name, Origin o) throws IOException {
        g.writeObjectFieldStart(name);
        g.writeStringField("source", o.source());
        g.writeStringField("hostname", o.hostname());
        if (o.specName() != null) {
            g.writeStringField("spec", o.specName());
        }
        g.writeEndObject();
    }

    private static void keys(JsonGenerator g, String name, List<Key> keys) throws IOException {
        g.writeArrayFieldStart(name);
        for (Key k : keys) {
            g.writeStartObject();
            keyFields(g, k);
            g.writeEndObject();
        }
        g.writeEndArray();
    }

    private static void keyFields(JsonGenerator g, Key k) throws IOException {
        g.writeStringField("id", k.id());
        g.writeStringField("probe", k.probe());
        g.writeStringField("metric", k.metric());
    }

    private static void side(JsonGenerator g, String name, double value, double low, double high) throws IOException {
        g.writeObjectFieldStart(name);
        number(g, "value", value);
        number(g, "low", low);
        number(g, "high", high);
        g.writeEndObject();
    }

    /** Locale-independent number text as result documents write it; null when not finite. */
    private static void number(JsonGenerator g, String name, double v) throws IOException {
        String text = Numbers.measured(v);
        g.writeFieldName(name);
        if (text == null) {
            g.writeNull();
        } else {
            g.writeNumber(text);
        }
    }
}
