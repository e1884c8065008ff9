package org.understudy.admin;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.HttpURLConnection;
import java.net.Proxy;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.understudy.admin.Json;
import org.understudy.config.ClusterConfig;
import org.understudy.config.ConfigException;
import org.understudy.config.Endpoint;
import org.understudy.config.NodeConfig;
import org.understudy.security.NodeCredential;

/**
 * Talks to one node's admin JSON API on behalf of an operator command (with the cluster's admin token) or of another
 * node ({@link #internal}: each request signed with the node credential, for {@code /api/internal/...}): finds the
 * node's admin endpoint in the cluster configuration and turns every failure into a message an operator can act on. Uses
 * {@link HttpURLConnection}, not the JDK's {@code HttpClient}: a CLI command starts a fresh JVM, and the client's
 * selector thread and TLS set-up cost a fifth of a second before the first byte is sent. Thread-safe.
 */
public final class AdminClient {
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(3);
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);

    /** How a request proves who sends it: the {@code Authorization} header for one method, path and body. */
    @FunctionalInterface
    public interface Credential {
        String authorization(String method, String path, byte[] body);
    }

    private final String node;
    private final URI base;
    private final Credential credential;
    private final Duration requestTimeout;

    /** A client for {@code base} (e.g. {@code http://127.0.0.1:7800}); {@code node} names it in messages. */
    public AdminClient(String node, URI base, String token) {
        this(node, base, (method, path, body) -> "Bearer " + token, REQUEST_TIMEOUT);
    }

    private AdminClient(String node, URI base, Credential credential, Duration requestTimeout) {
        this.node = node;
        this.base = base;
        this.credential = credential;
        this.requestTimeout = requestTimeout;
    }

    /**
     * A client for node-to-node calls from {@code self} to {@code nodeName}: each request signed with the node
     * credential derived from the cluster key, never the operator's token; answers wait at most {@code timeout}.
     */
    public static AdminClient internal(ClusterConfig config, String self, String nodeName, Duration timeout)
            throws ConfigException {
        NodeConfig n = nodeOf(config, nodeName);
        NodeCredential c = NodeCredential.fromClusterKey(config.secrets().clusterKey());
        return new AdminClient(n.name(), baseUri(n), (method, path, body) -> c.sign(self, method, path,
                body == null ? new byte[0] : body, System.currentTimeMillis()), timeout);
    }

    /**
     * A client for the node called {@code nodeName} in {@code config}.
     *
     * @throws ConfigException if the cluster has no such node
     */
    public static AdminClient forNode(ClusterConfig config, String nodeName) throws ConfigException {
        NodeConfig n = nodeOf(config, nodeName);
        return new AdminClient(n.name(), baseUri(n), config.secrets().adminToken());
    }

    private static NodeConfig nodeOf(ClusterConfig config, String nodeName) throws ConfigException {
        return config.node(nodeName).orElseThrow(() -> new ConfigException(config.file(), "--node",
                "\"" + nodeName + "\" is not a node of cluster " + config.name() + " (nodes: " + nodeNames(config) + ")"));
    }

    /** The admin API's base URL for {@code node}; a wildcard bind address is reached through the node's address. */
    public static URI baseUri(NodeConfig node) {
        Endpoint admin = node.admin();
        String host = admin.host();
        if (host.equals("0.0.0.0") || host.equals("::")) {
            host = node.address();
        }
        if (host.contains(":")) {
            host = "[" + host + "]";
        }
        return URI.create("http://" + host + ":" + admin.port());
    }

    public URI base() {
        return base;
    }

    /** GETs {@code path} (e.g. {@code /api/status}) and returns the JSON answer. */
    public JsonNode getJson(String path) throws AdminClientException {
        return send("GET", path, null);
    }

    /** POSTs {@code body} as JSON to {@code path} and returns the JSON answer. */
    public JsonNode postJson(String path, Object body) throws AdminClientException {
        String json = body instanceof JsonNode n ? n.toString() : Json.write(body);
        return send("POST", path, json.getBytes(StandardCharsets.UTF_8));
    }

    private JsonNode send(String method, String path, byte[] body) throws AdminClientException {
        int status;
        String text;
        try {
            URI uri = base.resolve(path);
            HttpURLConnection c = (HttpURLConnection) uri.toURL().openConnection(Proxy.NO_PROXY);
            c.setConnectTimeout((int) Math.min(CONNECT_TIMEOUT.toMillis(), requestTimeout.toMillis()));
            c.setReadTimeout((int) requestTimeout.toMillis());
            c.setRequestMethod(method);
            c.setRequestProperty("Authorization", credential.authorization(method, uri.getRawPath(), body));
            c.setRequestProperty("Accept", "application/json");
            if (body != null) {
                c.setDoOutput(true);
                c.setRequestProperty("Content-Type", "application/json");
                // streaming mode: a POST is never silently sent twice after a broken connection
                c.setFixedLengthStreamingMode(body.length);
                try (OutputStream out = c.getOutputStream()) {
                    out.write(body);
                }
            }
            status = c.getResponseCode();
            try (InputStream in = status >= 400 ? c.getErrorStream() : c.getInputStream()) {
                text = in == null ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
        } catch (SocketTimeoutException e) {
            if (String.valueOf(e.getMessage()).contains("connect")) {
                throw unreachable("no answer within " + CONNECT_TIMEOUT.toSeconds() + " s", e);
            }
            throw new AdminClientException("node " + node + " did not answer " + path + " within "
                    + requestTimeout.toMillis() + " ms", 0, e);
        } catch (ConnectException e) {
            throw unreachable("connection refused", e);
        } catch (UnknownHostException e) {
            throw unreachable("address does not resolve", e);
        } catch (IOException e) {
            Throwable root = rootCause(e);
            throw unreachable(root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage(), e);
        }
        JsonNode json = parse(text);
        String why = json != null && json.hasNonNull("error") ? ": " + json.get("error").asText() : "";
        if (status == 401) {
            throw new AdminClientException("admin API of node " + node + " at " + base
                    + " refused the token (check the cluster's secrets file)" + why, status, null);
        }
        if (status == 429) {
            throw new AdminClientException("admin API of node " + node + " at " + base + " slows this host down "
                    + "after refused authentications" + why, status, null);
        }
        if (status / 100 != 2 && json != null && json.hasNonNull("status") && path.startsWith("/api/commands/")) {
            // a refused (409, 403), unknown (404) or failed (500) command: its result says what happened
            return json;
        }
        if (status == 403) {
            throw new AdminClientException("admin API of node " + node + " at " + base
                    + " refused the token (check the cluster's secrets file)" + why, status, null);
        }
        if (status / 100 != 2) {
            String msg = json != null && json.hasNonNull("error") ? json.get("error").asText() : "HTTP " + status;
            throw new AdminClientException("node " + node + " answered " + status + " to " + path + ": " + msg, status, null);
        }
        if (json == null) {
            throw new AdminClientException("node " + node + " answered " + path + " with something that is not JSON", status, null);
        }
        return json;
    }

    private AdminClientException unreachable(String why, Throwable cause) {
        return new AdminClientException("node " + node + " is not running or not reachable at " + base + ": " + why, 0, cause);
    }

    private static JsonNode parse(String body) {
        try {
            return body == null || body.isBlank() ? null : org.understudy.config.JsonTrees.readJson(body);
        } catch (IOException e) {
            return null;
        }
    }

    private static Throwable rootCause(Throwable t) {
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t;
    }

    private static String nodeNames(ClusterConfig c) {
        StringBuilder sb = new StringBuilder(c.standby().name());
        c.primaries().forEach(p -> sb.append(", ").append(p.name()));
        return sb.toString();
    }
}
