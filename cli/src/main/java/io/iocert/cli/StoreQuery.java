package io.iocert.cli;

import io.iocert.spec.Spec;
import io.iocert.spec.SpecLoader;
import io.iocert.store.ResultStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.OptionGroup;
import org.apache.commons.cli.Options;

/** The options history and drift share: which store, which node or instance type, which spec, which format. */
final class StoreQuery {
    private StoreQuery() {}

    static Options options() {
        return new Options()
                .addOption(Stores.readOption())
                .addOptionGroup(new OptionGroup()
                        .addOption(Commands.opt("node", "HOST", "one node, by the hostname its results carry"))
                        .addOption(Commands.opt(
                                "instance-type",
                                "TYPE",
                                "every node of an instance type (the node"
                                        + " identity's cloudInstanceType, else its DMI product name)")))
                .addOption(Commands.opt(
                        "spec",
                        "NAME",
                        "the spec the certifications were made against: its name, or a"
                                + " spec file to take the name from"))
                .addOption(Commands.opt("format", "F", "text (default), json or csv"));
    }

    static ResultStore.Selector selector(CommandLine line, String command) throws UsageException {
        if (line.hasOption("node")) {
            return ResultStore.Selector.node(nonBlank(line, "node"));
        }
        if (line.hasOption("instance-type")) {
            return ResultStore.Selector.instanceType(nonBlank(line, "instance-type"));
        }
        throw new UsageException(
                command + " needs --node HOST or --instance-type TYPE", "see 'iocert " + command + " --help'");
    }

    /** The spec name: given as such, or read from the spec file named. */
    static String specName(CommandLine line, String command) throws Exception {
        if (!line.hasOption("spec")) {
            throw new UsageException(
                    command + " needs --spec NAME (the spec's name, or its file)",
                    "see 'iocert " + command + " --help'");
        }
        String value = nonBlank(line, "spec");
        Path file = Path.of(value);
        if (Files.isRegularFile(file)) {
            Spec spec = SpecLoader.load(file);
            return spec.name();
        }
        return value;
    }

    static String format(CommandLine line) throws UsageException {
        String f = line.getOptionValue("format", "text");
        if (!List.of("text", "json", "csv").contains(f)) {
            throw new UsageException("--format '" + f + "' is not available here; expected text, json or csv");
        }
        return f;
    }

    private static String nonBlank(CommandLine line, String flag) throws UsageException {
        String v = line.getOptionValue(flag);
        if (v == null || v.isBlank()) {
            throw new UsageException("--" + flag + " is empty");
        }
        return v;
    }
}
