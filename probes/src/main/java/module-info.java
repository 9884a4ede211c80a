/**
 * The probe SPI ({@code io.iocert.probes}: {@code Probe}, {@code ProbeContext}, {@code Probes},
 * clocks, node identity); the fs, net and compute probes behind it are found as services and
 * stay inside.
 */
module io.iocert.probes {
    requires transitive io.iocert.spec;
    requires transitive io.iocert.results;
    requires java.management;
    requires jdk.management; // the serve peer's direct memory limit (HotSpotDiagnosticMXBean)
    requires jdk.unsupported; // O_DIRECT (com.sun.nio.file.ExtendedOpenOption)
    requires jdk.security.auth; // the workspace sweep's owner check (UnixSystem)
    // The compute kernels run under JMH, in a forked JVM on the class path; no name of its own.
    requires jmh.core;

    exports io.iocert.probes;
    // The `iocert serve` peer, the coordinator and participant of coordinated runs and the
    // token. The command line starts `serve` and addresses peers; the runner drives the
    // coordinator's side of coordinated runs and starts the in-process loopback peer. The
    // probes in it are services.
    exports io.iocert.probes.net to
            io.iocert.cli,
            io.iocert.runner;

    uses io.iocert.probes.Probe;

    provides io.iocert.probes.Probe with
            io.iocert.probes.fs.FsReadProbe,
            io.iocert.probes.fs.FsWriteProbe,
            io.iocert.probes.fs.FsFsyncProbe,
            io.iocert.probes.fs.FsMetadataProbe,
            io.iocert.probes.compute.MemoryBandwidthProbe,
            io.iocert.probes.compute.FlopsProbe,
            io.iocert.probes.compute.JitterProbe,
            io.iocert.probes.net.NetPingPongProbe,
            io.iocert.probes.net.NetStreamProbe,
            io.iocert.probes.net.NetConnectProbe;
}
