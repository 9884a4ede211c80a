package io.iocert.cli.admit;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A container image reference as a pod names it ({@code registry.example.com/team/ocean:2.4},
 * {@code ocean}, {@code ghcr.io/x/y@sha256:...}), normalised as container runtimes do: no
 * registry means {@code docker.io}, a single Docker Hub name means {@code library/NAME}, no tag
 * and no digest means {@code latest}. With a digest the tag is ignored, as runtimes ignore it.
 */
record ImageName(String registry, String repository, Optional<String> tag, Optional<String> digest) {
    static final String DEFAULT_REGISTRY = "docker.io";
    private static final String COMPONENT = "[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*";
    private static final String DOMAIN_PART = "(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])";
    private static final Pattern REFERENCE =
            Pattern.compile("(?:(?<domain>" + DOMAIN_PART + "(?:\\." + DOMAIN_PART + ")*(?::[0-9]+)?)/)?"
                    + "(?<path>" + COMPONENT + "(?:/" + COMPONENT + ")*)"
                    + "(?::(?<tag>[\\w][\\w.-]{0,127}))?"
                    + "(?:@(?<digest>[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-fA-F0-9]{32,}))?");

    /** The reference parsed and normalised, or empty when it is not a valid image reference. */
    static Optional<ImageName> parse(String text) {
        Matcher m = REFERENCE.matcher(text);
        if (text.length() > 4096 || !m.matches()) {
            return Optional.empty();
        }
        String domain = m.group("domain");
        String path = m.group("path");
        // Docker's rule: the first component names a registry only when it looks like a host.
        if (domain != null
                && !domain.contains(".")
                && !domain.contains(":")
                && !domain.equals("localhost")
                && domain.equals(domain.toLowerCase(java.util.Locale.ROOT))) {
            path = domain + "/" + path;
            domain = null;
        }
        String registry = domain == null ? DEFAULT_REGISTRY : domain;
        if (registry.equals("index.docker.io")) {
            registry = DEFAULT_REGISTRY;
        }
        if (registry.equals(DEFAULT_REGISTRY) && !path.contains("/")) {
            path = "library/" + path;
        }
        Optional<String> digest = Optional.ofNullable(m.group("digest"));
        Optional<String> tag =
                digest.isPresent() ? Optional.empty() : Optional.of(m.group("tag") == null ? "latest" : m.group("tag"));
        return Optional.of(new ImageName(registry, path, tag, digest));
    }

    /** registry/repository, where the image store keeps this repository's layout. */
    String location() {
        return registry + "/" + repository;
    }

    @Override
    public String toString() {
        return location() + digest.map(d -> "@" + d).orElse(":" + tag.orElse("latest"));
    }
}
