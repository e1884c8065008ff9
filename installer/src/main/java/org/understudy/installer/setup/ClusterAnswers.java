package org.understudy.installer.setup;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Iterator;
import java.util.Set;

/**
 * Turns setup answers (from an answers file or the prompts; the same keys either way) into changes of the cluster
 * file's and install.yaml's trees. Only the keys an answer names are touched, so re-running setup on an existing
 * cluster file changes only what was asked. Stateless.
 *
 * <p>Answers: {@code cluster} (name), {@code standby: {name, address, ssh}}, {@code primaries: [{name, address, ssh,
 * volumes: [{name, file, size}]}]}, {@code identity} (ip|loopback), {@code device}, {@code prefix},
 * {@code fencingCommand}, {@code snmpPort}, {@code jmxPort}, {@code serviceUser}. {@code ssh} is the node's
 * management address: SSH and its admin API live there, since a primary's service address moves on failover.
 */
final class ClusterAnswers {
    static final Set<String> KEYS = Set.of("cluster", "standby", "primaries", "identity", "device", "prefix",
            "fencingCommand", "snmpPort", "jmxPort", "serviceUser");

    private ClusterAnswers() {
    }

    static void checkKeys(JsonNode answers) {
        for (Iterator<String> it = answers.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!KEYS.contains(k)) {
                throw new IllegalArgumentException("unknown answer '" + k + "' (known: " + KEYS + ")");
            }
        }
    }

    /** Applies {@code a} to the cluster file tree {@code c} and the install.yaml tree {@code inst}. */
    static void apply(JsonNode a, ObjectNode c, ObjectNode inst) {
        checkKeys(a);
        ObjectNode cluster = obj(c, "cluster");
        if (a.has("cluster")) {
            cluster.put("name", a.get("cluster").asText());
        }
        if (!cluster.has("secrets")) {
            cluster.put("secrets", "secrets.yaml");
        }
        Integer snmp = a.has("snmpPort") ? a.get("snmpPort").asInt() : null;
        Integer jmx = a.has("jmxPort") ? a.get("jmxPort").asInt() : null;
        if (a.has("standby")) {
            node(a.get("standby"), obj(c, "standby"), inst, snmp, jmx, true);
        } else if (c.has("standby")) {
            faces((ObjectNode) c.get("standby"), snmp, jmx);
        }
        if (a.has("primaries")) {
            ArrayNode list = c.has("primaries") && c.get("primaries").isArray() ? (ArrayNode) c.get("primaries") : c.putArray("primaries");
            for (JsonNode p : a.get("primaries")) {
                ObjectNode target = null;
                for (JsonNode e : list) {
                    if (e.path("name").asText().equals(p.path("name").asText())) {
                        target = (ObjectNode) e;
                    }
                }
                node(p, target == null ? list.addObject() : target, inst, snmp, jmx, false);
            }
        } else if (c.has("primaries")) {
            c.get("primaries").forEach(p -> faces((ObjectNode) p, snmp, jmx));
        }
        ObjectNode failover = null;
        for (String k : new String[] {"identity", "device", "prefix", "fencingCommand"}) {
            if (a.has(k)) {
                failover = failover == null ? obj(c, "failover") : failover;
                failover.set(k, a.get(k));
            }
        }
        if (a.has("serviceUser")) {
            inst.put("serviceUser", a.get("serviceUser").asText());
        }
    }

    private static void node(JsonNode a, ObjectNode n, ObjectNode inst, Integer snmp, Integer jmx, boolean standby) {
        String name = a.path("name").asText(n.path("name").asText(standby ? "standby" : null));
        if (name == null) {
            throw new IllegalArgumentException("every primary needs a name");
        }
        n.put("name", name);
        if (a.has("address")) {
            n.put("address", a.get("address").asText());
        }
        String address = n.path("address").asText();
        String mgmt = a.has("ssh") ? a.get("ssh").asText() : n.path("admin").path("address").asText(address);
        if (a.has("ssh")) {
            obj(obj(inst, "ssh"), "hosts").put(name, mgmt);
        }
        if (a.has("address") || a.has("ssh") || !n.has("admin")) {
            ObjectNode admin = obj(n, "admin");
            admin.put("address", mgmt);
            admin.put("port", admin.path("port").asInt(7800));
        }
        if (!n.has("stateDir")) {
            n.put("stateDir", "/var/lib/understudy/" + name);
        }
        if (standby && !n.has("replication") && a.has("address")) {
            obj(n, "replication").put("address", address);
        }
        if (!standby && a.has("volumes")) {
            ArrayNode vols = n.putArray("volumes");
            for (JsonNode v : a.get("volumes")) {
                ObjectNode o = vols.addObject();
                String vn = v.path("name").asText("vol" + (vols.size() - 1));
                o.put("name", vn);
                o.put("file", v.path("file").asText("/var/lib/understudy-data/" + name + "-" + vn + ".img"));
                o.put("size", v.path("size").asText("1GiB"));
                if (v.has("mode")) {
                    o.put("mode", v.get("mode").asText());
                }
            }
        }
        faces(n, snmp, jmx);
    }

    private static void faces(ObjectNode n, Integer snmp, Integer jmx) {
        String addr = n.path("address").asText();
        if (snmp != null) {
            ObjectNode s = n.putObject("snmp");
            s.put("address", addr);
            s.put("port", snmp);
        }
        if (jmx != null) {
            ObjectNode j = n.putObject("jmx");
            j.put("address", n.path("admin").path("address").asText(addr));
            j.put("port", jmx);
        }
    }

    static ObjectNode obj(ObjectNode parent, String key) {
        JsonNode n = parent.get(key);
        if (n instanceof ObjectNode o) {
            return o;
        }
        return parent.putObject(key);
    }
}
