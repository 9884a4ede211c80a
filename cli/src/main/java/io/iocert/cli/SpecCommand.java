package io.iocert.cli;

import io.iocert.certifier.Feasibility;
import io.iocert.spec.Requirement;
import io.iocert.spec.Spec;
import io.iocert.spec.SpecException;
import io.iocert.spec.SpecLoader;
import io.iocert.spec.SpecSchema;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Options;

/** {@code iocert spec validate FILE...}, {@code iocert spec schema} and {@code iocert spec derive --from RESULT}. */
final class SpecCommand implements Command {

    @Override
    public String name() {
        return "spec";
    }

    @Override
    public String synopsis() {
        return "validate FILE... | schema | derive --from RESULT [--slack PCT] [--statistics LIST] [--name NAME]"
                + " [--out FILE]";
    }

    @Override
    public String summary() {
        return "validate spec files (and warn of statistics their budget cannot settle), print the spec v1 JSON Schema,"
                + " or derive a spec from a result";
    }

    @Override
    public String exitCodes() {
        return "Exit codes: 0 valid (or written), also with warnings; 2 usage error or an invalid spec (the file, line and"
                + " field are named).\nA warning (on standard error, 'FILE: warning: requirement ...') names a statistic that"
                + " cannot be bounded within its budget at all (too few samples for a quantile at the confidence asked, or a"
                + " max <= / min >= bound, which can never pass) and what would fix it; it is not an error.";
    }

    @Override
    public Options options() {
        return SpecDerive.options();
    }

    @Override
    public int run(CommandLine line, PrintStream out, PrintStream err) throws Exception {
        List<String> args = line.getArgList();
        if (args.isEmpty()) {
            throw new UsageException("spec needs a sub-command: validate FILE..., schema or derive --from RESULT",
                    "see 'iocert spec --help'");
        }
        if (!args.get(0).equals("derive") && line.getOptions().length > 0) {
            throw new UsageException("--" + line.getOptions()[0].getLongOpt() + " belongs to 'spec derive', not 'spec "
                    + args.get(0) + "'");
        }
        switch (args.get(0)) {
            case "derive" -> {
                return SpecDerive.run(line, args.subList(1, args.size()), out, err);
            }
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
                        for (Requirement r : s.requirements()) {
                            ProbeRunner.feasibility(r).stream().filter(Feasibility.Finding::warns)
                                    .forEach(w -> err.println(f + ": warning: " + w.message()));
                        }
                    } catch (SpecException e) {
                        err.println(e.getMessage());
                        bad++;
                    }
                }
                return bad == 0 ? Main.OK : Main.BAD_INPUT;
            }
            default -> throw new UsageException("unknown spec sub-command '" + args.get(0)
                    + "'; expected validate, schema or derive");
        }
    }
}
