package io.iocert.certifier.export;

/**
 * The names and values of the NFD labels {@code iocert export --to nfd} writes, for whoever
 * selects nodes on them ({@code iocert admit} adds node affinity on exactly these). One source
 * for both sides, so a pod's requirement and a node's label cannot drift apart.
 */
public final class NfdLabels {
    /** The label namespace, {@value}. */
    public static final String NAMESPACE = NfdExporter.NAMESPACE;
    /** The value of {@link #eligible} on a node that is ELIGIBLE for the spec and not expired. */
    public static final String ELIGIBLE_VALUE = "true";

    private NfdLabels() {}

    /** {@code iocert.io/<spec>}: "true" on a node eligible for the spec, else "false". */
    public static String eligible(String specName) throws ExportException {
        return NAMESPACE + "/" + NfdExporter.label(specName);
    }

    /** {@code iocert.io/<spec>.sha256}: which version of the spec the node was certified for. */
    public static String sha256(String specName) throws ExportException {
        return NAMESPACE + "/" + NfdExporter.label(specName, "sha256");
    }

    /** The value of {@link #sha256}: the spec's SHA-256 cut to 12 hex digits, as reports abbreviate it. */
    public static String sha256Value(String specSha256) {
        return specSha256.substring(0, Math.min(12, specSha256.length())).replaceAll("[^A-Za-z0-9]", "");
    }
}
