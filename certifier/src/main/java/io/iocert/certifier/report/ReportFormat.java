package io.iocert.certifier.report;

import java.util.Locale;
import java.util.Optional;

/**
 * The report formats, each with its writer and file extension. {@code iocert run} and
 * {@code certify --report-dir} write every one as {@code report.<extension>}.
 */
public enum ReportFormat {
    TEXT("txt", new TextReportWriter()),
    MD("md", new MarkdownReportWriter()),
    HTML("html", new HtmlReportWriter()),
    JUNIT("xml", new JUnitReportWriter()),
    JSON("json", new JsonReportWriter()),
    CSV("csv", new CsvReportWriter());

    private final String extension;
    private final ReportWriter writer;

    ReportFormat(String extension, ReportWriter writer) {
        this.extension = extension;
        this.writer = writer;
    }

    public String extension() {
        return extension;
    }

    public ReportWriter writer() {
        return writer;
    }

    /** The lower-case name used on the command line: text, md, html, junit, json, csv. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<ReportFormat> ofId(String id) {
        for (ReportFormat f : values()) {
            if (f.id().equals(id)) {
                return Optional.of(f);
            }
        }
        return Optional.empty();
    }

    public static String ids() {
        StringBuilder sb = new StringBuilder();
        for (ReportFormat f : values()) {
            sb.append(sb.length() == 0 ? "" : ", ").append(f.id());
        }
        return sb.toString();
    }
}
