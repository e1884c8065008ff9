package org.understudy.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import org.understudy.config.ClusterConfig;
import org.understudy.config.ConfigException;
import org.understudy.admin.AdminClient;
import org.understudy.admin.AdminClientException;

/**
 * What the operator commands that act on a node share: load the cluster file, POST the command to the node's admin
 * API as {@code /api/commands/NAME} with the caller's user name, and print the result (status, message, then each
 * figure of {@code details} on its own line). Stateless.
 */
final class CommandPoster {
    /** Exit codes shared by the acting commands. */
    static final int EXIT_OK = 0;
    static final int EXIT_NOT_OK = 1;
    static final int EXIT_CONFIG = 2;

    private CommandPoster() {
    }

    /**
     * The node to ask: {@code node} when given, else the standby, which answers for the whole cluster. Null, after
     * saying on {@code err} which argument named what, when the cluster has no such node.
     *
     * @param argument how the operator named it, for the message ({@code --node}, {@code PRIMARY})
     */
    static String node(String cmd, ClusterConfig cluster, String node, String argument, PrintWriter err) {
        if (node == null) {
            return cluster.standby().name();
        }
        if (cluster.node(node).isPresent()) {
            return node;
        }
        err.println(cmd + ": " + argument + ": \"" + node + "\" is not a node of cluster " + cluster.name() + " (nodes: "
                + String.join(", ", nodeNames(cluster)) + ")");
        err.flush();
        return null;
    }

    /** As {@link #node} for an argument that must name a primary; null after saying why when it does not. */
    static String primary(String cmd, ClusterConfig cluster, String primary, PrintWriter err) {
        if (cluster.primary(primary).isPresent()) {
            return primary;
        }
        err.println(cmd + ": PRIMARY: \"" + primary + "\" is not a primary of cluster " + cluster.name() + " (primaries: "
                + String.join(", ", nodeNames(cluster).subList(1, cluster.primaries().size() + 1)) + ")");
        err.flush();
        return null;
    }

    /** The standby's name, then every primary's. */
    static java.util.List<String> nodeNames(ClusterConfig cluster) {
        java.util.List<String> names = new java.util.ArrayList<>();
        names.add(cluster.standby().name());
        cluster.primaries().forEach(p -> names.add(p.name()));
        return names;
    }

    /**
     * Posts one command to {@code node} and prints its result; returns {@link #EXIT_OK} only for an OK result.
     *
     * @param fields the command's own fields (actor and via are added here)
     */
    static int post(String cmd, ClusterFile file, ClusterConfig cluster, String node, Map<String, Object> fields,
                    PrintWriter out, PrintWriter err) {
        return send(cmd, file, cluster, node, fields, out, err).exit();
    }

    /** What {@link #send} did: the exit code, and the node's answer (null when there was none). */
    record Sent(int exit, JsonNode result) {
    }

    /** As {@link #post}, and hands back the node's answer too, for commands that go on from it. */
    static Sent send(String cmd, ClusterFile file, ClusterConfig cluster, String node, Map<String, Object> fields,
                     PrintWriter out, PrintWriter err) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("actor", System.getProperty("user.name", "operator"));
        body.put("via", "cli");
        body.putAll(fields);
        JsonNode result;
        try {
            result = AdminClient.forNode(cluster, node).postJson("/api/commands/" + cmd, body);
        } catch (ConfigException e) {
            err.println(cmd + ": " + String.join("; ", e.problems()));
            err.flush();
            return new Sent(EXIT_CONFIG, null);
        } catch (AdminClientException e) {
            err.println(cmd + ": " + e.getMessage() + file.unreachableNote(e));
            err.flush();
            return new Sent(EXIT_NOT_OK, null);
        }
        String status = result.path("status").asText("?");
        out.println(node + ": " + status + " " + result.path("message").asText(""));
        for (Iterator<Map.Entry<String, JsonNode>> it = result.path("details").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            out.println("  " + e.getKey() + ": " + (e.getValue().isValueNode() ? e.getValue().asText() : e.getValue().toString()));
        }
        out.flush();
        return new Sent("OK".equals(status) ? EXIT_OK : EXIT_NOT_OK, result);
    }
}
