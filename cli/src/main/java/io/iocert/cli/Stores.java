package io.iocert.cli;

import static io.iocert.cli.Commands.opt;

import io.iocert.certifier.Report;
import io.iocert.results.Result;
import io.iocert.results.ResultCodec;
import io.iocert.results.ResultFormatException;
import io.iocert.store.ResultStore;
import io.iocert.store.StoreException;
import io.iocert.store.StoreLocation;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;

/**
 * {@code --store STORE} of run, certify and import (record into it) and of history, drift,
 * publish and {@code certify --instance-type} (read from it). Without the flag the store is
 * {@code $IOCERT_STORE}; without either, run/certify/import record nothing.
 */
final class Stores {
    static final String HELP = "a SQLite file (created when recording) or jdbc:postgresql://HOST[:PORT]/DB?user=U;"
            + " default $" + StoreLocation.ENV + " (docs/history.md)";

    private Stores() {}

    static Option recordOption() {
        return opt("store", "STORE", "also record the result and verdicts in this store: " + HELP);
    }

    static Option readOption() {
        return opt("store", "STORE", "the results store: " + HELP);
    }

    /** The store the flag or the environment names, if any. */
    static Optional<StoreLocation> location(CommandLine line, Map<String, String> env) throws UsageException {
        String text = line.getOptionValue("store", env.get(StoreLocation.ENV));
        if (text == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(StoreLocation.parse(text));
        } catch (StoreException e) {
            throw new UsageException(
                    (line.hasOption("store") ? "--store: " : "$" + StoreLocation.ENV + ": ") + e.getMessage());
        }
    }

    /** The store a reading command needs: named, existing. */
    static ResultStore openForReading(CommandLine line, String command) throws UsageException, IOException {
        StoreLocation where = location(line, System.getenv())
                .orElseThrow(() -> new UsageException(
                        command + " needs a store: --store FILE|jdbc:postgresql://... or $" + StoreLocation.ENV,
                        "see 'iocert " + command + " --help' and docs/history.md"));
        return open(where, false);
    }

    /** Opens the store; a bad store is bad input (exit 2), an unreachable or busy one a runtime error (exit 4). */
    static ResultStore open(StoreLocation where, boolean create) throws UsageException, IOException {
        try {
            return ResultStore.open(where, create);
        } catch (StoreException e) {
            throw rethrow(e);
        }
    }

    /**
     * The store to record into, if any, checked now (opened, created, its schema brought up to
     * date) so a bad store fails in a second rather than after the run.
     */
    static Optional<StoreLocation> checkedForRecording(CommandLine line) throws UsageException, IOException {
        Optional<StoreLocation> where = location(line, System.getenv());
        if (where.isPresent()) {
            try (ResultStore store = open(where.get(), true)) {
                store.location();
            } catch (StoreException e) {
                throw rethrow(e);
            }
        }
        return where;
    }

    /**
     * Records {@code result} (as written: {@code document}) with its certification {@code report}
     * and {@code certificate} (either may be null) in one transaction; nothing without a store.
     * {@code source} names the recording command.
     */
    static void record(
            Optional<StoreLocation> where,
            Result result,
            byte[] document,
            String source,
            Report report,
            byte[] certificate,
            PrintStream err)
            throws UsageException, IOException {
        if (where.isEmpty()) {
            return;
        }
        try (ResultStore store = open(where.get(), true)) {
            recordInto(store, result, document, source, report, certificate, err);
        } catch (StoreException e) {
            throw rethrow(e);
        }
    }

    private static void recordInto(
            ResultStore store,
            Result result,
            byte[] document,
            String source,
            Report report,
            byte[] certificate,
            PrintStream err)
            throws StoreException {
        ResultStore.Recorded r = store.record(result, document, source, report, certificate, Instant.now());
        err.println("iocert: recorded " + (r.newResult() ? "result " : "a certification of stored result ")
                + r.resultId().substring(0, 12) + (report == null ? "" : " (" + report.verdict() + ")")
                + " in " + store.location().display());
    }

    /** Records each certified file with its report (and the one certificate, if signed): one transaction each. */
    static void recordFiles(
            Optional<StoreLocation> where, List<Path> files, List<Report> reports, Path certificate, PrintStream err)
            throws UsageException, IOException, ResultFormatException {
        if (where.isEmpty()) {
            return;
        }
        byte[] cert = certificate == null ? null : Files.readAllBytes(certificate);
        try (ResultStore store = open(where.get(), true)) {
            for (int i = 0; i < files.size(); i++) {
                byte[] document = Files.readAllBytes(files.get(i));
                Result result = ResultCodec.fromJson(document, files.get(i).toString());
                recordInto(store, result, document, "certify", reports.get(i), cert, err);
            }
        } catch (StoreException e) {
            throw rethrow(e);
        }
    }

    /** The exception {@link Main} maps to the right exit code, to be thrown by the caller. */
    static UsageException rethrow(StoreException e) throws IOException {
        if (e.kind() == StoreException.Kind.BAD_INPUT) {
            return new UsageException(e.getMessage());
        }
        throw new IOException(e.getMessage(), e);
    }
}
