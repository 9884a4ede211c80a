/**
 * The result v1 document: the measurement model, its JSON codec, CSV and {@code .hlog} export,
 * rounds combined, coordinated merging and atomic writes.
 */
module io.iocert.results {
    requires io.iocert.spec; // used inside; no spec type in the exported signatures
    // Measurements carry HdrHistogram's Histogram. The jar has no module name of its own, so this
    // is the name derived from its file (docs/architecture.md, "The sealed surface").
    requires transitive HdrHistogram;
    requires com.fasterxml.jackson.core;
    requires com.fasterxml.jackson.databind;
    requires com.opencsv;

    exports io.iocert.results;
    // fio, iperf3 and OSU output as results: the implementation of `iocert import`, nobody's API.
    exports io.iocert.results.imports to
            io.iocert.cli;
}
