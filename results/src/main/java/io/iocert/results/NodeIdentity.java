package io.iocert.results;

import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What machine was measured. Fields that could not be read are absent, never guessed.
 * Values are JSON scalars: {@link String}, {@link Long} or {@link Boolean}. Keys are sorted so
 * the JSON form is stable.
 */
public record NodeIdentity(Map<String, Object> fields) {

    public static final String HOSTNAME = "hostname";
    public static final String OS = "os";
    public static final String KERNEL = "kernel";
    public static final String ARCH = "arch";
    public static final String CPU_MODEL = "cpuModel";
    public static final String CORES = "cores";
    public static final String MEMORY_BYTES = "memoryBytes";
    public static final String JVM = "jvm";

    public NodeIdentity {
        fields = Collections.unmodifiableMap(new TreeMap<>(fields));
    }

    public Optional<Object> get(String key) {
        return Optional.ofNullable(fields.get(key));
    }

    /** The hostname, or "unknown" when it could not be read. */
    public String hostname() {
        return String.valueOf(fields.getOrDefault(HOSTNAME, "unknown"));
    }
}
