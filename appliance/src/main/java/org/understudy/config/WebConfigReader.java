package org.understudy.config;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Reads a node's optional {@code web:} block of the cluster file (the web console and {@code /metrics}) and checks
 * the web secrets against the nodes that need them. Plain HTTP is refused on any address that is not loopback.
 * Stateless; the {@link TreeReader} passed in collects the problems.
 */
final class WebConfigReader {
    static final Set<String> WEB = Set.of("address", "port", "tls", "plainHttp", "sessionTimeout", "metricsOpen");
    static final Set<String> TLS = Set.of("keyStore", "storeType");

    private WebConfigReader() {
    }

    /**
     * The {@code web:} block of the node at {@code path}, or null when it has none or it is invalid (reported).
     *
     * @param nodeAddress the node's own address, the default listening address
     * @param dir         directory a relative key store path resolves against
     */
    static WebConfig read(TreeReader r, ObjectNode parent, String path, String nodeAddress, Path dir) {
        ObjectNode w = r.block(parent, path, "web", WEB, false);
        if (w == null) {
            return null;
        }
        String p = TreeReader.join(path, "web");
        String address = r.address(w, p, "address", nodeAddress == null ? "127.0.0.1" : nodeAddress);
        int port = r.port(w, p, "port", WebConfig.DEFAULT_PORT);
        Boolean plain = r.bool(w, p, "plainHttp", false);
        Boolean open = r.bool(w, p, "metricsOpen", false);
        Duration timeout = r.duration(w, p, "sessionTimeout", WebConfig.DEFAULT_SESSION_TIMEOUT);
        WebConfig.Tls tls = null;
        boolean tlsOk = true;
        if (w.hasNonNull("tls")) {
            tls = tls(r, w, p, dir);
            tlsOk = tls != null;
            if (Boolean.TRUE.equals(plain)) {
                r.problem(TreeReader.join(p, "plainHttp"), "true contradicts tls: choose one");
                tlsOk = false;
            }
        }
        if (Boolean.TRUE.equals(plain) && address != null && !loopback(address)) {
            r.problem(TreeReader.join(p, "plainHttp"), "is only allowed on a loopback address, not on " + address
                    + " (logins and session cookies would cross the network in the clear)");
            return null;
        }
        if (address == null || port < 0 || plain == null || open == null || timeout == null || !tlsOk) {
            return null;
        }
        return new WebConfig(new Endpoint(address, port), tls, plain, timeout, open);
    }

    private static WebConfig.Tls tls(TreeReader r, ObjectNode parent, String parentPath, Path dir) {
        String p = TreeReader.join(parentPath, "tls");
        ObjectNode t = r.block(parent, parentPath, "tls", TLS, true);
        if (t == null) {
            return null;
        }
        String keyStore = r.text(t, p, "keyStore", null);
        String type = r.text(t, p, "storeType", "PKCS12");
        if (keyStore == null || type == null) {
            return null;
        }
        return new WebConfig.Tls(dir.resolve(keyStore).normalize(), type);
    }

    /** 127.0.0.0/8, ::1 or a name that resolves to a loopback address (literals are checked without a lookup). */
    static boolean loopback(String address) {
        try {
            return InetAddress.getByName(address).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    /**
     * Problems of the secrets file given which nodes serve a web console: each needs logins, {@code /metrics} a
     * token unless it is open, and a configured key store its password.
     */
    static List<String> secretsProblems(ClusterConfig cluster, Secrets secrets) {
        List<String> withWeb = new ArrayList<>();
        List<String> tokenNeeded = new ArrayList<>();
        boolean tls = false;
        for (NodeConfig n : cluster.nodes()) {
            if (n.web() != null) {
                withWeb.add(n.name());
                tls |= n.web().tls() != null;
                if (!n.web().metricsOpen()) {
                    tokenNeeded.add(n.name());
                }
            }
        }
        String in = " (web: in " + cluster.file().getFileName() + ")";
        List<String> problems = new ArrayList<>();
        if (!withWeb.isEmpty() && secrets.web().users().isEmpty()) {
            problems.add("web.users: is missing: node(s) " + String.join(", ", withWeb)
                    + " serve the web console" + in + ", which needs at least one login");
        }
        if (!tokenNeeded.isEmpty() && secrets.web().metricsToken() == null) {
            problems.add("web.metricsToken: is missing: node(s) " + String.join(", ", tokenNeeded)
                    + " serve /metrics to scrapers with this bearer token" + in + " (or set web.metricsOpen: true)");
        }
        if (tls && secrets.web().keyStorePassword() == null) {
            problems.add("web.keyStorePassword: is missing: a web console uses a configured key store (web.tls in "
                    + cluster.file().getFileName() + ")");
        }
        return problems;
    }
}
