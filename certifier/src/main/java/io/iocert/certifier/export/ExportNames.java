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
    private ExportNames() {
    }

    /** {@code value}, checked; {@code where} names the file and field ("report.json: node.hostname"). */
    static String check(String value, String where) throws ExportException {
        Optional<String> problem = Printable.problem(value);
        if (problem.isPresent()) {
            throw new ExportException(where + ": \"" + Printable.escape(value) + "\" " + problem.get()
                    + "; names in exported files must be printable (no control, format or line-separator characters)");
        }
        return value;
    }
}
