package io.iocert.certifier;

import io.iocert.results.NodeIdentity;
import java.util.List;
import java.util.Objects;

/** A node's certification against a spec (format {@value #FORMAT}). */
public record Report(String toolVersion, String specName, String specSha256, NodeIdentity node,
                     NodeVerdict verdict, List<RequirementVerdict> requirements) {

    public static final String FORMAT = "iocert-report/1";
    public static final String FLEET_FORMAT = "iocert-fleet-report/1";

    public Report {
        Objects.requireNonNull(node, "node");
        Objects.requireNonNull(verdict, "verdict");
        requirements = List.copyOf(requirements);
    }
}
