package io.iocert.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.iocert.runner.RunConfig;
import io.iocert.spec.Spec;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.commons.cli.DefaultParser;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InputsTest {
    @Test
    void shouldKeepSustainedWhenConfidenceOrBudgetIsOverridden(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(
                dir.resolve("s.yaml"),
                String.join(
                        "\n",
                        "iocert: v1",
                        "name: s",
                        "requirements:",
                        "  - id: w",
                        "    probe: fs.write",
                        "    sustained: true",
                        "    expect: {throughput: {median: \">= 1 MB/s\"}}",
                        ""));
        Options options = new Options();
        options.addOption(Option.builder().longOpt("spec").hasArg().build());
        options.addOption(Option.builder().longOpt("confidence").hasArg().build());
        options.addOption(Option.builder().longOpt("budget").hasArg().build());
        Spec spec = Inputs.runConfig(
                        new DefaultParser().parse(options, new String[] {
                            "--spec", file.toString(), "--confidence", "0.9", "--budget", "30s"
                        }),
                        new PrintStream(PrintStream.nullOutputStream()),
                        RunConfig.Plan.ONE_ROUND)
                .spec();

        assertEquals(0.9, spec.requirements().get(0).confidence());
        assertTrue(spec.requirements().get(0).sustained());
    }
}
