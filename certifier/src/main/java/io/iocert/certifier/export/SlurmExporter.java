package io.iocert.certifier.export;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.iocert.certifier.Verdict;
import io.iocert.spec.Printable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Slurm node features and the node's {@code Extra} field, as a shell script of {@code scontrol}
 * calls.
 *
 * <p>Features: {@code iocert_<spec>} when the node is ELIGIBLE for the spec (and its certificate,
 * if any, has not expired), and {@code iocert_<spec>__<requirement>} for every requirement all of
 * whose statistics passed. A spec name must be letters and digits joined by single {@code -}
 * ({@code ocean-checkpoint}), which become {@code _} ({@code iocert_ocean_checkpoint}); other
 * spec names are refused. On those names the mapping is one-to-one and no spec's features fall
 * under another's {@code iocert_<spec>__} prefix, so merging one spec's features never strips
 * another's (a spec {@code pp_test__big} would otherwise land under {@code pp-test}'s). In a
 * requirement part letters, digits and {@code _} stay and any other character becomes {@code _};
 * two requirements that become the same feature are an error.
 *
 * <p>{@code scontrol update AvailableFeatures=...} replaces a node's whole list. In
 * {@linkplain ExportOptions.FeaturesMode#MERGE merge} mode (the default) the script therefore
 * reads each node's lists with {@code scontrol show node -o}, drops only the features of the specs
 * being exported ({@code iocert_<spec>} and {@code iocert_<spec>__*}: a node certified for other
 * specs keeps theirs), adds the new ones and writes the lists back, first removing stale iocert features from
 * ActiveFeatures (scontrol refuses to remove an available feature that is still active); a
 * list that would not change is not written, so applying the script twice changes nothing. It
 * sets {@code Extra} only when it is empty or holds iocert's own JSON, so a site's own Extra
 * survives. {@linkplain ExportOptions.FeaturesMode#REPLACE Replace} mode writes one plain
 * {@code scontrol update} line per node that sets the lists and Extra outright.
 */
final class SlurmExporter implements ExportFormat.Exporter {
    static final String PREFIX = "iocert_";
    private static final ObjectMapper MAPPER = new ObjectMapper();
    /** Spec names that map one-to-one onto feature text (see {@link #specFeature}). */
    private static final Pattern SPEC_NAME = Pattern.compile("[A-Za-z0-9]+(?:-[A-Za-z0-9]+)*");

    private static final Pattern NODE_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");

    /** POSIX sh helpers of merge mode; {@code iocert_update NODE FEATURES EXTRA} per node. */
    private static final String MERGE_FUNCTIONS = """
            # iocert_list LIST: a comma list without empty entries or Slurm's "(null)".
            iocert_list() {
              printf '%s\\n' "$1" | tr ',' '\\n' | grep -v -e '^$' -e '^(null)$' | paste -s -d, -
            }
            # iocert_ours X SPECS: whether feature X is one of SPECS' (iocert_<spec>, iocert_<spec>__<req>).
            iocert_ours() {
              for s in $(printf '%s' "$2" | tr ',' ' '); do
                case $1 in "$s"|"$s"__*) return 0 ;; esac
              done
              return 1
            }
            # iocert_site LIST SPECS: the list without the features of SPECS (other specs' stay).
            iocert_site() {
              iocert_list "$1" | tr ',' '\n' | while IFS= read -r x; do
                [ -n "$x" ] || continue
                iocert_ours "$x" "$2" || printf '%s\n' "$x"
              done | paste -s -d, -
            }
            # iocert_unstale LIST KEEP SPECS: LIST without the features of SPECS that are not in KEEP.
            iocert_unstale() {
              iocert_list "$1" | tr ',' '\n' | while IFS= read -r x; do
                [ -n "$x" ] || continue
                if iocert_ours "$x" "$3"; then
                  case ",$2," in *",$x,"*) printf '%s\n' "$x" ;; esac
                else
                  printf '%s\n' "$x"
                fi
              done | paste -s -d, -
            }
            # iocert_join A B: A and B joined by a comma, either may be empty.
            iocert_join() {
              if [ -n "$1" ] && [ -n "$2" ]; then printf '%s,%s' "$1" "$2"; else printf '%s%s' "$1" "$2"; fi
            }
            # iocert_field LINE NAME: the value of NAME= in one line of 'scontrol show node -o'.
            iocert_field() {
              printf '%s\\n' "$1" | tr ' ' '\\n' | sed -n "s/^$2=//p" | head -n 1
            }
            # iocert_update NODE FEATURES EXTRA SPECS: replace NODE's features of SPECS by FEATURES, keep
            # the others; set Extra to EXTRA unless it holds something that is not iocert's.
            iocert_update() {
              line=$(scontrol show node -o "$1") || { echo "iocert: cannot read node $1 with scontrol" >&2; return 1; }
              avail=$(iocert_list "$(iocert_field "$line" AvailableFeatures)")
              active=$(iocert_list "$(iocert_field "$line" ActiveFeatures)")
              extra=$(iocert_field "$line" Extra)
              site_avail=$(iocert_site "$avail" "$4")
              site_active=$(iocert_site "$active" "$4")
              new_avail=$(iocert_join "$site_avail" "$2")
              new_active=$(iocert_join "$site_active" "$2")
              kept_active=$(iocert_unstale "$active" "$2" "$4")
              if [ "$active" != "$kept_active" ]; then
                scontrol update NodeName="$1" ActiveFeatures="$kept_active"
                active=$kept_active
              fi
              if [ "$avail" != "$new_avail" ]; then
                scontrol update NodeName="$1" AvailableFeatures="$new_avail"
              fi
              if [ "$active" != "$new_active" ]; then
                scontrol update NodeName="$1" ActiveFeatures="$new_active"
              fi
              case $extra in
                ''|'(null)'|'{"iocert":'*) scontrol update NodeName="$1" Extra="$3" ;;
                *) echo "iocert: node $1: Extra holds a value that is not iocert's; left unchanged" >&2 ;;
              esac
            }
            """;

    @Override
    public String export(List<ExportNode> nodes, ExportOptions options) throws ExportException {
        StringBuilder b = new StringBuilder();
        b.append("#!/bin/sh\n");
        b.append("# iocert export --to slurm, ")
                .append(options.now())
                .append(": node features and Extra for ")
                .append(nodes.size())
                .append(nodes.size() == 1 ? " node" : " nodes")
                .append(".\n");
        b.append("# Apply on a host with scontrol and the right to update nodes: sh THIS_FILE\n");
        if (options.featuresMode() == ExportOptions.FeaturesMode.MERGE) {
            b.append("# Each node keeps its own features and other specs' iocert features; only this export's specs'"
                    + " (iocert_<spec>, iocert_<spec>__*) are replaced.\n");
            b.append("set -eu\n\n").append(MERGE_FUNCTIONS);
        } else {
            b.append(
                    "# Replace mode: each node's feature lists are set to iocert's ALONE (the site's own are removed).\n");
            b.append("set -eu\n");
        }
        for (ExportNode n : nodes) {
            if (!NODE_NAME.matcher(n.name()).matches()) {
                throw new ExportException(n.certifications().get(0).source() + ": node name '" + n.name()
                        + "' is not a Slurm node name (letters, digits, '.', '_', '-'); give --node-name NAME");
            }
            List<String> features = features(n);
            String extra = extra(n, options);
            b.append('\n');
            for (Certification c : n.certifications()) {
                b.append("# ")
                        .append(n.name())
                        .append(": spec '")
                        .append(comment(c.specName()))
                        .append("' ")
                        .append(
                                c.expired()
                                        ? "EXPIRED (was " + c.verdict() + ")"
                                        : c.verdict().name())
                        .append(" from ")
                        .append(comment(c.source()))
                        .append('\n');
            }
            String list = String.join(",", features);
            if (options.featuresMode() == ExportOptions.FeaturesMode.MERGE) {
                List<String> specs = new ArrayList<>();
                for (Certification c : n.certifications()) {
                    String s = PREFIX + specFeature(c.specName(), c.source());
                    if (!specs.contains(s)) {
                        specs.add(s);
                    }
                }
                b.append("iocert_update ")
                        .append(quote(n.name()))
                        .append(' ')
                        .append(quote(list))
                        .append(' ')
                        .append(quote(extra))
                        .append(' ')
                        .append(quote(String.join(",", specs)))
                        .append('\n');
            } else {
                b.append("scontrol update NodeName=")
                        .append(n.name())
                        .append(" AvailableFeatures=")
                        .append(list)
                        .append(" ActiveFeatures=")
                        .append(list)
                        .append(" Extra=")
                        .append(quote(extra))
                        .append('\n');
            }
        }
        return b.toString();
    }

    /**
     * A merge-mode script that takes {@code specName}'s features off {@code nodes}, for nodes that
     * have no current certification for it (their run left no result): without it a node that
     * failed to certify would keep the features of its last good run. Extra records the
     * withdrawal, under the same rule as an export (only an empty or iocert Extra is replaced).
     */
    static String withdraw(List<String> nodes, String specName, String reason, ExportOptions options)
            throws ExportException {
        ExportNames.check(specName, "--spec: name");
        String spec = PREFIX + specFeature(specName, "--spec");
        StringBuilder b = new StringBuilder();
        b.append("#!/bin/sh\n");
        b.append("# iocert export --to slurm --withdraw, ")
                .append(options.now())
                .append(": spec '")
                .append(comment(specName))
                .append("' features off ")
                .append(nodes.size())
                .append(nodes.size() == 1 ? " node" : " nodes")
                .append(" (")
                .append(comment(reason))
                .append(").\n");
        b.append("# Apply on a host with scontrol and the right to update nodes: sh THIS_FILE\n");
        b.append("# Each node keeps its own features and other specs' iocert features.\n");
        b.append("set -eu\n\n").append(MERGE_FUNCTIONS);
        for (String node : nodes) {
            if (!NODE_NAME.matcher(node).matches()) {
                throw new ExportException(
                        "--withdraw: '" + node + "' is not a Slurm node name (letters, digits, '.', '_', '-')");
            }
            ObjectNode root = MAPPER.createObjectNode();
            ObjectNode io = root.putObject("iocert");
            io.put("exported", options.now().toString());
            ObjectNode s = io.putObject("specs").putObject(specName);
            s.put("verdict", "NONE");
            s.put("eligible", false);
            s.put("withdrawn", reason);
            String extra;
            try {
                extra = MAPPER.writeValueAsString(root);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            b.append('\n')
                    .append("# ")
                    .append(node)
                    .append(": spec '")
                    .append(comment(specName))
                    .append("' withdrawn\n");
            b.append("iocert_update ")
                    .append(quote(node))
                    .append(" '' ")
                    .append(quote(extra))
                    .append(' ')
                    .append(quote(spec))
                    .append('\n');
        }
        return b.toString();
    }

    /** The node's iocert features, in input order, checked for names that collide. */
    static List<String> features(ExportNode n) throws ExportException {
        List<String> out = new ArrayList<>();
        Map<String, String> origin = new HashMap<>();
        for (Certification c : n.certifications()) {
            String spec = PREFIX + specFeature(c.specName(), c.source());
            claim(origin, spec, "spec '" + c.specName() + "'", c);
            if (c.expired()) {
                continue;
            }
            if (c.eligible()) {
                out.add(spec);
            }
            for (Map.Entry<String, Verdict> r : c.requirementVerdicts().entrySet()) {
                String f = spec + "__" + feature(r.getKey());
                claim(origin, f, "spec '" + c.specName() + "' requirement '" + r.getKey() + "'", c);
                if (r.getValue() == Verdict.PASS) {
                    out.add(f);
                }
            }
        }
        return out;
    }

    private static void claim(Map<String, String> origin, String feature, String what, Certification c)
            throws ExportException {
        String before = origin.putIfAbsent(feature, what);
        if (before != null && !before.equals(what)) {
            throw new ExportException(c.source() + ": " + what + " and " + before + " both become the Slurm feature "
                    + feature + "; rename one");
        }
    }

    /**
     * A spec name as the feature text after {@value #PREFIX}: letters and digits joined by single
     * '-' become the same with '_'; any other name is refused, so that the mapping is one-to-one
     * and a spec's features never start with another spec's {@code iocert_<spec>__}.
     */
    static String specFeature(String specName, String where) throws ExportException {
        if (!SPEC_NAME.matcher(specName).matches()) {
            throw new ExportException(where + ": spec '" + Printable.escape(specName) + "' cannot name Slurm features:"
                    + " a spec exported to Slurm must be named with letters and digits joined by single '-' (such as"
                    + " " + suggestion(specName) + "), so that each spec's features are its own"
                    + " (iocert_<spec>, iocert_<spec>__<requirement>); rename the spec");
        }
        return specName.replace('-', '_');
    }

    private static String suggestion(String name) {
        String s = name.replaceAll("[^A-Za-z0-9]+", "-").replaceAll("^-+|-+$", "");
        return s.isEmpty() ? "ocean-checkpoint" : s;
    }

    /** A requirement id as Slurm feature text: letters, digits and '_'; anything else becomes '_'. */
    static String feature(String name) {
        StringBuilder b = new StringBuilder(name.length());
        for (int i = 0; i < name.length(); i++) {
            char ch = name.charAt(i);
            b.append(ch < 128 && (Character.isLetterOrDigit(ch) || ch == '_') ? ch : '_');
        }
        return b.toString();
    }

    /** The node's Extra: one line of JSON, {"iocert": {"exported": ..., "specs": {name: {...}}}}. */
    static String extra(ExportNode n, ExportOptions options) {
        ObjectNode root = MAPPER.createObjectNode();
        ObjectNode io = root.putObject("iocert");
        io.put("exported", options.now().toString());
        ObjectNode specs = io.putObject("specs");
        for (Certification c : n.certifications()) {
            ObjectNode s = specs.putObject(c.specName());
            s.put("verdict", c.verdict().name());
            s.put("eligible", c.eligible());
            s.put("sha256", c.specShortSha());
            s.put("source", c.kind() == Certification.Kind.CERTIFICATE ? "certificate" : "report");
            if (c.kind() == Certification.Kind.CERTIFICATE) {
                s.put("verified", c.verified());
                s.put("validUntil", c.validUntil().orElseThrow().toString());
                s.put("expired", c.expired());
            }
            var notPassed = s.putArray("notPassed");
            c.requirementVerdicts().forEach((id, v) -> {
                if (v != Verdict.PASS) {
                    notPassed.add(id);
                }
            });
        }
        try {
            return MAPPER.writeValueAsString(root);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code s} as one single-quoted shell word. */
    static String quote(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }

    /** Text for a comment line: names are checked before, this only guards the line. */
    private static String comment(String s) {
        return Printable.escape(s);
    }
}
