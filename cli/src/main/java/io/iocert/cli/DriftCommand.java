package io.iocert.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.opencsv.CSVWriter;
import io.iocert.store.Drift;
import io.iocert.store.DriftAnalysis;
import io.iocert.store.ResultStore;
import io.iocert.store.StoreException;
import java.io.PrintStream;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Options;

/**
 * {@code iocert drift --store S --node N|--instance-type T --spec NAME}: change points in each
 * statistic a node was certified on, across its stored certifications (docs/history.md).
 * Exit 0 when no change is found, 1 when one is (a finding, not an error: CI decides), 2 bad
 * input, 4 error.
 */
final class DriftCommand implements Command {
    static final int DRIFT_FOUND = 1;

    @Override
    public String name() {
        return "drift";
    }

    @Override
    public String synopsis() {
        return "--store STORE --node HOST|--instance-type TYPE --spec NAME [--requirement ID] [--statistic S]"
                + " [--false-alarm A] [--min-runs K] [--confidence P] [--worse-only] [--format text|json|csv]";
    }

    @Override
    public String summary() {
        return "find change points in a node's certified statistics over time, from a store";
    }

    @Override
    public String exitCodes() {
        return "Exit codes: 0 no change found, 1 a change found (with --worse-only: a change away from the spec),"
                + " 2 usage or bad input, 4 error.";
    }

    @Override
    public Options options() {
        return StoreQuery.options()
                .addOption(Commands.opt("requirement", "ID", "only this requirement's statistics"))
                .addOption(Commands.opt("statistic", "S", "only this statistic (p99, mean, ...)"))
                .addOption(Commands.opt(
                        "false-alarm",
                        "A",
                        "chance of reporting a change in a series that has none," + " per series (default 0.05)"))
                .addOption(Commands.opt(
                        "min-runs",
                        "K",
                        "fewest runs in a level between changes (default 5; fewer find a shorter level, at the same"
                                + " false-alarm rate)"))
                .addOption(Commands.opt("confidence", "P", "confidence of the intervals (default 0.95)"))
                .addOption(Commands.opt(
                        "worse-only", null, "report and exit 1 only for changes away from the spec's" + " threshold"));
    }

    @Override
    public int run(CommandLine line, PrintStream out, PrintStream err) throws Exception {
        if (!line.getArgList().isEmpty()) {
            throw new UsageException(
                    "drift takes no arguments; got '" + line.getArgList().get(0) + "'");
        }
        ResultStore.Selector selector = StoreQuery.selector(line, name());
        String spec = StoreQuery.specName(line, name());
        String format = StoreQuery.format(line);
        double alpha = InstanceTypeCertify.probability("--false-alarm", line.getOptionValue("false-alarm", "0.05"));
        double confidence = Inputs.confidence(line.getOptionValue("confidence", "0.95"));
        int minRuns = minRuns(line.getOptionValue("min-runs", "5"));
        boolean worseOnly = line.hasOption("worse-only");
        DriftAnalysis.Options options = new DriftAnalysis.Options(
                Optional.ofNullable(line.getOptionValue("requirement")),
                Optional.ofNullable(line.getOptionValue("statistic")),
                alpha,
                minRuns,
                confidence);
        List<Drift> drifts;
        try (ResultStore store = Stores.openForReading(line, name())) {
            drifts = DriftAnalysis.standard().analyse(store, selector, spec, options);
        } catch (StoreException e) {
            throw Stores.rethrow(e);
        }
        if (drifts.isEmpty()) {
            throw new UsageException(
                    "the store holds no certified statistic of " + selector.describe()
                            + " against spec '" + spec + "'"
                            + (line.hasOption("requirement") || line.hasOption("statistic")
                                    ? " matching --requirement/--statistic"
                                    : ""),
                    "see 'iocert history' for what is stored");
        }
        boolean found = false;
        for (Drift d : drifts) {
            for (Drift.Step s : d.steps()) {
                found |= !worseOnly || d.worse(s);
            }
        }
        out.print(
                switch (format) {
                    case "json" -> json(selector, spec, drifts, worseOnly);
                    case "csv" -> csv(drifts, worseOnly);
                    default -> text(selector, spec, drifts, worseOnly);
                });
        out.flush();
        return found ? DRIFT_FOUND : Main.OK;
    }

    private static int minRuns(String text) throws UsageException {
        try {
            int k = Integer.parseInt(text);
            if (k >= 2 && k <= 1000) {
                return k;
            }
        } catch (NumberFormatException e) {
            // fall through to the message
        }
        throw new UsageException(
                "--min-runs '" + text + "' is not a run count; expected a whole number from 2 to 1000");
    }

    private static List<Drift.Step> shown(Drift d, boolean worseOnly) {
        List<Drift.Step> out = new ArrayList<>();
        for (Drift.Step s : d.steps()) {
            if (!worseOnly || d.worse(s)) {
                out.add(s);
            }
        }
        return out;
    }

    static String text(ResultStore.Selector selector, String spec, List<Drift> drifts, boolean worseOnly) {
        StringBuilder sb = new StringBuilder();
        int changes = drifts.stream().mapToInt(d -> shown(d, worseOnly).size()).sum();
        sb.append("drift of ")
                .append(selector.describe())
                .append(" against ")
                .append(spec)
                .append(": ")
                .append(changes == 0 ? "no change found" : changes + " change" + (changes == 1 ? "" : "s") + " found")
                .append(String.format(
                        Locale.ROOT,
                        " (%d series; false-alarm rate %.3g per series)%n",
                        drifts.size(),
                        drifts.get(0).falseAlarmRate()));
        for (Drift d : drifts) {
            if (d.points().isEmpty()) {
                sb.append("  ")
                        .append(d.label())
                        .append(": no values (")
                        .append(d.skipped())
                        .append(" certifications without one)\n");
                continue;
            }
            List<Drift.Step> steps = shown(d, worseOnly);
            if (steps.isEmpty()) {
                sb.append("  ").append(d.describeSteady()).append('\n');
            }
            for (Drift.Step s : steps) {
                sb.append("  CHANGE ").append(d.describe(s)).append('\n');
            }
        }
        return sb.toString();
    }

    private static String json(ResultStore.Selector selector, String spec, List<Drift> drifts, boolean worseOnly)
            throws Exception {
        ObjectMapper m = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode root = m.createObjectNode();
        root.put("format", "iocert-drift/1");
        selector.node().ifPresent(n -> root.put("node", n));
        selector.instanceType().ifPresent(t -> root.put("instanceType", t));
        root.put("spec", spec);
        root.put("falseAlarmRate", drifts.get(0).falseAlarmRate());
        root.put("confidence", drifts.get(0).confidence());
        ArrayNode series = root.putArray("series");
        for (Drift d : drifts) {
            ObjectNode o = series.addObject();
            o.put("requirement", d.requirementId());
            o.put("variant", d.variant());
            o.put("metric", d.metric());
            o.put("statistic", d.statistic());
            o.put("unit", d.unit());
            o.put("comparator", d.comparator());
            o.put("threshold", d.threshold());
            o.put("runs", d.points().size());
            o.put("skipped", d.skipped());
            ArrayNode levels = o.putArray("levels");
            for (Drift.Level l : d.levels()) {
                ObjectNode lo = levels.addObject();
                lo.put("from", l.start().toString());
                lo.put("to", l.end().toString());
                lo.put("runs", l.runs());
                lo.put("value", l.value());
                lo.put("merged", l.merged().isPresent());
                lo.put("runMean", l.runMean());
                lo.put("low", l.low());
                lo.put("high", l.high());
            }
            ArrayNode changes = o.putArray("changes");
            for (Drift.Step s : shown(d, worseOnly)) {
                ObjectNode c = changes.addObject();
                c.put("lastBefore", s.lastBefore().toString());
                c.put("firstAfter", s.firstAfter().toString());
                c.put("before", s.before().value());
                c.put("after", s.after().value());
                c.put("afterLow", s.after().low());
                c.put("afterHigh", s.after().high());
                c.put("shift", s.shift());
                c.put("shiftLow", s.shiftLow());
                c.put("shiftHigh", s.shiftHigh());
                c.put("worse", d.worse(s));
                c.put("text", d.describe(s));
            }
        }
        return m.writeValueAsString(root) + "\n";
    }

    private static String csv(List<Drift> drifts, boolean worseOnly) throws Exception {
        StringWriter w = new StringWriter();
        try (CSVWriter csv = new CSVWriter(w)) {
            csv.writeNext(
                    new String[] {
                        "requirement",
                        "variant",
                        "metric",
                        "statistic",
                        "unit",
                        "last_before",
                        "first_after",
                        "before",
                        "after",
                        "after_low",
                        "after_high",
                        "shift",
                        "shift_low",
                        "shift_high",
                        "worse"
                    },
                    false);
            for (Drift d : drifts) {
                for (Drift.Step s : shown(d, worseOnly)) {
                    csv.writeNext(
                            new String[] {
                                d.requirementId(),
                                d.variant() == null ? "" : d.variant(),
                                d.metric(),
                                d.statistic(),
                                d.unit(),
                                s.lastBefore().toString(),
                                s.firstAfter().toString(),
                                num(s.before().value()),
                                num(s.after().value()),
                                num(s.after().low()),
                                num(s.after().high()),
                                num(s.shift()),
                                num(s.shiftLow()),
                                num(s.shiftHigh()),
                                Boolean.toString(d.worse(s))
                            },
                            false);
                }
            }
        }
        return w.toString();
    }

    private static String num(double v) {
        return io.iocert.results.Numbers.measured(v);
    }
}
