package io.iocert.results.imports;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * How imported measurements are named and where they ran.
 *
 * @param id       the requirement id for every measurement, allowed only when the input yields
 *                 one measurement set
 * @param map      set key (or fio job name) to requirement id; sets not named keep their default id
 * @param hostname the node's hostname as the user states it; otherwise only what the file says
 */
public record ImportOptions(Optional<String> id, Map<String, String> map, Optional<String> hostname) {
    public ImportOptions {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(hostname, "hostname");
        map = Collections.unmodifiableMap(new LinkedHashMap<>(map));
    }

    /** Default ids, no hostname. */
    public static ImportOptions defaults() {
        return new ImportOptions(Optional.empty(), Map.of(), Optional.empty());
    }
}
