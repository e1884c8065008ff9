package org.understudy.config;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Reads a node's optional {@code jmx:} block of the cluster file and checks the JMX secrets against the nodes that
 * need them. Kept apart from {@link ClusterConfigLoader} so each management face's keys live in one small file.
 * Stateless; the {@link TreeReader} passed in collects the problems.
 */
final class JmxConfigReader {
    static final Set<String> JMX = Set.of("address", "port", "tls");
    static final Set<String> TLS = Set.of("keyStore", "storeType", "trustStore", "clientAuth");

    private JmxConfigReader() {
    }

    /**
     * The {@code jmx:} block of the node at {@code path}, or null when it has none or it is invalid (reported).
     *
     * @param nodeAddress the node's own address, the default listening address
     * @param dir         directory relative store paths resolve against
     */
    static JmxConfig read(TreeReader r, ObjectNode parent, String path, String nodeAddress, Path dir) {
        ObjectNode j = r.block(parent, path, "jmx", JMX, false);
        if (j == null) {
            return null;
        }
        String p = TreeReader.join(path, "jmx");
        String fallback = nodeAddress == null ? "127.0.0.1" : nodeAddress;
        String address = r.address(j, p, "address", fallback);
        int port = r.port(j, p, "port", JmxConfig.DEFAULT_PORT);
        boolean tlsOk = true;
        JmxConfig.Tls tls = null;
        if (j.get("tls") != null && !j.get("tls").isNull()) {
            tls = tls(r, j, p, dir);
            tlsOk = tls != null;
        }
        if (address == null || port < 0 || !tlsOk) {
            return null;
        }
        return new JmxConfig(new Endpoint(address, port), tls);
    }

    private static JmxConfig.Tls tls(TreeReader r, ObjectNode parent, String parentPath, Path dir) {
        String p = TreeReader.join(parentPath, "tls");
        ObjectNode t = r.block(parent, parentPath, "tls", TLS, true);
        if (t == null) {
            return null;
        }
        String keyStore = r.text(t, p, "keyStore", null);
        String type = r.text(t, p, "storeType", "PKCS12");
        String trust = t.has("trustStore") ? r.text(t, p, "trustStore", null) : null;
        Boolean clientAuth = r.bool(t, p, "clientAuth", false);
        if (clientAuth != null && clientAuth && !t.has("trustStore")) {
            r.problem(TreeReader.join(p, "trustStore"), "is missing: clientAuth: true needs a trust store of client certificates");
            return null;
        }
        if (keyStore == null || type == null || clientAuth == null || (t.has("trustStore") && trust == null)) {
            return null;
        }
        return new JmxConfig.Tls(dir.resolve(keyStore).normalize(), type, trust == null ? null : dir.resolve(trust).normalize(),
                clientAuth);
    }

    /**
     * Problems of the secrets file given which nodes run a JMX connector: each connector needs logins, and TLS needs
     * the key store password.
     */
    static List<String> secretsProblems(ClusterConfig cluster, Secrets secrets) {
        List<String> withJmx = new ArrayList<>();
        boolean tls = false;
        for (NodeConfig n : cluster.nodes()) {
            if (n.jmx() != null) {
                withJmx.add(n.name());
                tls |= n.jmx().tls() != null;
            }
        }
        List<String> problems = new ArrayList<>();
        if (!withJmx.isEmpty() && secrets.jmx().users().isEmpty()) {
            problems.add("jmx.users: is missing: node(s) " + String.join(", ", withJmx)
                    + " run a JMX connector (jmx: in " + cluster.file().getFileName() + "), which needs at least one login");
        }
        if (tls && secrets.jmx().keyStorePassword() == null) {
            problems.add("jmx.keyStorePassword: is missing: a JMX connector uses TLS (jmx.tls in "
                    + cluster.file().getFileName() + ")");
        }
        return problems;
    }
}
