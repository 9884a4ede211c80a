package io.iocert.store;

import io.iocert.results.NodeIdentity;
import java.util.Optional;

/**
 * The instance type of a node, from the identity iocert collects: the cloud instance type where
 * DMI tells it ({@code cloudInstanceType}, EC2), else the DMI product name (a server model such
 * as "PowerEdge R650", or the type other clouds write there). Absent when neither was read.
 */
public final class InstanceTypes {
    /** Key names as the probes' NodeIdentityCollector writes them (the store does not depend on probes). */
    static final String CLOUD_INSTANCE_TYPE = "cloudInstanceType";

    static final String DMI_PRODUCT = "dmiProductName";

    private InstanceTypes() {}

    public static Optional<String> of(NodeIdentity node) {
        return node.get(CLOUD_INSTANCE_TYPE)
                .or(() -> node.get(DMI_PRODUCT))
                .map(String::valueOf)
                .filter(s -> !s.isBlank());
    }
}
