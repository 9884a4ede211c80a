package io.iocert.cli;

import io.iocert.store.ResultStore;
import io.iocert.store.StoreException;
import io.iocert.store.publish.Catalogue;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.stream.Stream;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Options;

/**
 * {@code iocert publish --store S --out DIR}: the store as a static, offline site
 * (docs/history.md). DIR must be new, empty, or a catalogue published before (then refreshed).
 */
final class PublishCommand implements Command {
    static final String MARKER = "<title>iocert catalogue</title>";

    @Override
    public String name() {
        return "publish";
    }

    @Override
    public String synopsis() {
        return "--store STORE --out DIR";
    }

    @Override
    public String summary() {
        return "write the store as a static site: nodes, instance types, histories plotted, reports, certificates";
    }

    @Override
    public String exitCodes() {
        return "Exit codes: 0 published, 2 usage or bad input, 4 error.";
    }

    @Override
    public Options options() {
        return new Options()
                .addOption(Stores.readOption())
                .addOption(Commands.opt(
                        "out",
                        "DIR",
                        "where to write the site (new, empty, or an earlier catalogue,"
                                + " which is refreshed); open DIR/index.html"));
    }

    @Override
    public int run(CommandLine line, PrintStream out, PrintStream err) throws Exception {
        if (!line.getArgList().isEmpty()) {
            throw new UsageException(
                    "publish takes no arguments; got '" + line.getArgList().get(0) + "'");
        }
        if (!line.hasOption("out")) {
            throw new UsageException("publish needs --out DIR", "see 'iocert publish --help'");
        }
        Path dir = Path.of(line.getOptionValue("out"));
        checkTarget(dir);
        long started = System.nanoTime();
        Catalogue.Published p;
        try (ResultStore store = Stores.openForReading(line, name())) {
            p = Catalogue.write(store, dir, Instant.now());
        } catch (StoreException e) {
            throw Stores.rethrow(e);
        }
        err.printf(
                java.util.Locale.ROOT,
                "iocert: published %d nodes, %d certifications (%d signed), %d changes found," + " in %.1f s: %s%n",
                p.nodes(),
                p.certifications(),
                p.certificates(),
                p.changes(),
                (System.nanoTime() - started) / 1e9,
                dir.resolve("index.html"));
        return Main.OK;
    }

    private static void checkTarget(Path dir) throws Exception {
        if (!Files.exists(dir)) {
            return;
        }
        if (!Files.isDirectory(dir)) {
            throw new UsageException("--out " + dir + " is not a directory");
        }
        Path index = dir.resolve("index.html");
        if (Files.isRegularFile(index)) {
            String head = Files.readString(index, StandardCharsets.UTF_8);
            if (head.contains(MARKER)) {
                return;
            }
        }
        try (Stream<Path> s = Files.list(dir)) {
            if (s.findAny().isPresent()) {
                throw new UsageException(
                        "--out " + dir + " holds files that are not an iocert catalogue; iocert does not"
                                + " write among them (choose a new or empty directory)");
            }
        }
    }
}
