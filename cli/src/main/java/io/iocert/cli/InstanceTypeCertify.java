package io.iocert.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.iocert.certifier.Certifier;
import io.iocert.certifier.NodeVerdict;
import io.iocert.certifier.Report;
import io.iocert.spec.Spec;
import io.iocert.store.ResultStore;
import io.iocert.store.ShareCertification;
import io.iocert.store.StoreException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.commons.cli.CommandLine;

/**
 * {@code iocert certify --instance-type T --store S --spec FILE [--share 0.9] [--confidence 0.95]}:
 * a statement about the instances a type delivers, not the one probed. Each node of the type
 * contributes its newest stored result measured for the spec, certified now against the spec
 * given; {@link ShareCertification} turns the per-instance verdicts into "at least P of
 * instances, at confidence C", or says how many more instances would settle it.
 */
final class InstanceTypeCertify {
    private InstanceTypeCertify() {}

    static int run(CommandLine line, PrintStream out, PrintStream err) throws Exception {
        if (!line.getArgList().isEmpty()) {
            throw new UsageException("certify --instance-type reads the instances from --store; give no result files"
                    + " (got " + line.getArgList().get(0) + ")");
        }
        for (String flag : List.of("sign", "report-dir", "out")) {
            if (line.hasOption(flag)) {
                throw new UsageException("--" + flag + " is for certifying result files, not --instance-type");
            }
        }
        String format = line.getOptionValue("format", "text");
        if (!format.equals("text") && !format.equals("json")) {
            throw new UsageException(
                    "--format '" + format + "' is not available with --instance-type; expected text" + " or json");
        }
        String type = line.getOptionValue("instance-type");
        double share = probability("--share", line.getOptionValue("share", "0.9"));
        Spec spec = Inputs.spec(line.getOptionValue("spec"), err);
        double confidence =
                line.hasOption("confidence") ? Inputs.confidence(line.getOptionValue("confidence")) : spec.confidence();
        List<ResultStore.StoredResult> latest;
        Map<String, Integer> types;
        try (ResultStore store = Stores.openForReading(line, "certify --instance-type")) {
            latest = store.latestPerNode(type, spec.name());
            types = latest.isEmpty() ? store.instanceTypes() : Map.of();
        } catch (StoreException e) {
            throw Stores.rethrow(e);
        }
        if (latest.isEmpty()) {
            throw new UsageException(
                    "the store holds no result of instance type '" + type + "' measured for spec '" + spec.name() + "'",
                    types.isEmpty()
                            ? "the store names no instance types (they come from the"
                                    + " node identity: cloudInstanceType, else dmiProductName)"
                            : "instance types in the store: " + types);
        }
        List<NodeVerdict> verdicts = new ArrayList<>();
        List<Report> reports = new ArrayList<>();
        for (ResultStore.StoredResult r : latest) {
            Report report = Certifier.certify(spec, r.result());
            reports.add(report);
            verdicts.add(report.verdict());
        }
        ShareCertification c = ShareCertification.of(verdicts, share, confidence);
        if (format.equals("json")) {
            out.print(json(type, spec, c, latest, reports));
        } else {
            out.print(text(type, spec, c, latest, reports));
        }
        out.flush();
        return c.verdict().exitCode();
    }

    static double probability(String flag, String text) throws UsageException {
        try {
            double p = Double.parseDouble(text);
            if (p > 0 && p < 1) {
                return p;
            }
        } catch (NumberFormatException e) {
            // fall through to the message
        }
        throw new UsageException(flag + " '" + text + "' is not a share; expected a number between 0 and 1 (exclusive),"
                + " such as 0.9");
    }

    private static String pct(double x) {
        return String.format(Locale.ROOT, "%.1f%%", 100 * x);
    }

    static String statement(ShareCertification c) {
        String claim =
                "at least " + pct(c.share()) + " of instances meet the spec, at " + pct(c.confidence()) + " confidence";
        return switch (c.verdict()) {
            case ELIGIBLE -> claim;
            case NOT_ELIGIBLE ->
                "fewer than " + pct(c.share()) + " of instances meet the spec, at " + pct(c.confidence())
                        + " confidence";
            default -> "not shown either way: " + claim + " is not established, nor its opposite";
        };
    }

    private static String text(
            String type, Spec spec, ShareCertification c, List<ResultStore.StoredResult> latest, List<Report> reports) {
        StringBuilder sb = new StringBuilder();
        sb.append("instance type ")
                .append(type)
                .append(" against ")
                .append(spec.name())
                .append(": ")
                .append(c.verdict())
                .append('\n');
        sb.append("  ").append(statement(c)).append('\n');
        sb.append(String.format(
                Locale.ROOT,
                "  instances: %d (%d ELIGIBLE, %d NOT_ELIGIBLE, %d INCONCLUSIVE or ERROR),"
                        + " the newest stored result of each%n",
                c.instances(),
                c.meeting(),
                c.failing(),
                c.undecided()));
        sb.append("  share meeting the spec: ")
                .append(pct(c.instances() == 0 ? 0 : (double) c.meeting() / c.instances()))
                .append(" observed; one-sided ")
                .append(pct(c.confidence()))
                .append(" bounds: at least ")
                .append(pct(c.lowerBound()))
                .append(", at most ")
                .append(pct(c.upperBound()))
                .append('\n');
        if (c.verdict() == NodeVerdict.INCONCLUSIVE) {
            c.moreIfAllMeet()
                    .ifPresent(m -> sb.append("  ")
                            .append(m)
                            .append(" more instances, all meeting the spec," + " would certify the type\n"));
            c.moreAtObservedShare()
                    .ifPresent(m -> sb.append("  at the share seen so far, about ")
                            .append(m)
                            .append(" more instances would\n"));
            c.moreIfAllFail()
                    .ifPresent(m -> sb.append("  ")
                            .append(m)
                            .append(" more instances, all failing, would show" + " it falls short\n"));
        }
        sb.append("  method: one-sided Clopper-Pearson bounds on the share of instances meeting the spec;"
                + " undecided instances count as not meeting it for ELIGIBLE and as meeting it for NOT_ELIGIBLE"
                + " (docs/history.md)\n");
        for (int i = 0; i < latest.size(); i++) {
            sb.append(String.format(
                    Locale.ROOT,
                    "  %-24s %-13s %s%n",
                    reports.get(i).node().hostname(),
                    reports.get(i).verdict(),
                    latest.get(i).startedAt()));
        }
        return sb.toString();
    }

    private static String json(
            String type, Spec spec, ShareCertification c, List<ResultStore.StoredResult> latest, List<Report> reports)
            throws Exception {
        ObjectMapper m = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode root = m.createObjectNode();
        root.put("format", "iocert-instance-type/1");
        root.put("instanceType", type);
        root.putObject("spec").put("name", spec.name()).put("sha256", spec.sha256());
        root.put("verdict", c.verdict().name());
        root.put("statement", statement(c));
        root.put("share", c.share());
        root.put("confidence", c.confidence());
        root.put("instances", c.instances());
        root.put("meeting", c.meeting());
        root.put("failing", c.failing());
        root.put("undecided", c.undecided());
        root.put("lowerBound", c.lowerBound());
        root.put("upperBound", c.upperBound());
        root.put("method", "one-sided Clopper-Pearson");
        c.moreIfAllMeet().ifPresent(x -> root.put("moreIfAllMeet", x));
        c.moreAtObservedShare().ifPresent(x -> root.put("moreAtObservedShare", x));
        c.moreIfAllFail().ifPresent(x -> root.put("moreIfAllFail", x));
        ArrayNode nodes = root.putArray("nodes");
        for (int i = 0; i < latest.size(); i++) {
            nodes.addObject()
                    .put("hostname", reports.get(i).node().hostname())
                    .put("verdict", reports.get(i).verdict().name())
                    .put("startedAt", latest.get(i).startedAt().toString())
                    .put("resultId", latest.get(i).resultId());
        }
        return m.writeValueAsString(root) + "\n";
    }
}
