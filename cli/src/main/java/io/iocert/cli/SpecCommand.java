package io.iocert.cli;

import io.iocert.certifier.Feasibility;
import io.iocert.cli.oci.ImageException;
import io.iocert.runner.ProbeRunner;
import io.iocert.spec.Printable;
import io.iocert.spec.Requirement;
import io.iocert.spec.Spec;
import io.iocert.spec.SpecException;
import io.iocert.spec.SpecSchema;
import java.io.PrintStream;
import java.util.List;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Options;

/**
 * {@code iocert spec validate FILE...}, {@code spec schema}, {@code spec derive --from RESULT}, and the spec
 * inside an OCI image: {@code spec embed} and {@code spec extract}.
 */
final class SpecCommand implements Command {

    @Override
    public String name() {
        return "spec";
    }

    @Override
    public String synopsis() {
        return "validate FILE... | schema | derive --from RESULT [--slack PCT] [--statistics LIST] [--name NAME]"
                + " [--out FILE] | embed --spec FILE --image REF [--out REF] | extract --image REF [--out FILE]";
    }

    @Override
    public String summary() {
        return "validate spec files (and warn of statistics their budget cannot settle), print the spec v1 JSON Schema,"
                + " derive a spec from a result, put a spec into an OCI image or read it back";
    }

    @Override
    public String exitCodes() {
        return "Exit codes: 0 valid (or written), also with warnings; 2 usage error, an invalid spec (the file, line and"
                + " field are named), or an image without a usable spec; 4 the image or file could not be written.\nA warning"
                + " (on standard error, 'FILE: warning: requirement ...') names a statistic that cannot be bounded within its"
                + " budget at all (too few samples for a quantile at the confidence asked, or a max <= / min >= bound, which"
                + " can never pass) and what would fix it; it is not an error.\nImages: oci:DIR[:TAG] (OCI image layout),"
                + " oci-archive:FILE[:TAG], docker-archive:FILE[:NAME:TAG] (extract only).\nembed attaches the spec as an OCI"
                + " 1.1 referrer (artifactType application/vnd.iocert.spec.v1); without --out it changes the layout or archive"
                + " in place (new blobs and an index.json entry; the image is unchanged); --out oci:DIR or oci-archive:FILE"
                + " writes a copy instead. See docs/spec-travels.md.";
    }

    @Override
    public Options options() {
        Options o = SpecDerive.options();
        o.getOption("out")
                .setDescription("derive, extract: write the spec here instead of standard output (never"
                        + " overwritten); embed: write a copy of the image with the spec here (oci:DIR or oci-archive:FILE,"
                        + " new) instead of changing --image in place");
        SpecInImage.options().forEach(o::addOption);
        return o;
    }

    /** The options each sub-command takes. */
    private static final java.util.Map<String, List<String>> OPTIONS = java.util.Map.of(
            "derive", List.of("from", "slack", "statistics", "name", "out"),
            "embed", List.of("spec", "image", "out"),
            "extract", List.of("image", "out"));

    @Override
    public int run(CommandLine line, PrintStream out, PrintStream err) throws Exception {
        List<String> args = line.getArgList();
        if (args.isEmpty()) {
            throw new UsageException(
                    "spec needs a sub-command: validate FILE..., schema, derive --from RESULT,"
                            + " embed --spec FILE --image REF or extract --image REF",
                    "see 'iocert spec --help'");
        }
        List<String> allowed = OPTIONS.getOrDefault(args.get(0), List.of());
        for (org.apache.commons.cli.Option o : line.getOptions()) {
            if (!allowed.contains(o.getLongOpt())) {
                List<String> owners = OPTIONS.entrySet().stream()
                        .filter(e -> e.getValue().contains(o.getLongOpt()))
                        .map(e -> "'spec " + e.getKey() + "'")
                        .sorted()
                        .toList();
                throw new UsageException("--" + o.getLongOpt() + " belongs to " + String.join(", ", owners)
                        + ", not 'spec " + args.get(0) + "'");
            }
        }
        switch (args.get(0)) {
            case "derive" -> {
                return SpecDerive.run(line, args.subList(1, args.size()), out, err);
            }
            case "embed" -> {
                return SpecInImage.embed(line, args.subList(1, args.size()), out, err);
            }
            case "extract" -> {
                return SpecInImage.extract(line, args.subList(1, args.size()), out, err);
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
                    throw new UsageException("'spec validate' needs at least one FILE (or image, such as oci:DIR:TAG)");
                }
                int bad = 0;
                for (String f : args.subList(1, args.size())) {
                    try {
                        Spec s = Inputs.spec(f, err);
                        out.println(Main.shown(f) + ": OK (spec '" + Printable.escape(s.name()) + "', "
                                + s.requirements().size() + " requirements)");
                        for (Requirement r : s.requirements()) {
                            ProbeRunner.feasibility(r).stream()
                                    .filter(Feasibility.Finding::warns)
                                    .forEach(w -> err.println(Main.shown(f + ": warning: " + w.message())));
                        }
                    } catch (SpecException | ImageException e) {
                        err.println(Main.shown(e.getMessage()));
                        bad++;
                    }
                }
                return bad == 0 ? Main.OK : Main.BAD_INPUT;
            }
            default ->
                throw new UsageException("unknown spec sub-command '" + args.get(0)
                        + "'; expected validate, schema, derive, embed or extract");
        }
    }
}
