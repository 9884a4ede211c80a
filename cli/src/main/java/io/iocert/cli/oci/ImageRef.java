package io.iocert.cli.oci;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;

/**
 * An image named on the command line, in skopeo's transport syntax:
 * {@code oci:DIR[:TAG]} (an OCI image layout directory), {@code oci-archive:FILE[:TAG]} (a tar
 * of one) or {@code docker-archive:FILE[:NAME:TAG]} ({@code docker save} output). As in
 * skopeo, the path ends at the first colon after the transport, unless the whole rest exists
 * as a file or directory.
 */
public record ImageRef(Transport transport, Path path, Optional<String> reference) {

    /** How the image is stored. */
    public enum Transport {
        OCI("oci"),
        OCI_ARCHIVE("oci-archive"),
        DOCKER_ARCHIVE("docker-archive");

        private final String prefix;

        Transport(String prefix) {
            this.prefix = prefix;
        }

        public String prefix() {
            return prefix;
        }
    }

    static final String FORMS = "oci:DIR[:TAG], oci-archive:FILE[:TAG] or docker-archive:FILE[:NAME:TAG]";

    /** True when {@code text} starts with one of the transports, such as {@code oci:}. */
    public static boolean looksLikeImage(String text) {
        return transportOf(text).isPresent();
    }

    public static ImageRef parse(String text) throws ImageException {
        Transport t = transportOf(text)
                .orElseThrow(() -> new ImageException("'" + text + "' is not an image reference; expected " + FORMS));
        String rest = text.substring(t.prefix().length() + 1);
        if (rest.isEmpty()) {
            throw new ImageException(
                    "'" + text + "' names no " + (t == Transport.OCI ? "directory" : "file") + "; expected " + FORMS);
        }
        int colon = rest.indexOf(':');
        if (colon < 0 || Files.exists(Path.of(rest))) {
            return new ImageRef(t, Path.of(rest), Optional.empty());
        }
        String path = rest.substring(0, colon);
        String ref = rest.substring(colon + 1);
        if (path.isEmpty() || ref.isEmpty()) {
            throw new ImageException(
                    "'" + text + "' has an empty " + (path.isEmpty() ? "path" : "tag") + "; expected " + FORMS);
        }
        return new ImageRef(t, Path.of(path), Optional.of(ref));
    }

    private static Optional<Transport> transportOf(String text) {
        return Arrays.stream(Transport.values())
                .filter(t -> text.startsWith(t.prefix() + ":"))
                .findFirst();
    }

    @Override
    public String toString() {
        return transport.prefix() + ":" + path + reference.map(r -> ":" + r).orElse("");
    }
}
