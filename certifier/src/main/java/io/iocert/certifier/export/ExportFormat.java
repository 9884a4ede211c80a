package io.iocert.certifier.export;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** The targets of {@code iocert export --to}, each behind one method. */
public enum ExportFormat {
    SLURM("slurm", new SlurmExporter()),
    NFD("nfd", new NfdExporter()),
    PROMETHEUS("prometheus", new PrometheusExporter());

    private final String id;
    private final Exporter exporter;

    ExportFormat(String id, Exporter exporter) {
        this.id = id;
        this.exporter = exporter;
    }

    public String id() {
        return id;
    }

    public static Optional<ExportFormat> ofId(String id) {
        return Arrays.stream(values())
                .filter(f -> f.id.equals(id.toLowerCase(Locale.ROOT)))
                .findFirst();
    }

    public static List<String> ids() {
        return Arrays.stream(values()).map(ExportFormat::id).toList();
    }

    /** The export's text for {@code nodes}. */
    public String export(List<ExportNode> nodes, ExportOptions options) throws ExportException {
        return exporter.export(nodes, options);
    }

    /**
     * A Slurm script taking {@code specName}'s features off {@code nodes} that have no current
     * certification for it, keeping their other features ({@code export --to slurm --withdraw}).
     */
    public static String slurmWithdrawal(List<String> nodes, String specName, String reason, ExportOptions options)
            throws ExportException {
        return SlurmExporter.withdraw(nodes, specName, reason, options);
    }

    /** One target format. */
    interface Exporter {
        String export(List<ExportNode> nodes, ExportOptions options) throws ExportException;
    }
}
