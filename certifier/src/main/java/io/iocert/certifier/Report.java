package io.iocert.certifier;

import io.iocert.results.NodeIdentity;
import java.util.List;
import java.util.Objects;

/**
 * A node's certification against a spec (format {@value #FORMAT}). {@code evidence} holds the
 * distributions behind the verdicts when the report was made with its result at hand (see
 * {@link Evidence#of}); it is empty otherwise, and only the HTML report draws it.
 */
public record Report(
        String toolVersion,
        String specName,
        String specSha256,
        NodeIdentity node,
        NodeVerdict verdict,
        List<RequirementVerdict> requirements,
        List<Evidence> evidence) {

    public static final String FORMAT = "iocert-report/1";
    public static final String FLEET_FORMAT = "iocert-fleet-report/1";

    public Report {
        Objects.requireNonNull(node, "node");
        Objects.requireNonNull(verdict, "verdict");
        requirements = List.copyOf(requirements);
        evidence = evidence == null ? List.of() : List.copyOf(evidence);
    }

    /** A report without evidence. */
    public Report(
            String toolVersion,
            String specName,
            String specSha256,
            NodeIdentity node,
            NodeVerdict verdict,
            List<RequirementVerdict> requirements) {
        this(toolVersion, specName, specSha256, node, verdict, requirements, List.of());
    }

    public Report withEvidence(List<Evidence> evidence) {
        return new Report(toolVersion, specName, specSha256, node, verdict, requirements, evidence);
    }
}
