package io.iocert.results.imports;

import java.util.Locale;
import java.util.Optional;

/** The tool outputs {@code iocert import} reads. */
public enum ImportFormat {
    /** fio {@code --output-format=json} or {@code json+}. */
    FIO("fio JSON output (fio --output-format=json or json+)"),
    /** iperf3 {@code -J}. */
    IPERF3("iperf3 JSON output (iperf3 -c ... -J)"),
    /** The text output of OSU micro-benchmarks {@code osu_latency} and {@code osu_bw}. */
    OSU("the text output of osu_latency or osu_bw");

    private final String expected;

    ImportFormat(String expected) {
        this.expected = expected;
    }

    /** The name on the command line: "fio", "iperf3", "osu". */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** What a file of this format is, for messages. */
    public String expected() {
        return expected;
    }

    public static Optional<ImportFormat> ofId(String id) {
        for (ImportFormat f : values()) {
            if (f.id().equals(id)) {
                return Optional.of(f);
            }
        }
        return Optional.empty();
    }
}
