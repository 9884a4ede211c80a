package io.iocert.certifier.export;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** One node to export under {@code name}, with its certifications (one per spec), in input order. */
public record ExportNode(String name, List<Certification> certifications) {

    public ExportNode {
        certifications = List.copyOf(certifications);
    }

    /**
     * Groups certifications by node. The node name is the host name up to its first dot (Slurm
     * and most schedulers use short names), or {@code nameOverride}, which needs inputs of a single
     * host. {@code host} keeps only the certifications of that host (full or short name), as a
     * per-node job picks its own entry from a fleet report. A node certified twice for the same
     * spec is an error: which one should count is not for export to guess.
     */
    public static List<ExportNode> group(List<Certification> all, Optional<String> nameOverride, Optional<String> host)
            throws ExportException {
        if (nameOverride.isPresent()) {
            ExportNames.check(nameOverride.get(), "--node-name");
        }
        for (Certification c : all) {
            ExportNames.check(c.specName(), c.source() + ": spec name");
            if (c.hostname() != null) {
                ExportNames.check(c.hostname(), c.source() + ": node.hostname");
            }
        }
        List<Certification> kept = all;
        if (host.isPresent()) {
            String h = host.get();
            kept = all.stream()
                    .filter(c -> c.hostname() != null
                            && (c.hostname().equals(h)
                                    || shortName(c.hostname()).equals(shortName(h))))
                    .toList();
            if (kept.isEmpty()) {
                throw new ExportException("--host " + h + " matches no node in the inputs (they hold: "
                        + String.join(", ", hosts(all)) + ")");
            }
        }
        if (nameOverride.isPresent()) {
            Set<String> hosts = hosts(kept);
            if (hosts.size() > 1) {
                throw new ExportException("--node-name needs inputs of a single node; they hold " + hosts.size() + " ("
                        + String.join(", ", hosts) + "): choose one with --host HOST");
            }
        }
        Map<String, List<Certification>> byNode = new LinkedHashMap<>();
        for (Certification c : kept) {
            String name;
            if (nameOverride.isPresent()) {
                name = nameOverride.get();
            } else if (c.hostname() == null) {
                throw new ExportException(
                        c.source() + ": node.hostname: missing, so the node has no name; give" + " --node-name NAME");
            } else {
                name = shortName(c.hostname());
            }
            List<Certification> list = byNode.computeIfAbsent(name, k -> new ArrayList<>());
            for (Certification other : list) {
                if (other.specName().equals(c.specName())) {
                    throw new ExportException("node " + name + " is certified for spec '" + c.specName() + "' twice ("
                            + other.source() + " and " + c.source() + "); give one certification per node and spec");
                }
            }
            list.add(c);
        }
        List<ExportNode> out = new ArrayList<>();
        byNode.forEach((name, list) -> out.add(new ExportNode(name, list)));
        return out;
    }

    /** The host name up to its first dot; an IPv4 address stays whole. */
    static String shortName(String hostname) {
        if (hostname.matches("[0-9.]+")) {
            return hostname;
        }
        int dot = hostname.indexOf('.');
        return dot > 0 ? hostname.substring(0, dot) : hostname;
    }

    private static Set<String> hosts(List<Certification> cs) {
        Set<String> out = new LinkedHashSet<>();
        for (Certification c : cs) {
            out.add(c.hostname() == null ? "(no hostname in " + c.source() + ")" : c.hostname());
        }
        return out;
    }
}
