package io.iocert.probes;

import io.iocert.spec.ProbeType;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;

/** The probes available in this build, found through {@link ServiceLoader}. */
public final class Probes {
    private static final Map<ProbeType, Probe> BY_TYPE = load();

    private Probes() {}

    public static Optional<Probe> forType(ProbeType type) {
        return Optional.ofNullable(BY_TYPE.get(type));
    }

    private static Map<ProbeType, Probe> load() {
        Map<ProbeType, Probe> m = new EnumMap<>(ProbeType.class);
        for (Probe p : ServiceLoader.load(Probe.class, Probes.class.getClassLoader())) {
            m.putIfAbsent(p.type(), p);
        }
        return m;
    }
}
