/**
 * Verdicts: a result judged against a spec ({@code Certifier}, {@code Report}), the report
 * formats and reader, and certificates. It reads result documents, never a probe.
 */
module io.iocert.certifier {
    requires transitive io.iocert.spec;
    requires transitive io.iocert.results;
    // The report reader and certificate verification take and give Jackson trees.
    requires transitive com.fasterxml.jackson.databind;
    requires com.fasterxml.jackson.core;
    requires com.opencsv;
    requires java.xml; // the JUnit report (StAX)
    requires org.apache.commons.statistics.distribution;

    exports io.iocert.certifier;
    exports io.iocert.certifier.report;
    exports io.iocert.certifier.cert;
    // The estimators and change points, for the store's drift analysis; the certifier's own
    // methods otherwise, whose choices the simulations decide.
    exports io.iocert.certifier.stats to
            io.iocert.store;
    // `iocert compare`, `spec derive` and the Slurm, NFD and Prometheus exports: one command each.
    exports io.iocert.certifier.compare to
            io.iocert.cli;
    exports io.iocert.certifier.derive to
            io.iocert.cli;
    exports io.iocert.certifier.export to
            io.iocert.cli;
}
