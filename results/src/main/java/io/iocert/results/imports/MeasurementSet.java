package io.iocert.results.imports;

import io.iocert.results.Measurement;
import java.util.List;

/**
 * The measurements one logical unit of the input yields (a fio job's section, an iperf3 run, an
 * OSU benchmark's sweep), all of one probe, to be given one requirement id.
 *
 * @param key          the set's name in {@code --map}: unique within the input
 * @param group        a coarser name that {@code --map} also accepts (a fio job name), or null
 * @param defaultId    the id when the user names none
 * @param measurements with a placeholder id
 */
record MeasurementSet(String key, String group, String defaultId, String probe, List<Measurement> measurements) {
    MeasurementSet {
        measurements = List.copyOf(measurements);
    }
}
