package io.iocert.runner;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.iocert.probes.Partner;
import io.iocert.probes.PeerAddress;
import io.iocert.probes.Placement;
import io.iocert.probes.ProbeException;
import io.iocert.probes.net.Token;
import io.iocert.spec.Requirement;
import io.iocert.spec.Spec;
import io.iocert.spec.SpecException;
import io.iocert.spec.SpecLoader;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What the coordinator sends a participant per requirement, or per group of requirements run at
 * one instant (format {@value CoordinatedRun#ASSIGNMENT_FORMAT}, written by {@link
 * Conductor#assignment}): each with the partners it measures against (net probes). The placement
 * is empty from a coordinator that does not send one (before shared layouts), which can only have
 * assigned a requirement with each node's own files.
 *
 * @param spec         the coordinator's spec, loaded here
 * @param requirements what to run at one instant, the first the one the group is named after
 * @param placement    this participant's place among the others, when the coordinator sent it
 */
public record Assignment(Spec spec, List<Part> requirements, Optional<Placement> placement) {
    public Assignment {
        requirements = List.copyOf(requirements);
    }

    /**
     * One requirement, with the coordinator's confidence and budget, and its partners.
     *
     * @param requirement the requirement as the coordinator runs it
     * @param partners    the nodes its net probe measures against; empty for the others
     */
    public record Part(Requirement requirement, List<Partner> partners) {
        public Part {
            partners = List.copyOf(partners);
        }
    }

    /** The first requirement (of a group, the one the group is named after). */
    public Requirement requirement() {
        return requirements.get(0).requirement();
    }

    /** An assignment whose partners need no token. */
    public static Assignment parse(byte[] bytes) throws ProbeException {
        return parse(bytes, Optional.empty());
    }

    /**
     * Reads an assignment.
     *
     * @param token the run's token, which the partners' listeners require
     * @throws ProbeException naming what this participant cannot read or run, to be told to the
     *     coordinator
     */
    public static Assignment parse(byte[] bytes, Optional<Token> token) throws ProbeException {
        try {
            JsonNode n = new ObjectMapper().readTree(bytes);
            if (!CoordinatedRun.ASSIGNMENT_FORMAT.equals(n.path("format").asText())) {
                throw new ProbeException("the coordinator sent an assignment of format '"
                        + n.path("format").asText() + "', expected " + CoordinatedRun.ASSIGNMENT_FORMAT
                        + "; run the same iocert release on all nodes");
            }
            Spec spec = SpecLoader.parse(n.path("spec").asText(), "the coordinator's spec");
            double confidence = n.path("confidence").asDouble(-1);
            long budgetNs = n.path("budgetNs").asLong(-1);
            List<Part> parts = new ArrayList<>();
            JsonNode group = n.get("requirements");
            if (group == null) {
                parts.add(new Part(requirement(spec, n.path("requirement").asText(), confidence, budgetNs), List.of()));
            } else {
                for (JsonNode g : group) {
                    Requirement r = requirement(
                            spec,
                            g.path("id").asText(),
                            g.path("confidence").asDouble(confidence),
                            g.path("budgetNs").asLong(budgetNs));
                    parts.add(new Part(r, partners(g.path("partners"), token)));
                }
            }
            if (parts.isEmpty()) {
                throw new ProbeException("the coordinator's assignment names no requirement");
            }
            return new Assignment(spec, parts, placement(n));
        } catch (IOException e) {
            throw new ProbeException("the coordinator's assignment is not JSON: " + e.getMessage(), e);
        } catch (SpecException e) {
            throw new ProbeException("the coordinator's spec does not load here: " + e.getMessage(), e);
        }
    }

    private static Requirement requirement(Spec spec, String id, double confidence, long budgetNs)
            throws ProbeException {
        Requirement r = spec.requirement(id)
                .orElseThrow(() -> new ProbeException(
                        "the coordinator assigned requirement '" + id + "', which its spec does not have"));
        return r.with(
                confidence > 0 && confidence < 1 ? confidence : r.confidence(),
                budgetNs > 0 ? Duration.ofNanos(budgetNs) : r.budget());
    }

    /** {@code [{"name": N, "host": H, "port": P}, ...]}. */
    private static List<Partner> partners(JsonNode list, Optional<Token> token) throws ProbeException {
        List<Partner> out = new ArrayList<>();
        if (list.isMissingNode() || list.isNull()) {
            return out;
        }
        for (JsonNode p : list) {
            if (!p.path("name").isTextual()
                    || !p.path("host").isTextual()
                    || !p.path("port").canConvertToInt()
                    || p.path("port").intValue() < 1
                    || p.path("port").intValue() > 65535) {
                throw new ProbeException("the coordinator's assignment has a partner " + p + ", expected {\"name\": N,"
                        + " \"host\": H, \"port\": 1 to 65535}");
            }
            out.add(new Partner(
                    p.get("name").textValue(),
                    new PeerAddress(p.get("host").textValue(), p.get("port").intValue(), token, false)));
        }
        return out;
    }

    /** {@code "participant": {"index": i, "count": n}, "sharedId": "..."}, when the coordinator sent them. */
    static Optional<Placement> placement(JsonNode n) throws ProbeException {
        JsonNode p = n.get("participant");
        if (p == null) {
            return Optional.empty();
        }
        if (!p.path("index").canConvertToInt()
                || !p.path("count").canConvertToInt()
                || !n.path("sharedId").isTextual()) {
            throw new ProbeException("the coordinator's assignment has a participant " + p + " and sharedId "
                    + n.get("sharedId") + ", expected {\"index\": I, \"count\": N} and a text");
        }
        try {
            return Optional.of(new Placement(
                    p.get("index").intValue(),
                    p.get("count").intValue(),
                    n.get("sharedId").textValue()));
        } catch (IllegalArgumentException e) {
            throw new ProbeException(
                    "the coordinator's assignment does not place this participant: " + e.getMessage(), e);
        }
    }
}
