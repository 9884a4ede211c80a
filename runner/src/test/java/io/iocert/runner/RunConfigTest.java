package io.iocert.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.iocert.probes.PeerAddress;
import io.iocert.spec.Requirement;
import io.iocert.spec.Spec;
import io.iocert.spec.SpecLoader;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class RunConfigTest {
    private static Spec spec(String filesystem) throws Exception {
        return SpecLoader.parse(
                String.join(
                        "\n",
                        "iocert: v1",
                        "name: layers",
                        "confidence: 0.9",
                        "budget: 20s",
                        filesystem,
                        "requirements:",
                        "  - id: own",
                        "    probe: fs.write",
                        "    budget: 5s",
                        "    confidence: 0.99",
                        "    sustained: true",
                        "    expect: {throughput: {median: \">= 1 MB/s\"}}",
                        "  - id: inherits",
                        "    probe: fs.read",
                        "    expect: {latency: {p50: \"<= 1 ms\"}}",
                        ""),
                "layers.yaml");
    }

    private static RunConfig.Overrides fsPath(Path p) {
        return new RunConfig.Overrides(Optional.of(p), OptionalDouble.empty(), Optional.empty(), OptionalLong.empty());
    }

    @Test
    void shouldTakeTheFsPathFromTheHighestLayerThatSetsIt() throws Exception {
        Spec withPath = spec("filesystem: {path: /scratch}");
        Spec without = spec("");

        RunConfig flag = RunConfig.of(withPath, fsPath(Path.of("/flag")), RunConfig.Plan.ADAPTIVE);
        RunConfig fromSpec = RunConfig.of(withPath, RunConfig.Overrides.NONE, RunConfig.Plan.ADAPTIVE);
        RunConfig fallback = RunConfig.of(without, RunConfig.Overrides.NONE, RunConfig.Plan.ADAPTIVE);

        assertEquals(Path.of("/flag"), flag.fsPath());
        assertEquals(RunConfig.Layer.OVERRIDES, flag.fsPathFrom());
        assertEquals(Path.of("/scratch"), fromSpec.fsPath());
        assertEquals(RunConfig.Layer.SPEC, fromSpec.fsPathFrom());
        assertEquals(Path.of("").toAbsolutePath(), fallback.fsPath());
        assertEquals(RunConfig.Layer.DEFAULTS, fallback.fsPathFrom());
    }

    @Test
    void shouldKeepTheSpecAsReadWhenNothingOverridesIt() throws Exception {
        Spec spec = spec("");

        RunConfig config = RunConfig.of(spec, RunConfig.Overrides.NONE, RunConfig.Plan.ONE_ROUND);

        assertSame(spec, config.spec());
        assertEquals(OptionalLong.empty(), config.maxBytes());
        assertEquals(Optional.empty(), config.peer());
        assertEquals(RunConfig.Plan.ONE_ROUND, config.plan());
    }

    @Test
    void shouldOverrideTheBudgetInEveryRequirementAndKeepEachOwnConfidence() throws Exception {
        RunConfig config = RunConfig.of(
                spec(""),
                new RunConfig.Overrides(
                        Optional.empty(),
                        OptionalDouble.empty(),
                        Optional.of(Duration.ofSeconds(3)),
                        OptionalLong.of(7)),
                RunConfig.Plan.ADAPTIVE);

        Requirement own = config.spec().requirements().get(0);
        Requirement inherits = config.spec().requirements().get(1);
        assertEquals(Duration.ofSeconds(3), own.budget());
        assertEquals(Duration.ofSeconds(3), inherits.budget());
        assertEquals(Duration.ofSeconds(3), config.spec().budget());
        assertEquals(0.99, own.confidence());
        assertEquals(0.9, inherits.confidence());
        assertEquals(0.9, config.spec().confidence());
        assertTrue(own.sustained());
        assertEquals(OptionalLong.of(7), config.maxBytes());
    }

    @Test
    void shouldOverrideTheConfidenceInEveryRequirementAndKeepEachOwnBudget() throws Exception {
        Spec spec = spec("");
        RunConfig config = RunConfig.of(
                spec,
                new RunConfig.Overrides(
                        Optional.empty(), OptionalDouble.of(0.8), Optional.empty(), OptionalLong.empty()),
                RunConfig.Plan.ADAPTIVE);

        assertEquals(0.8, config.spec().requirements().get(0).confidence());
        assertEquals(0.8, config.spec().requirements().get(1).confidence());
        assertEquals(0.8, config.spec().confidence());
        assertEquals(Duration.ofSeconds(5), config.spec().requirements().get(0).budget());
        assertEquals(Duration.ofSeconds(20), config.spec().requirements().get(1).budget());
        // The spec keeps its identity: results name it by the sha256 of what was written.
        assertEquals(spec.sha256(), config.spec().sha256());
    }

    @Test
    void shouldAddThePeerOnceTheRunHasOneAndChangeNothingElse() throws Exception {
        RunConfig config = RunConfig.of(spec(""), fsPath(Path.of("/flag")), RunConfig.Plan.ADAPTIVE);
        PeerAddress peer = new PeerAddress("127.0.0.1", 7878, Optional.empty(), true);

        RunConfig with = config.withPeer(Optional.of(peer));

        assertEquals(Optional.of(peer), with.peer());
        assertEquals(config, with.withPeer(Optional.empty()));
    }
}
