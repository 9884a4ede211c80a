package io.iocert.cli;

import io.iocert.certifier.Report;
import io.iocert.certifier.report.ReportFormat;
import io.iocert.results.AtomicFiles;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintStream;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import org.apache.commons.cli.CommandLine;

/** Where reports and results go, written atomically and never over a user's file. */
final class Outputs {
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'", Locale.ROOT);

    private Outputs() {}

    static ReportFormat format(CommandLine line) throws UsageException {
        String f = line.getOptionValue("format", "text");
        return ReportFormat.ofId(f)
                .orElseThrow(() -> new UsageException(
                        "--format '" + f + "' is not a report format; expected one of " + ReportFormat.ids()));
    }

    static String render(ReportFormat format, List<Report> reports) {
        // Sized for a fleet's report up front: growing a 20-MB report by doubling copied it
        // about twenty times, on the one thread left once the nodes are judged.
        StringWriter w = new StringWriter((int) Math.min(Integer.MAX_VALUE - 8, 4096L * reports.size()));
        renderTo(format, reports, w);
        return w.toString();
    }

    /**
     * Writes the report straight to {@code out}, in chunks, through the stream's own encoding
     * (as {@code out.print} would): a fleet's report is never held whole.
     */
    static void print(ReportFormat format, List<Report> reports, PrintStream out) {
        Writer chunks = new Writer() {
            @Override
            public void write(char[] buffer, int offset, int length) {
                out.print(new String(buffer, offset, length));
            }

            @Override
            public void flush() {
                out.flush();
            }

            @Override
            public void close() {
                out.flush();
            }
        };
        try (Writer w = new BufferedWriter(chunks, 1 << 16)) {
            renderTo(format, reports, w);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void renderTo(ReportFormat format, List<Report> reports, Writer w) {
        try {
            if (reports.size() == 1) {
                format.writer().write(reports.get(0), w);
            } else {
                format.writer().writeFleet(reports, w);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes {@code content} to a new {@code file}; an existing one is a usage error (exit 2), as for import. */
    static void write(Path file, String content) throws IOException, UsageException {
        try {
            AtomicFiles.write(file, content.getBytes(StandardCharsets.UTF_8), false);
        } catch (java.nio.file.FileAlreadyExistsException e) {
            throw new UsageException(Main.describe(e));
        }
    }

    /** A UTC timestamp for directory names: 20261123T191900Z. */
    static String stamp() {
        return STAMP.format(ZonedDateTime.now(ZoneOffset.UTC));
    }

    /**
     * The run's output directory: the one given, which must not already hold a run's files, or a
     * new {@code ./iocert-out/<UTC timestamp>/}. Created now, before any probing, so a bad path
     * fails in a second rather than after the run.
     */
    static Path runDirectory(CommandLine line) throws UsageException, IOException {
        Path dir;
        if (line.hasOption("out")) {
            dir = Path.of(line.getOptionValue("out"));
            for (String f : List.of(RunCommand.RESULT_FILE, RunCommand.REPORT_FILE)) {
                if (Files.exists(dir.resolve(f))) {
                    throw new UsageException("--out " + dir + " already holds " + f
                            + "; iocert does not overwrite results (choose a new directory)");
                }
            }
            if (Files.exists(dir) && !Files.isDirectory(dir)) {
                throw new UsageException("--out " + dir + " is not a directory");
            }
        } else {
            Path base = Path.of("iocert-out");
            String stamp = stamp();
            dir = base.resolve(stamp);
            for (int i = 2; Files.exists(dir); i++) {
                dir = base.resolve(stamp + "-" + i);
            }
        }
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UsageException("cannot create the output directory " + dir + ": " + Main.describe(e));
        }
        return dir;
    }
}
