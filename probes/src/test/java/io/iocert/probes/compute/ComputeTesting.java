package io.iocert.probes.compute;

import io.iocert.probes.NanoClock;
import io.iocert.probes.ProbeContext;
import io.iocert.probes.ProgressListener;
import io.iocert.spec.ProbeType;
import io.iocert.spec.Requirement;
import io.iocert.spec.Workload;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Builders for compute probe tests. */
final class ComputeTesting {
    private ComputeTesting() {}

    static Requirement requirement(ProbeType probe, Duration budget, Object... keyValues) {
        Map<String, Object> values = new LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            values.put((String) keyValues[i], keyValues[i + 1]);
        }
        return new Requirement("req-1", probe, new Workload(values), List.of(), 0.95, budget);
    }

    static Workload workload(Object... keyValues) {
        Map<String, Object> values = new LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            values.put((String) keyValues[i], keyValues[i + 1]);
        }
        return new Workload(values);
    }

    static ProbeContext context(Duration budget, NanoClock clock) {
        return new ProbeContext(Path.of("."), "test-run", budget, Optional.empty(), clock, ProgressListener.NONE);
    }
}
