package io.iocert.cli.admit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/**
 * The JSON Patch (RFC 6902) that adds node-selector requirements to a pod's
 * {@code spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution}.
 *
 * <p>Kubernetes ORs the {@code nodeSelectorTerms} and ANDs the expressions within a term. To
 * require ours in addition to what the pod already requires, they are added to <em>every</em>
 * term: (A or B) and ours = (A and ours) or (B and ours). Nothing the pod had is replaced or
 * removed. A pod without required node affinity gets one term holding ours. An expression the
 * term already has (same key, operator and values) is not added twice, so a second pass of the
 * webhook (reinvocation) changes nothing.
 */
final class AffinityPatch {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final String REQUIRED = "/spec/affinity/nodeAffinity/requiredDuringSchedulingIgnoredDuringExecution";

    private AffinityPatch() {}

    /** One {@code matchExpressions} entry: {@code key In [values]}. */
    record Expression(String key, List<String> values) {
        ObjectNode toJson() {
            ObjectNode n = NODES.objectNode().put("key", key).put("operator", "In");
            ArrayNode v = n.putArray("values");
            values.forEach(v::add);
            return n;
        }

        boolean sameAs(JsonNode n) {
            return toJson().equals(n);
        }
    }

    /** The operations that add {@code expressions} to the pod spec {@code podSpec}; empty when it has them already. */
    static ArrayNode ops(JsonNode podSpec, List<Expression> expressions) {
        ArrayNode ops = NODES.arrayNode();
        if (expressions.isEmpty()) {
            return ops;
        }
        JsonNode affinity = podSpec.path("affinity");
        JsonNode nodeAffinity = affinity.path("nodeAffinity");
        JsonNode required = nodeAffinity.path("requiredDuringSchedulingIgnoredDuringExecution");
        JsonNode terms = required.path("nodeSelectorTerms");
        ObjectNode term = NODES.objectNode();
        ArrayNode all = term.putArray("matchExpressions");
        expressions.forEach(e -> all.add(e.toJson()));
        ObjectNode req = NODES.objectNode();
        req.putArray("nodeSelectorTerms").add(term);
        if (!affinity.isObject()) {
            ObjectNode a = NODES.objectNode();
            a.putObject("nodeAffinity").set("requiredDuringSchedulingIgnoredDuringExecution", req);
            ops.add(add("/spec/affinity", a));
        } else if (!nodeAffinity.isObject()) {
            ObjectNode na = NODES.objectNode();
            na.set("requiredDuringSchedulingIgnoredDuringExecution", req);
            ops.add(add("/spec/affinity/nodeAffinity", na));
        } else if (!required.isObject()) {
            ops.add(add(REQUIRED, req));
        } else if (!terms.isArray() || terms.isEmpty()) {
            ops.add(add(REQUIRED + "/nodeSelectorTerms", req.get("nodeSelectorTerms")));
        } else {
            for (int i = 0; i < terms.size(); i++) {
                JsonNode have = terms.get(i).path("matchExpressions");
                List<Expression> missing = new ArrayList<>();
                for (Expression e : expressions) {
                    boolean present = false;
                    for (JsonNode h : have) {
                        present |= e.sameAs(h);
                    }
                    if (!present) {
                        missing.add(e);
                    }
                }
                String path = REQUIRED + "/nodeSelectorTerms/" + i + "/matchExpressions";
                if (missing.isEmpty()) {
                    continue;
                }
                if (!have.isArray()) {
                    ArrayNode list = NODES.arrayNode();
                    missing.forEach(e -> list.add(e.toJson()));
                    ops.add(add(path, list));
                } else {
                    missing.forEach(e -> ops.add(add(path + "/-", e.toJson())));
                }
            }
        }
        return ops;
    }

    private static ObjectNode add(String path, JsonNode value) {
        ObjectNode op = NODES.objectNode().put("op", "add").put("path", path);
        op.set("value", value);
        return op;
    }
}
