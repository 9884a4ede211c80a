package io.iocert.certifier.export;

import io.iocert.spec.Printable;
import java.util.Optional;

/**
 * The rule every name passes before it reaches an exported file (Slurm script, NFD feature file,
 * Prometheus textfile): it must be printable by the shared rule of {@link Printable}. These files
 * are read line by line, so a host name with a line feed would otherwise add lines of its own
 * (an NFD label, a shell command); a name that fails is refused, never cleaned up silently.
 */
final class ExportNames {
    private ExportNames() {}

    /** {@code value}, checked; {@code where} names the file and field ("report.json: node.hostname"). */
    static String check(String value, String where) throws ExportException {
        Optional<String> refusal = refusal(value);
        if (refusal.isPresent()) {
            throw new ExportException(where + ": " + refusal.get());
        }
        return value;
    }

    /** Why {@code value} cannot be a name in an exported file, or empty when it can. */
    static Optional<String> refusal(String value) {
        return Printable.problem(value)
                .map(
                        problem -> "\"" + Printable.escape(value) + "\" " + problem
                                + "; names in exported files must be printable (no control, format or line-separator characters)");
    }
}
