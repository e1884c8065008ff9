package org.understudy.installer.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * The digest of the configuration one node runs with, so {@code install} restarts a node only when its own
 * configuration changed: the standby depends on the whole cluster file (it protects every primary); a primary on
 * everything but the other primaries' entries. Adding a primary therefore restarts the standby (a pause of no
 * client) and no other primary. Both depend on the secrets. Stateless.
 */
final class NodeFingerprint {
    private static final YAMLMapper YAML = new YAMLMapper();

    private NodeFingerprint() {
    }

    static String of(Target t, byte[] clusterBytes, byte[] secretsBytes) {
        String relevant;
        if (t.isStandby()) {
            relevant = new String(clusterBytes, StandardCharsets.UTF_8);
        } else {
            try {
                ObjectNode root = (ObjectNode) YAML.readTree(clusterBytes);
                JsonNode mine = null;
                for (JsonNode p : root.path("primaries")) {
                    if (t.name().equals(p.path("name").asText())) {
                        mine = p;
                    }
                }
                root.remove("primaries");
                root.set("self", mine);
                relevant = root.toString();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the cluster file: " + e.getMessage(), e);
            }
        }
        return NodePlan.sha256((relevant + "\n--\n" + new String(secretsBytes, StandardCharsets.UTF_8))
                .getBytes(StandardCharsets.UTF_8)).substring(0, 16);
    }
}
