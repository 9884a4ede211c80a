package io.iocert.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.opencsv.CSVWriter;
import io.iocert.store.ResultStore;
import io.iocert.store.StoreException;
import java.io.PrintStream;
import java.io.StringWriter;
import java.util.List;
import java.util.Locale;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Options;

/**
 * {@code iocert history --store S --node N|--instance-type T --spec NAME [--format text|json|csv]}:
 * the certifications of a node or an instance type against a spec, in the order the results
 * were measured.
 */
final class HistoryCommand implements Command {

    @Override
    public String name() {
        return "history";
    }

    @Override
    public String synopsis() {
        return "--store STORE --node HOST|--instance-type TYPE --spec NAME [--format text|json|csv]";
    }

    @Override
    public String summary() {
        return "list a node's or an instance type's certifications against a spec over time, from a store";
    }

    @Override
    public String exitCodes() {
        return "Exit codes: 0 listed, 2 usage or bad input (also: nothing stored for that node and spec), 4 error.";
    }

    @Override
    public Options options() {
        return StoreQuery.options();
    }

    @Override
    public int run(CommandLine line, PrintStream out, PrintStream err) throws Exception {
        if (!line.getArgList().isEmpty()) {
            throw new UsageException(
                    "history takes no arguments; got '" + line.getArgList().get(0) + "'");
        }
        ResultStore.Selector selector = StoreQuery.selector(line, name());
        String spec = StoreQuery.specName(line, name());
        String format = StoreQuery.format(line);
        List<ResultStore.HistoryEntry> entries;
        try (ResultStore store = Stores.openForReading(line, name())) {
            entries = store.history(selector, spec);
        } catch (StoreException e) {
            throw Stores.rethrow(e);
        }
        if (entries.isEmpty()) {
            throw new UsageException(
                    "the store holds no certification of " + selector.describe() + " against spec '" + spec + "'",
                    "record some with --store on run or certify");
        }
        out.print(
                switch (format) {
                    case "json" -> json(selector, spec, entries);
                    case "csv" -> csv(entries);
                    default -> text(selector, spec, entries);
                });
        out.flush();
        return Main.OK;
    }

    static String text(ResultStore.Selector selector, String spec, List<ResultStore.HistoryEntry> entries) {
        StringBuilder sb = new StringBuilder();
        sb.append("certifications of ")
                .append(selector.describe())
                .append(" against ")
                .append(spec)
                .append(" (")
                .append(entries.size())
                .append(")\n");
        sb.append(String.format(
                Locale.ROOT,
                "%-24s  %-20s  %-16s  %-13s  %-17s  %-7s  %-6s  %s%n",
                "measured (UTC)",
                "node",
                "instance type",
                "verdict",
                "pass/fail/inc/err",
                "source",
                "signed",
                "spec sha256"));
        for (ResultStore.HistoryEntry e : entries) {
            sb.append(String.format(
                    Locale.ROOT,
                    "%-24s  %-20s  %-16s  %-13s  %-17s  %-7s  %-6s  %s%n",
                    e.startedAt().toString(),
                    e.hostname(),
                    e.instanceType() == null ? "-" : e.instanceType(),
                    e.verdict(),
                    e.pass() + "/" + e.fail() + "/" + e.inconclusive() + "/" + e.error(),
                    e.source(),
                    e.signed() ? "yes" : "no",
                    e.specSha256().substring(0, Math.min(12, e.specSha256().length()))));
        }
        return sb.toString();
    }

    private static String json(ResultStore.Selector selector, String spec, List<ResultStore.HistoryEntry> entries)
            throws Exception {
        ObjectMapper m = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode root = m.createObjectNode();
        root.put("format", "iocert-history/1");
        selector.node().ifPresent(n -> root.put("node", n));
        selector.instanceType().ifPresent(t -> root.put("instanceType", t));
        root.put("spec", spec);
        ArrayNode list = root.putArray("certifications");
        for (ResultStore.HistoryEntry e : entries) {
            ObjectNode o = list.addObject();
            o.put("startedAt", e.startedAt().toString());
            o.put("certifiedAt", e.certifiedAt().toString());
            o.put("hostname", e.hostname());
            o.put("instanceType", e.instanceType());
            o.put("verdict", e.verdict());
            o.putObject("requirements")
                    .put("PASS", e.pass())
                    .put("FAIL", e.fail())
                    .put("INCONCLUSIVE", e.inconclusive())
                    .put("ERROR", e.error());
            o.put("source", e.source());
            o.put("signed", e.signed());
            o.put("specSha256", e.specSha256());
            o.put("resultId", e.resultId());
            o.put("certificationId", e.certificationId());
            o.put("toolVersion", e.toolVersion());
        }
        return m.writeValueAsString(root) + "\n";
    }

    private static String csv(List<ResultStore.HistoryEntry> entries) throws Exception {
        StringWriter w = new StringWriter();
        try (CSVWriter csv = new CSVWriter(w)) {
            csv.writeNext(
                    new String[] {
                        "started_at",
                        "certified_at",
                        "hostname",
                        "instance_type",
                        "verdict",
                        "pass",
                        "fail",
                        "inconclusive",
                        "error",
                        "source",
                        "signed",
                        "spec_sha256",
                        "result_id",
                        "certification_id"
                    },
                    false);
            for (ResultStore.HistoryEntry e : entries) {
                csv.writeNext(
                        new String[] {
                            e.startedAt().toString(),
                            e.certifiedAt().toString(),
                            e.hostname(),
                            e.instanceType() == null ? "" : e.instanceType(),
                            e.verdict(),
                            Integer.toString(e.pass()),
                            Integer.toString(e.fail()),
                            Integer.toString(e.inconclusive()),
                            Integer.toString(e.error()),
                            e.source(),
                            Boolean.toString(e.signed()),
                            e.specSha256(),
                            e.resultId(),
                            e.certificationId()
                        },
                        false);
            }
        }
        return w.toString();
    }
}
