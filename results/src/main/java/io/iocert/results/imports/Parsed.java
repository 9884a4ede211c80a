package io.iocert.results.imports;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/** What a parser read: the measurement sets, what the file says about the node, when it ran. */
record Parsed(List<MeasurementSet> sets, Map<String, Object> node, Instant startedAt, Instant endedAt) {
    Parsed {
        sets = List.copyOf(sets);
        node = Map.copyOf(node);
    }
}
