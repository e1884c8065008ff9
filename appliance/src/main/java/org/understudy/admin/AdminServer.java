package org.understudy.admin;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.understudy.config.Endpoint;
import org.understudy.model.StateModel;
import org.understudy.security.NodeCredential;
import org.understudy.threads.ElasticPool;

/**
 * A node's admin JSON API over HTTP (the JDK's built-in server, {@code com.sun.net.httpserver}), used by the CLI and
 * other tools.
 *
 * <p>Routes: {@code GET /api/health} (no auth, for probes: role, state, version), {@code GET /api/status} (the
 * {@link StateModel}'s snapshot) and {@code POST /api/commands/{name}} dispatching to handlers added with
 * {@link #registerCommand}. Every other route needs {@code Authorization: Bearer TOKEN} (an operator token of either
 * role), except the internal routes ({@link #internalRoute}), which need the node credential and answer 403 to an
 * operator token. Who may call is {@link AdminAccess}'s decision: refusals are recorded and a failing source is slowed
 * down (429 with {@code Retry-After}). Errors are JSON {@code {"error": "..."}} with a fitting status; a failing
 * handler gives 500 (its own I/O failures included) and the server keeps serving.
 *
 * <p>Why the JDK's server: every node serves this API, the primary agent included, and the agent must be light on
 * somebody's production server; the JDK's server loads 60 classes where Jetty loaded 418, and one thread accepts
 * every connection. Requests are handled on an {@link ElasticPool} (up to {@value #MAX_THREADS} threads,
 * none kept when idle). The server's limits are set for the JVM before it is first used (see {@link #LIMITS}).
 *
 * <p>Thread-safe: routes and commands may be registered before or after {@link #start()}.
 */
public final class AdminServer implements AutoCloseable {
    /** Largest request body accepted, in bytes. */
    public static final int MAX_BODY = 1 << 20;
    /** Largest unread body still read to its end before an answer that does not need it. */
    private static final long DRAIN_LIMIT = 2L * MAX_BODY;
    /** Requests handled at once; more wait in line. */
    static final int MAX_THREADS = 32;
    /** Seconds a handling thread stays after its last request. */
    private static final int THREAD_KEEP_ALIVE_SECONDS = 30;
    /** Seconds a request may take to arrive, headers and body (the largest body is 1 MiB). */
    static final int REQUEST_SECONDS = 10;
    /**
     * The JDK server's settings (system properties it reads once, when its first server is made; an operator's own
     * {@code -D} wins). A request must arrive whole, headers and body, within {@value #REQUEST_SECONDS} s, checked
     * every 2 s: the JDK's default waits for ever, and a request is read on a handling thread, so a client sending a
     * byte now and then would hold one for good. An idle kept-alive connection is closed after the JDK's 30 s.
     */
    static final Map<String, String> LIMITS = Map.of(
            "sun.net.httpserver.maxReqTime", Integer.toString(REQUEST_SECONDS),
            "sun.net.httpserver.timerMillis", "2000");
    private static final Logger LOG = LogManager.getLogger(AdminServer.class);

    static {
        LIMITS.forEach(System.getProperties()::putIfAbsent);
    }

    private final Endpoint bind;
    private final AdminAccess access;
    private final StateModel model;
    private final RouteTable routes = new RouteTable();
    private final Map<String, ApiHandler> commands = new ConcurrentHashMap<>();
    private volatile HttpServer server;
    private volatile ExecutorService pool;

    /** A server that accepts one operator token and no node credential (tests, tools). */
    public AdminServer(Endpoint bind, String token, StateModel model) {
        this(bind, AdminAccess.token(token), model);
    }

    public AdminServer(Endpoint bind, AdminAccess access, StateModel model) {
        this.bind = bind;
        this.access = access;
        this.model = model;
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
    public SortedSet<String> routes() {
        SortedSet<String> all = new TreeSet<>();
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

    /**
     * Binds and starts serving.
     *
     * @throws IOException when the address cannot be bound
     * @throws IllegalStateException when started already
     */
    public synchronized void start() throws IOException {
        if (server != null) {
            throw new IllegalStateException("admin API on " + bind + " is started already");
        }
        HttpServer s;
        try {
            s = HttpServer.create(new InetSocketAddress(bind.host(), bind.port()), 0);
        } catch (IOException e) {
            throw new IOException("admin API cannot listen on " + bind + ": " + e.getMessage(), e);
        }
        ExecutorService threads = ElasticPool.create("admin-http", MAX_THREADS, THREAD_KEEP_ALIVE_SECONDS);
        s.setExecutor(threads);
        s.createContext("/", this::handle);
        s.start();
        pool = threads;
        server = s;
        LOG.info("admin API listening on {}:{}", bind.host(), port());
    }

    /** The bound port (the actual one when bound to port 0); -1 before start and after close. */
    public int port() {
        HttpServer s = server;
        return s == null ? -1 : s.getAddress().getPort();
    }

    /** Stops serving; requests under way are interrupted. Closing again, or before start, does nothing. */
    @Override
    public synchronized void close() {
        HttpServer s = server;
        if (s == null) {
            return;
        }
        server = null;
        // admin calls are short; waiting for idle keep-alive connections to close would only delay stop by seconds
        s.stop(0);
        pool.shutdownNow();
    }

    private Object command(ApiRequest req) throws Exception {
        String name = req.pathParams().get("name");
        ApiHandler h = commands.get(name);
        if (h == null) {
            throw new ApiException(404, "unknown command: " + name);
        }
        return h.handle(req);
    }

    /** One request, from the route to the answer; never throws. */
    private void handle(HttpExchange exchange) {
        String method = exchange.getRequestMethod();
        String path = exchange.getRequestURI().getPath();
        try (exchange) {
            RouteTable.Match m = routes.find(method, path);
            if (m.route() == null) {
                drain(exchange);
                if (m.allowed().isEmpty()) {
                    reply(exchange, 404, error("no such endpoint: " + path));
                } else {
                    exchange.getResponseHeaders().set("Allow", String.join(", ", m.allowed()));
                    reply(exchange, 405, error(method + " is not allowed on " + path
                            + " (use " + String.join(", ", m.allowed()) + ")"));
                }
                return;
            }
            answer(exchange, method, path, m);
        } catch (IOException e) {
            // the client went away or broke the exchange off: nothing to answer
            LOG.debug("admin API: {} {} from {} broken off: {}", method, path, exchange.getRemoteAddress(),
                    e.toString());
        }
    }

    /**
     * A request for a route: access, body, the handler and its answer. Throws only when reading the request or
     * sending the answer broke, when no answer can reach the client.
     */
    private void answer(HttpExchange exchange, String method, String path, RouteTable.Match m) throws IOException {
        try {
            AdminAccess.Level level = m.route().level();
            // the node credential signs the body, so an internal call's body is read first
            byte[] raw = level == AdminAccess.Level.NODE ? bodyBytes(exchange) : null;
            AdminAccess.Outcome outcome = access.check(level, method, path, raw,
                    exchange.getRequestHeaders().getFirst("Authorization"),
                    exchange.getRemoteAddress().getAddress().getHostAddress());
            if (outcome instanceof AdminAccess.Outcome.Refused r) {
                drain(exchange);
                Headers headers = exchange.getResponseHeaders();
                if (r.status() == 401) {
                    headers.set("WWW-Authenticate", level == AdminAccess.Level.NODE
                            ? NodeCredential.SCHEME + " realm=\"understudy\"" : "Bearer realm=\"understudy\"");
                } else if (r.status() == 429) {
                    headers.set("Retry-After", Long.toString(r.retryAfterSeconds()));
                }
                reply(exchange, r.status(), error(r.message()));
                return;
            }
            AdminAccess.Caller caller = ((AdminAccess.Outcome.Allowed) outcome).caller();
            JsonNode body = parse(raw != null ? raw : bodyBytes(exchange));
            Object result;
            try {
                result = m.route().handler().handle(new ApiRequest(method, path, m.params(), body, caller));
            } catch (ApiException e) {
                throw e;
            } catch (Exception | LinkageError | AssertionError e) {
                // the handler's own failure, an I/O one included (a disk, another node), never taken for the
                // exchange breaking off
                failed(exchange, method, path, e);
                return;
            }
            if (result instanceof ApiResponse r && r.contentType() != null) {
                send(exchange, r.status(), r.contentType() + "; charset=utf-8",
                        String.valueOf(r.body()).getBytes(StandardCharsets.UTF_8));
            } else if (result instanceof ApiResponse r) {
                reply(exchange, r.status(), r.body());
            } else {
                reply(exchange, 200, result == null ? Map.of("ok", true) : result);
            }
        } catch (ApiException e) {
            drain(exchange);
            reply(exchange, e.status(), error(e.getMessage()));
        } catch (RuntimeException | LinkageError | AssertionError e) {
            failed(exchange, method, path, e);
        }
    }

    /** A 500 naming what failed; logged with its stack. */
    private static void failed(HttpExchange exchange, String method, String path, Throwable e) throws IOException {
        LOG.error("admin API: {} {} failed", method, path, e);
        reply(exchange, 500, error(e.getClass().getSimpleName()
                + (e.getMessage() == null ? "" : ": " + e.getMessage())));
    }

    /** The request's declared body length, -1 when it does not say (chunked) or says nonsense. */
    private static long declaredLength(HttpExchange exchange) {
        String length = exchange.getRequestHeaders().getFirst("Content-Length");
        try {
            return length == null ? -1 : Long.parseLong(length.strip());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /**
     * Reads and drops what is left of a request's body before an answer that does not need it (a refusal, 404, 405,
     * 413): answered first, a body still on its way could not be consumed, and the connection was closed under the
     * client (the JDK's HttpClient sends headers and body apart), whose next request on it got no bytes at all — or
     * the kernel's reset of a socket closed with unread bytes reached the client before the answer. A body far over
     * the limit is not read; that connection closes after the answer.
     */
    private static void drain(HttpExchange exchange) {
        Headers answer = exchange.getResponseHeaders();
        if (declaredLength(exchange) > DRAIN_LIMIT) {
            answer.set("Connection", "close");
            return;
        }
        try (InputStream in = exchange.getRequestBody()) {
            long left = DRAIN_LIMIT;
            byte[] sink = new byte[8192];
            int n;
            while (left > 0 && (n = in.read(sink, 0, (int) Math.min(sink.length, left))) >= 0) {
                left -= n;
            }
            if (left <= 0) {
                answer.set("Connection", "close");
            }
        } catch (IOException e) {
            answer.set("Connection", "close");
        }
    }

    /** Reads the body, at most {@link #MAX_BODY} bytes. */
    private static byte[] bodyBytes(HttpExchange exchange) throws IOException {
        long declared = declaredLength(exchange);
        if (declared > MAX_BODY) {
            throw new ApiException(413, "request body of " + declared + " bytes is over the " + MAX_BODY + "-byte limit");
        }
        byte[] bytes;
        try (InputStream in = exchange.getRequestBody()) {
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

    private static Map<String, Object> error(String message) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("error", message);
        return m;
    }

    private static void reply(HttpExchange exchange, int status, Object body) throws IOException {
        byte[] bytes;
        try {
            bytes = Json.mapper().writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            LOG.error("admin API: cannot write a {} as JSON", body.getClass().getName(), e);
            status = 500;
            bytes = ("{\"error\":\"cannot write the result as JSON\"}").getBytes(StandardCharsets.UTF_8);
        }
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        send(exchange, status, "application/json; charset=utf-8", bytes);
    }

    /** Sends the answer: status, type and a body of known length (none for HEAD). */
    private static void send(HttpExchange exchange, int status, String type, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", type);
        boolean head = "HEAD".equals(exchange.getRequestMethod());
        exchange.sendResponseHeaders(status, head || body.length == 0 ? -1 : body.length);
        if (!head && body.length > 0) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }
}
