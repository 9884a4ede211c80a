package io.iocert.results.imports;

import io.iocert.results.Result;
import java.util.List;

/**
 * An imported result and what the import has to tell: parts of the input it skipped (fio trim
 * sections, text around the JSON) and values it could only approximate.
 *
 * @param sets  the measurement sets found, with the id each was given, in input order
 */
public record Imported(Result result, List<SetSummary> sets, List<String> notes) {
    public Imported {
        sets = List.copyOf(sets);
        notes = List.copyOf(notes);
    }

    /**
     * One measurement set as imported.
     *
     * @param key     what names the set in {@code --map} (fio: {@code JOB.SECTION})
     * @param id      the requirement id it was given
     * @param probe   the iocert probe it stands for
     * @param metrics its metrics, comma separated
     */
    public record SetSummary(String key, String id, String probe, String metrics) {}
}
