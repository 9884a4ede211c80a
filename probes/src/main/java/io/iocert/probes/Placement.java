package io.iocert.probes;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A participant's place in a coordinated run whose nodes share one file or one directory
 * ({@code layout: shared-file}, {@code shared-dir}): which of the {@code count} participants it
 * is, and the name the coordinator gave the shared workspace of this requirement, the same on
 * every node. The coordinator numbers the participants that joined, 0 to count - 1, in the
 * order of its {@code --participants} (or of joining).
 *
 * @param index    this participant, 0 to count - 1
 * @param count    how many participants the coordinator sent the requirement to
 * @param sharedId names the shared directory, {@code .iocert-<sharedId>.shared/} under the fs-path
 */
public record Placement(int index, int count, String sharedId) {
    private static final Pattern SAFE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:+-]{0,119}");

    public Placement {
        Objects.requireNonNull(sharedId, "sharedId");
        if (count < 1 || index < 0 || index >= count) {
            throw new IllegalArgumentException("participant index " + index + " is not between 0 and " + (count - 1)
                    + " (" + count + " participants)");
        }
        if (!SAFE.matcher(sharedId).matches()) {
            throw new IllegalArgumentException("shared workspace id '" + sharedId + "' must be 1 to 120 letters, digits"
                    + " or ._:+- (it names a directory)");
        }
    }
}
