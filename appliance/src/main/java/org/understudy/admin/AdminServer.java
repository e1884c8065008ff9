package org.understudy.admin;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.understudy.config.Endpoint;
import org.understudy.model.StateModel;
import org.understudy.security.NodeCredential;

/**
 * A node's admin JSON API over HTTP (Jetty core handlers, no servlets), used by the CLI and other tools.
 *
 * <p>Routes: {@code GET /api/health} (no auth, for probes: role, state, version), {@code GET /api/status} (the {@link StateModel}'s
 * snapshot) and {@code POST /api/commands/{name}} dispatching to handlers added with {@link #registerCommand}. Every
 * other route needs {@code Authorization: Bearer TOKEN} (an operator token of either role), except the internal
 * routes ({@link #internalRoute}), which need the node credential and answer 403 to an operator token. Who may
 * call is {@link AdminAccess}'s decision: refusals are recorded and a failing source is slowed down (429 with
 * {@code Retry-After}). Errors are JSON {@code {"error": "..."}} with a fitting status; a failing handler gives 500
 * and the server keeps serving.
 *
 * <p>Thread-safe: routes and commands may be registered before or after {@link #start()}.
 */
public final class AdminServer implements AutoCloseable {
    /** Largest request body accepted, in bytes. */
    public static final int MAX_BODY = 1 << 20;
    /** Largest unread body still read to its end before an answer that does not need it. */
    private static final long DRAIN_LIMIT = 2L * MAX_BODY;
    private static final Logger LOG = LogManager.getLogger(AdminServer.class);

    private final Endpoint bind;
    private final AdminAccess access;
    private final StateModel model;
    private final RouteTable routes = new RouteTable();
    private final Map<String, ApiHandler> commands = new ConcurrentHashMap<>();
    private final Server server;
    private final ServerConnector connector;

    /** A server that accepts one operator token and no node credential (tests, tools). */
    public AdminServer(Endpoint bind, String token, StateModel model) {
        this(bind, AdminAccess.token(token), model);
    }

    public AdminServer(Endpoint bind, AdminAccess access, StateModel model) {
        this.bind = bind;
        this.access = access;
        this.model = model;
        QueuedThreadPool pool = new QueuedThreadPool(32, 2);
        pool.setName("admin-http");
        this.server = new Server(pool);
        // no Server header: a version on every answer tells a scanner what to try, and the API says it in /api/health
        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        http.setSendXPoweredBy(false);
        this.connector = new ServerConnector(server, 1, 1, new HttpConnectionFactory(http));
        connector.setHost(bind.host());
        connector.setPort(bind.port());
        server.addConnector(connector);
        server.setHandler(new Dispatcher());
        // admin calls are short; waiting for idle keep-alive connections to close would only delay stop by seconds
        server.setStopTimeout(0);
        routes.add("GET", "/api/health", AdminAccess.Level.PUBLIC, req -> Health.of(this.model));
        routes.add("GET", "/api/status", AdminAccess.Level.TOKEN, req -> this.model.snapshot());
        routes.add("POST", "/api/commands/{name}", AdminAccess.Level.TOKEN, this::command);
        routes.add("GET", "/api/openapi.yaml", AdminAccess.Level.PUBLIC,
                req -> new ApiResponse(200, OpenApi.text(), "application/yaml"));
    }

    /**
     * Adds a route for operator tokens. {@code pattern} is a path of literal segments and {@code {name}} captures.
     *
     * @throws IllegalArgumentException if {@code method pattern} is already registered
     */
    public void route(String method, String pattern, ApiHandler handler) {
        routes.add(method, pattern, AdminAccess.Level.TOKEN, handler);
    }

    /**
     * Adds a node-to-node route ({@code /api/internal/...}): only the node credential is accepted, an operator token
     * gets 403.
     */
    public void internalRoute(String method, String pattern, ApiHandler handler) {
        routes.add(method, pattern, AdminAccess.Level.NODE, handler);
    }

    /** Makes {@code POST /api/commands/NAME} call {@code handler} with the JSON body; replaces an earlier one. */
    public void registerCommand(String name, ApiHandler handler) {
        commands.put(name, handler);
    }

    /**
     * Every route as {@code METHOD /path}, commands one by one ({@code POST /api/commands/verify}): what the OpenAPI
     * description must describe.
     */
    public java.util.SortedSet<String> routes() {
        java.util.SortedSet<String> all = new java.util.TreeSet<>();
        for (String r : routes.describe()) {
            if (r.endsWith("/api/commands/{name}")) {
                commands.keySet().forEach(c -> all.add("POST /api/commands/" + c));
            } else {
                all.add(r);
            }
        }
        return all;
    }

    /** Names of the registered commands. */
    public Set<String> commands() {
        return Set.copyOf(commands.keySet());
    }

    /** Binds and starts serving. */
    public void start() throws IOException {
        try {
            server.start();
        } catch (IOException e) {
            throw new IOException("admin API cannot listen on " + bind + ": " + e.getMessage(), e);
        } catch (Exception e) {
            throw new IOException("admin API failed to start on " + bind + ": " + e.getMessage(), e);
        }
        LOG.info("admin API listening on {}:{}", bind.host(), port());
    }

    /** The bound port (the actual one when bound to port 0); -1 before start. */
    public int port() {
        return connector.getLocalPort();
    }

    @Override
    public void close() {
        try {
            server.stop();
        } catch (Exception e) {
            LOG.warn("admin API on {} did not stop cleanly: {}", bind, e.toString());
        }
    }

    private Object command(ApiRequest req) throws Exception {
        String name = req.pathParams().get("name");
        ApiHandler h = commands.get(name);
        if (h == null) {
            throw new ApiException(404, "unknown command: " + name);
        }
        return h.handle(req);
    }

    /** Reads the body, at most {@link #MAX_BODY} bytes. */
    /**
     * Reads and drops what is left of a request's body before an answer that does not need it (a refusal, 404, 405,
     * 413): answered first, a body still on its way could not be consumed, and the connection was closed under the
     * client (the JDK's HttpClient sends headers and body apart), whose next request on it got no bytes at all — or
     * the kernel's reset of a socket closed with unread bytes reached the client before the answer. A body far over
     * the limit is not read; that connection closes after the answer.
     */
    private static void drain(Request request, Response response) {
        if (request.getLength() > DRAIN_LIMIT) {
            response.getHeaders().put(HttpHeader.CONNECTION, "close");
            return;
        }
        try (InputStream in = Content.Source.asInputStream(request)) {
            long left = DRAIN_LIMIT;
            byte[] sink = new byte[8192];
            int n;
            while (left > 0 && (n = in.read(sink, 0, (int) Math.min(sink.length, left))) >= 0) {
                left -= n;
            }
            if (left <= 0) {
                response.getHeaders().put(HttpHeader.CONNECTION, "close");
            }
        } catch (IOException e) {
            response.getHeaders().put(HttpHeader.CONNECTION, "close");
        }
    }

    private static byte[] bodyBytes(Request request) throws IOException {
        long declared = request.getLength();
        if (declared > MAX_BODY) {
            throw new ApiException(413, "request body of " + declared + " bytes is over the " + MAX_BODY + "-byte limit");
        }
        byte[] bytes;
        try (InputStream in = Content.Source.asInputStream(request)) {
            bytes = in.readNBytes(MAX_BODY + 1);
        }
        if (bytes.length > MAX_BODY) {
            throw new ApiException(413, "request body is over the " + MAX_BODY + "-byte limit");
        }
        return bytes;
    }

    private static JsonNode parse(byte[] bytes) {
        if (bytes.length == 0) {
            return MissingNode.getInstance();
        }
        try {
            return Json.mapper().readTree(bytes);
        } catch (JsonProcessingException e) {
            throw new ApiException(400, "request body is not valid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new ApiException(400, "request body is not readable JSON: " + e.getMessage());
        }
    }

    private final class Dispatcher extends Handler.Abstract {
        @Override
        public boolean handle(Request request, Response response, Callback callback) {
            String method = request.getMethod();
            String path = Request.getPathInContext(request);
            try {
                RouteTable.Match m = routes.find(method, path);
                if (m.route() == null) {
                    drain(request, response);
                    if (m.allowed().isEmpty()) {
                        reply(response, callback, 404, error("no such endpoint: " + path));
                    } else {
                        response.getHeaders().put(HttpHeader.ALLOW, String.join(", ", m.allowed()));
                        reply(response, callback, 405, error(method + " is not allowed on " + path
                                + " (use " + String.join(", ", m.allowed()) + ")"));
                    }
                    return true;
                }
                AdminAccess.Level level = m.route().level();
                // the node credential signs the body, so an internal call's body is read first
                byte[] raw = level == AdminAccess.Level.NODE ? bodyBytes(request) : null;
                AdminAccess.Outcome outcome = access.check(level, method, path, raw,
                        request.getHeaders().get(HttpHeader.AUTHORIZATION), Request.getRemoteAddr(request));
                if (outcome instanceof AdminAccess.Outcome.Refused r) {
                    drain(request, response);
                    if (r.status() == 401) {
                        response.getHeaders().put(HttpHeader.WWW_AUTHENTICATE, level == AdminAccess.Level.NODE
                                ? NodeCredential.SCHEME + " realm=\"understudy\"" : "Bearer realm=\"understudy\"");
                    } else if (r.status() == 429) {
                        response.getHeaders().put(HttpHeader.RETRY_AFTER, Long.toString(r.retryAfterSeconds()));
                    }
                    reply(response, callback, r.status(), error(r.message()));
                    return true;
                }
                AdminAccess.Caller caller = ((AdminAccess.Outcome.Allowed) outcome).caller();
                JsonNode body = parse(raw != null ? raw : bodyBytes(request));
                Object result = m.route().handler().handle(new ApiRequest(method, path, m.params(), body, caller));
                if (result instanceof ApiResponse r && r.contentType() != null) {
                    replyText(response, callback, r.status(), r.contentType(), String.valueOf(r.body()));
                } else if (result instanceof ApiResponse r) {
                    reply(response, callback, r.status(), r.body());
                } else {
                    reply(response, callback, 200, result == null ? Map.of("ok", true) : result);
                }
            } catch (ApiException e) {
                drain(request, response);
                reply(response, callback, e.status(), error(e.getMessage()));
            } catch (Exception | LinkageError | AssertionError e) {
                LOG.error("admin API: {} {} failed", method, path, e);
                reply(response, callback, 500, error(e.getClass().getSimpleName()
                        + (e.getMessage() == null ? "" : ": " + e.getMessage())));
            }
            return true;
        }
    }

    private static Map<String, Object> error(String message) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("error", message);
        return m;
    }

    private static void replyText(Response response, Callback callback, int status, String type, String text) {
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, type + "; charset=utf-8");
        response.write(true, ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)), callback);
    }

    private static void reply(Response response, Callback callback, int status, Object body) {
        byte[] bytes;
        try {
            bytes = Json.mapper().writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            LOG.error("admin API: cannot write a {} as JSON", body.getClass().getName(), e);
            status = 500;
            bytes = ("{\"error\":\"cannot write the result as JSON\"}").getBytes(StandardCharsets.UTF_8);
        }
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json; charset=utf-8");
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
        response.write(true, ByteBuffer.wrap(bytes), callback);
    }
}
