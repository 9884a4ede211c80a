package io.iocert.cli.oci;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A {@code docker save} archive: manifest.json lists each image's config file and tags. It has
 * no place for OCI referrers, so a spec travels in it only as image config labels.
 */
final class DockerArchive {
    private DockerArchive() {}

    /** The image config (JSON) of the image named by {@code ref}, or of the only image. */
    static JsonNode config(ImageRef ref) throws ImageException {
        String where = ref.transport().prefix() + ":" + ref.path();
        Tars.Contents tar = Tars.read(ref.path(), where, Oci.MAX_METADATA_BYTES);
        byte[] manifestBytes = tar.small().get("manifest.json");
        if (manifestBytes == null) {
            throw new ImageException(where + ": no manifest.json; expected a 'docker save' archive");
        }
        JsonNode manifest;
        try {
            manifest = Oci.JSON.readTree(manifestBytes);
        } catch (IOException e) {
            throw new ImageException(
                    where + "/manifest.json is not valid JSON; expected the list 'docker save' writes", e);
        }
        if (manifest == null || !manifest.isArray() || manifest.isEmpty()) {
            throw new ImageException(where + "/manifest.json lists no images; expected [{\"Config\": ..., \"RepoTags\":"
                    + " [...], \"Layers\": [...]}]");
        }
        JsonNode image = select(manifest, ref.reference(), where);
        String configName = Tars.normalise(image.path("Config").asText(""));
        byte[] config = tar.small().get(configName);
        if (config == null) {
            throw new ImageException(
                    where + ": the image config '" + configName + "' named in manifest.json is missing");
        }
        try {
            return Oci.JSON.readTree(config);
        } catch (IOException e) {
            throw new ImageException(where + "/" + configName + " is not valid JSON; expected an image config", e);
        }
    }

    private static JsonNode select(JsonNode manifest, Optional<String> ref, String where) throws ImageException {
        List<String> tags = new ArrayList<>();
        for (JsonNode image : manifest) {
            for (JsonNode t : image.path("RepoTags")) {
                String tag = t.asText();
                tags.add(tag);
                if (ref.isPresent() && (tag.equals(ref.get()) || tag.endsWith("/" + ref.get()))) {
                    return image;
                }
            }
        }
        if (ref.isPresent()) {
            throw new ImageException(where + ": no image tagged '" + ref.get() + "'; its tags: "
                    + (tags.isEmpty() ? "none" : String.join(", ", tags)));
        }
        if (manifest.size() > 1) {
            throw new ImageException(where + " holds " + manifest.size() + " images; name one as " + where
                    + ":NAME:TAG (its tags: " + String.join(", ", tags) + ")");
        }
        return manifest.get(0);
    }
}
