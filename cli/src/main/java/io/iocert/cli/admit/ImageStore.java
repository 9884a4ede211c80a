package io.iocert.cli.admit;

import io.iocert.cli.oci.ImageException;
import io.iocert.cli.oci.ImageRef;
import io.iocert.cli.oci.SpecImages;
import io.iocert.spec.SpecException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The images {@code iocert admit} knows, as OCI image layouts on local disk: the repository
 * {@code REGISTRY/PATH} of a pod's image is the layout directory {@code DIR/REGISTRY/PATH}
 * (as {@code skopeo copy docker://REGISTRY/PATH:TAG oci:DIR/REGISTRY/PATH:TAG} writes it) or
 * the archive {@code DIR/REGISTRY/PATH.tar}; the tag or digest selects the image in it. A
 * webhook cannot pull: an image that is not in the store carries no spec as far as it knows.
 */
final class ImageStore {
    private final Path dir;

    ImageStore(Path dir) {
        this.dir = dir;
    }

    Path dir() {
        return dir;
    }

    /** What the store says about one image of a pod. */
    sealed interface Answer permits NotStored, Stored {}

    /** The store has no layout for the repository, or the layout has no such tag or digest. */
    record NotStored(String why, boolean repositoryStored) implements Answer {}

    /** The image is in the store; it carries this spec, or none. */
    record Stored(String image, Optional<SpecImages.ImageSpec> spec) implements Answer {}

    /** Looks the image up; a damaged layout or a spec failing its sha256 check is an exception, not "no spec". */
    Answer find(ImageName name) throws ImageException, SpecException {
        Path base = dir.resolve(name.registry()).resolve(name.repository()).normalize();
        if (!base.startsWith(dir.normalize())) {
            return new NotStored(name.location() + " is outside the image store", false);
        }
        ImageRef ref;
        Path archive = base.resolveSibling(base.getFileName() + ".tar");
        if (Files.isRegularFile(base.resolve("oci-layout"))) {
            ref = new ImageRef(ImageRef.Transport.OCI, base, Optional.empty());
        } else if (Files.isRegularFile(archive)) {
            ref = new ImageRef(ImageRef.Transport.OCI_ARCHIVE, archive, Optional.empty());
        } else {
            return new NotStored("no layout " + base + " and no archive " + archive, false);
        }
        SpecImages.Lookup found = SpecImages.lookup(ref, name.tag(), name.digest());
        if (found.image().isEmpty()) {
            return new NotStored(
                    ref + " has no image "
                            + name.digest()
                                    .map(d -> "with digest " + d)
                                    .orElse("tagged '" + name.tag().orElse("latest") + "'"),
                    true);
        }
        return new Stored(found.image().get(), found.spec());
    }
}
