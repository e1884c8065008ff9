package org.understudy.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Reads the SNMP keys of the cluster file into an {@link SnmpConfig}: each node's optional {@code snmp: {address,
 * port}} and {@code cluster.snmp.notify}, the notification receivers. Problems go to the loader's {@link TreeReader}.
 * Not thread-safe: one instance per load.
 */
final class SnmpConfigReader {
    /** The well-known SNMP agent port, used when a node's {@code snmp} block gives none. */
    static final int DEFAULT_AGENT_PORT = 161;
    /** The well-known notification port. */
    static final int DEFAULT_TRAP_PORT = 162;
    private static final Set<String> AGENT = Set.of("address", "port", "contact", "location");
    private static final Set<String> CLUSTER_SNMP = Set.of("notify", "contact", "location");
    private static final Set<String> TARGET = Set.of("address", "port", "version", "community", "user", "type",
            "retries", "timeoutMs");

    private final TreeReader r;
    private final Map<String, Endpoint> agents = new LinkedHashMap<>();
    private final Map<String, String> udpListeners = new HashMap<>();
    private final List<SnmpTarget> targets = new ArrayList<>();
    private final Map<String, String[]> nodeSystem = new LinkedHashMap<>();
    private String contact = "";
    private String location = "";

    SnmpConfigReader(TreeReader r) {
        this.r = r;
    }

    SnmpConfig result() {
        Map<String, SnmpConfig.SystemInfo> system = new LinkedHashMap<>();
        nodeSystem.forEach((node, cl) -> system.put(node, new SnmpConfig.SystemInfo(
                cl[0] == null ? contact : cl[0], cl[1] == null ? location : cl[1])));
        return new SnmpConfig(agents, targets, system);
    }

    /** A node's optional {@code snmp} block; its address defaults to the node's address. */
    void agent(ObjectNode nodeBlock, String path, String nodeName, String nodeAddress) {
        JsonNode n = nodeBlock.get("snmp");
        if (n == null || n.isNull()) {
            return;
        }
        String p = TreeReader.join(path, "snmp");
        ObjectNode o = r.object(n, p, true);
        if (o == null) {
            return;
        }
        r.onlyKeys(o, p, AGENT);
        if (nodeName != null) {
            // absent: the cluster's value applies
            nodeSystem.put(nodeName, new String[] {o.has("contact") ? r.text(o, p, "contact", "") : null,
                    o.has("location") ? r.text(o, p, "location", "") : null});
        }
        String address = r.address(o, p, "address", nodeAddress);
        int port = r.port(o, p, "port", DEFAULT_AGENT_PORT);
        if (address == null || port < 0 || nodeName == null) {
            return;
        }
        String first = udpListeners.putIfAbsent(address.toLowerCase(Locale.ROOT) + ":" + port, p);
        if (first != null) {
            r.problem(p, address + ":" + port + " (UDP) is also used by " + first);
            return;
        }
        agents.put(nodeName, new Endpoint(address, port));
    }

    /** {@code cluster.snmp}: the notification receivers. */
    void cluster(ObjectNode cluster) {
        JsonNode n = cluster.get("snmp");
        if (n == null || n.isNull()) {
            return;
        }
        ObjectNode o = r.object(n, "cluster.snmp", true);
        if (o == null) {
            return;
        }
        r.onlyKeys(o, "cluster.snmp", CLUSTER_SNMP);
        contact = r.text(o, "cluster.snmp", "contact", "");
        location = r.text(o, "cluster.snmp", "location", "");
        JsonNode list = o.get("notify");
        if (list == null || list.isNull()) {
            return;
        }
        if (!list.isArray()) {
            r.problem("cluster.snmp.notify", "must be a list of receivers, not " + TreeReader.describe(list));
            return;
        }
        for (int i = 0; i < list.size(); i++) {
            SnmpTarget t = target(list.get(i), "cluster.snmp.notify[" + i + "]");
            if (t != null) {
                targets.add(t);
            }
        }
    }

    private SnmpTarget target(JsonNode node, String p) {
        ObjectNode o = r.object(node, p, true);
        if (o == null) {
            return null;
        }
        r.onlyKeys(o, p, TARGET);
        String address = r.address(o, p, "address", null);
        int port = r.port(o, p, "port", DEFAULT_TRAP_PORT);
        String v = r.text(o, p, "version", "v3");
        SnmpTarget.Version version = null;
        if (v != null) {
            switch (v.toLowerCase(Locale.ROOT)) {
                case "v2c" -> version = SnmpTarget.Version.V2C;
                case "v3" -> version = SnmpTarget.Version.V3;
                default -> r.problem(TreeReader.join(p, "version"), TreeReader.quote(v) + " is not a version (use v2c or v3)");
            }
        }
        String type = r.text(o, p, "type", "trap");
        Boolean inform = null;
        if (type != null) {
            switch (type.toLowerCase(Locale.ROOT)) {
                case "trap" -> inform = false;
                case "inform" -> inform = true;
                default -> r.problem(TreeReader.join(p, "type"), TreeReader.quote(type) + " is not a notification type (use trap or inform)");
            }
        }
        String community = null;
        String user = null;
        if (version == SnmpTarget.Version.V2C) {
            community = r.text(o, p, "community", null);
            if (o.has("user")) {
                r.problem(TreeReader.join(p, "user"), "is for v3 receivers; a v2c receiver takes a community");
            }
        } else if (version == SnmpTarget.Version.V3) {
            user = r.text(o, p, "user", null);
            if (o.has("community")) {
                r.problem(TreeReader.join(p, "community"), "is for v2c receivers; a v3 receiver takes a user of the secrets file");
            }
        }
        int retries = count(o, p, "retries", SnmpTarget.DEFAULT_RETRIES, 0, 10);
        int timeout = count(o, p, "timeoutMs", SnmpTarget.DEFAULT_TIMEOUT_MS, 10, 60_000);
        if (address == null || port < 0 || version == null || inform == null || retries < 0 || timeout < 0
                || (version == SnmpTarget.Version.V2C ? community == null : user == null)) {
            return null;
        }
        return new SnmpTarget(address, port, version, community, user, inform, retries, timeout);
    }

    private int count(ObjectNode o, String p, String key, int fallback, int min, int max) {
        JsonNode v = o.get(key);
        if (v == null || v.isNull()) {
            return fallback;
        }
        if (!v.isIntegralNumber() || !v.canConvertToInt() || v.asInt() < min || v.asInt() > max) {
            r.problem(TreeReader.join(p, key), TreeReader.quote(v.asText()) + " is not a whole number from " + min + " to " + max);
            return -1;
        }
        return v.asInt();
    }

    /** Problems of receivers that name a v3 user the secrets file lacks, as {@code key: problem}. */
    static List<String> checkUsers(SnmpConfig snmp, SnmpSecrets secrets) {
        List<String> problems = new ArrayList<>();
        for (int i = 0; i < snmp.targets().size(); i++) {
            SnmpTarget t = snmp.targets().get(i);
            if (t.user() != null && secrets.user(t.user()).isEmpty()) {
                problems.add("cluster.snmp.notify[" + i + "].user: " + TreeReader.quote(t.user())
                        + " is not an SNMP user of the secrets file (snmp.users)");
            }
        }
        return problems;
    }
}
