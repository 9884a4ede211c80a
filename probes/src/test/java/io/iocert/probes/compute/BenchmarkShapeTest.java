package io.iocert.probes.compute;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.infra.Blackhole;

/**
 * JmhDriver names JMH's blackhole mode instead of letting JMH detect it (which costs two JVM
 * starts per run); that is only sound while no benchmark of iocert's consumes anything: every
 * benchmark method returns nothing and takes no Blackhole. A benchmark that returns a value
 * would be measured with whichever blackhole the mode gives, and must make the driver revisit
 * the choice.
 */
class BenchmarkShapeTest {
    @Test
    void shouldListOnlyTheBenchmarksCheckedHere() throws IOException {
        String list;
        try (InputStream in = BenchmarkShapeTest.class.getResourceAsStream("/META-INF/BenchmarkList")) {
            assertNotNull(in, "the JMH annotation processor's BenchmarkList is on the class path");
            list = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        Set<String> listed = new TreeSet<>();
        Matcher m = Pattern.compile("JMH S \\d+ (\\S+) ").matcher(list);
        while (m.find()) {
            listed.add(m.group(1));
        }
        assertEquals(new TreeSet<>(List.of(FmaBenchmark.class.getName(), StreamBenchmark.class.getName())), listed);
    }

    @Test
    void shouldConsumeNothingInAnyBenchmark() {
        for (Class<?> c : List.of(FmaBenchmark.class, StreamBenchmark.class)) {
            List<Method> benchmarks = Arrays.stream(c.getDeclaredMethods())
                    .filter(x -> x.isAnnotationPresent(Benchmark.class))
                    .toList();
            assertFalse(benchmarks.isEmpty(), c.getSimpleName());
            for (Method b : benchmarks) {
                assertEquals(void.class, b.getReturnType(), c.getSimpleName() + "." + b.getName() + " returns a value");
                assertFalse(
                        Arrays.asList(b.getParameterTypes()).contains(Blackhole.class),
                        c.getSimpleName() + "." + b.getName() + " takes a Blackhole");
            }
        }
    }
}
