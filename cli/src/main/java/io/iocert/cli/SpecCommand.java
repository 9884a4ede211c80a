package io.iocert.cli;

import io.iocert.spec.Spec;
import io.iocert.spec.SpecException;
import io.iocert.spec.SpecLoader;
import io.iocert.spec.SpecSchema;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Options;

/** {@code iocert spec validate FILE...} and {@code iocert spec schema}. */
final class SpecCommand implements Command {

    @Override
    public String name() {
        return "spec";
    }

    @Override
    public String synopsis() {
        return "validate FILE... | schema";
    }

    @Override
    public String summary() {
        return "validate spec files, or print the spec v1 JSON Schema";
    }

    @Override
    public Options options() {
        return new Options();
    }

    @Override
    public int run(CommandLine line, PrintStream out, PrintStream err) throws Exception {
        List<String> args = line.getArgList();
        if (args.isEmpty()) {
            throw new UsageException("spec needs a sub-command: validate FILE... or schema", "see 'iocert spec --help'");
        }
        switch (args.get(0)) {
            case "schema" -> {
                if (args.size() > 1) {
                    throw new UsageException("'spec schema' takes no arguments");
                }
                out.print(SpecSchema.text());
                out.flush();
                return Main.OK;
            }
            case "validate" -> {
                if (args.size() < 2) {
                    throw new UsageException("'spec validate' needs at least one FILE");
                }
                int bad = 0;
                for (String f : args.subList(1, args.size())) {
                    try {
                        Spec s = SpecLoader.load(Path.of(f));
                        out.println(f + ": OK (spec '" + s.name() + "', " + s.requirements().size() + " requirements)");
                    } catch (SpecException e) {
                        err.println(e.getMessage());
                        bad++;
                    }
                }
                return bad == 0 ? Main.OK : Main.BAD_INPUT;
            }
            default -> throw new UsageException("unknown spec sub-command '" + args.get(0) + "'; expected validate or schema");
        }
    }
}
