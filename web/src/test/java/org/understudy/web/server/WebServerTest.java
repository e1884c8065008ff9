package org.understudy.web.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.understudy.command.Actor;
import org.understudy.command.Command;
import org.understudy.command.CommandApi;
import org.understudy.command.CommandResult;
import org.understudy.config.Endpoint;
import org.understudy.config.WebConfig;
import org.understudy.config.WebUser;
import org.understudy.e2e.Poll;
import org.understudy.model.Role;
import org.understudy.security.AuthFailure;
import org.understudy.config.PasswordHash;
import org.understudy.web.Snapshots;
import org.understudy.web.actions.ActionCatalog;
import org.understudy.web.actions.Jobs;
import org.understudy.web.auth.LoginThrottle;
import org.understudy.web.auth.Logins;
import org.understudy.web.auth.SessionStore;
import org.understudy.web.live.LiveHub;
import org.understudy.web.live.ViewRenderer;
import org.understudy.web.metrics.ModelCollector;
import org.understudy.web.pages.ConsoleState;
import org.understudy.web.pages.Site;
import org.understudy.web.series.SeriesStore;

/**
 * The console's server in this JVM (plain HTTP on loopback; one test over HTTPS with a generated key pair): security
 * headers, login and its cookie, CSRF and origin checks, the monitor's refusal, bad input, the metrics token.
 */
class WebServerTest {
    private static final String PASSWORD = "alice-password-1";
    private static final Site SITE = new Site("demo", "standby", Role.STANDBY, Map.of("p1", "127.0.1.1:10809"),
            Map.of("p1", List.of("vol0", "vol1")));
    private final List<AuthFailure> refused = Collections.synchronizedList(new ArrayList<>());
    private final List<String> audit = Collections.synchronizedList(new ArrayList<>());
    private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
    private WebServer server;
    private HttpClient client = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
    private String base;

    @TempDir
    Path dir;

    private WebServer start(boolean https) throws Exception {
        PasswordHash hash = PasswordHash.create(PASSWORD.toCharArray(), new SecureRandom(), PasswordHash.MIN_ITERATIONS);
        CommandApi commands = new CommandApi("standby", (actor, c) -> CommandResult.ok(c.name() + " done"),
                (Actor actor, Command c, CommandResult r) -> audit.add(actor + " " + c.name() + " " + c.target() + " " + r.status()));
        Jobs jobs = new Jobs(commands, threads, InstantSource.system(), () -> { });
        SeriesStore series = new SeriesStore(Duration.ofSeconds(2));
        Supplier<ConsoleState> state = () -> new ConsoleState(SITE, Snapshots.standby(1, 2), jobs.recent(), q -> List.of());
        LiveHub<ConsoleState> hub = new LiveHub<>(new ViewRenderer<>() {
            @Override
            public boolean knows(String view, ConsoleState s) {
                return view.equals("overview");
            }

            @Override
            public Map<String, org.understudy.web.live.LiveEvent> update(String view, ConsoleState s) {
                return Map.of();
            }

            @Override
            public Map<String, org.understudy.web.live.LiveEvent> full(String view, ConsoleState s) {
                return Map.of();
            }
        }, state, threads);
        PrometheusRegistry registry = new PrometheusRegistry();
        registry.register(new ModelCollector(() -> Snapshots.standby(1, 2), Map::of));
        WebConfig config = new WebConfig(new Endpoint("127.0.0.1", 0), null, !https, Duration.ofMinutes(5), false);
        KeyStores.Store keys = https ? KeyStores.selfSigned(dir, "standby", "127.0.0.1") : null;
        server = new WebServer(config, keys, new WebServer.Parts(SITE, state,
                new SessionStore(Duration.ofMinutes(5), System::nanoTime, new SecureRandom()), new LoginThrottle(System::nanoTime),
                new Logins(List.of(new WebUser("alice", hash, WebUser.Role.OPERATOR), new WebUser("bob", hash, WebUser.Role.MONITOR))),
                refused::add, ActionCatalog.standard(), jobs, series, hub, registry, "metrics-token-0123456789",
                InstantSource.system()));
        server.start();
        base = (https ? "https" : "http") + "://127.0.0.1:" + server.port();
        return server;
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
        threads.shutdownNow();
    }

    private HttpResponse<String> get(String path, String cookie) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path));
        if (cookie != null) {
            b.header("Cookie", cookie);
        }
        return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(String path, String cookie, String origin, Map<String, String> form) throws Exception {
        StringBuilder body = new StringBuilder();
        form.forEach((k, v) -> body.append(body.isEmpty() ? "" : "&").append(k).append('=')
                .append(URLEncoder.encode(v, StandardCharsets.UTF_8)));
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString()));
        if (cookie != null) {
            b.header("Cookie", cookie);
        }
        if (origin != null) {
            b.header("Origin", origin);
        }
        return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Logs in; returns the cookie header value to send back. */
    private String login(String user) throws Exception {
        HttpResponse<String> r = post("/login", null, base, Map.of("user", user, "password", PASSWORD, "next", "/"));
        assertEquals(303, r.statusCode(), r.body());
        String setCookie = r.headers().firstValue("Set-Cookie").orElseThrow();
        return setCookie.substring(0, setCookie.indexOf(';'));
    }

    private static String csrf(String page) {
        int i = page.indexOf("name=\"csrf\" value=\"");
        return page.substring(i + 19, page.indexOf('"', i + 19));
    }

    @Test
    void everyResponse_carriesStrictHeaders_andNoServerVersion() throws Exception {
        start(false);
        for (String path : List.of("/", "/login", "/nowhere", "/assets/app.js")) {
            HttpResponse<String> r = get(path, null);
            assertEquals(Guard.CSP, r.headers().firstValue("Content-Security-Policy").orElse(""), path);
            assertTrue(Guard.CSP.contains("script-src 'self'") && !Guard.CSP.contains("unsafe-inline"));
            assertEquals("nosniff", r.headers().firstValue("X-Content-Type-Options").orElse(""), path);
            assertEquals("DENY", r.headers().firstValue("X-Frame-Options").orElse(""), path);
            assertTrue(r.headers().firstValue("Server").isEmpty(), path + " tells no server name or version");
        }
        assertEquals(303, get("/", null).statusCode(), "not logged in: to the login page");
        assertEquals("/login?next=%2F", get("/", null).headers().firstValue("Location").orElse(""));
        assertEquals(401, get("/api/series/p1", null).statusCode());
        assertEquals(200, get("/webjars/uplot/1.6.30/dist/uPlot.iife.min.js", null).statusCode(), "uPlot served by the node");
    }

    @Test
    void login_setsAStrictSessionCookie_wrongPasswordIsRecordedAndSlowed() throws Exception {
        start(false);
        HttpResponse<String> wrong = post("/login", null, base, Map.of("user", "alice", "password", "nope-nope"));
        assertEquals(401, wrong.statusCode());
        assertTrue(wrong.body().contains("Wrong user name or password."));
        assertEquals(1, refused.size());
        assertEquals("alice", refused.getFirst().user());
        assertEquals("127.0.0.1", refused.getFirst().source());
        assertEquals("wrong password", refused.getFirst().reason());
        HttpResponse<String> soon = post("/login", null, base, Map.of("user", "alice", "password", PASSWORD));
        assertEquals(429, soon.statusCode(), "even the right password waits until the delay is over");
        assertTrue(soon.headers().firstValue("Retry-After").isPresent());
        assertEquals(2, refused.size());
        Poll.until(Duration.ofSeconds(5), "the login accepted after the wait",
                () -> post("/login", null, base, Map.of("user", "alice", "password", PASSWORD)).statusCode() == 303);
        HttpResponse<String> ok = post("/login", null, base, Map.of("user", "alice", "password", PASSWORD, "next", "//evil.example/"));
        assertEquals("/", ok.headers().firstValue("Location").orElse(""), "never redirected off the site");
        String setCookie = ok.headers().firstValue("Set-Cookie").orElseThrow();
        assertTrue(setCookie.contains("HttpOnly") && setCookie.contains("SameSite=Strict"), setCookie);
        assertEquals(403, post("/login", null, "http://evil.example", Map.of("user", "alice", "password", PASSWORD)).statusCode(),
                "a login posted from another site is refused");
    }

    @Test
    void actions_needTheCsrfTokenAndSameOrigin_monitorIsRefusedAndAudited() throws Exception {
        start(false);
        String alice = login("alice");
        String page = get("/primary/p1", alice).body();
        String token = csrf(page);
        assertEquals(403, post("/actions/link-test", alice, base, Map.of("primary", "p1")).statusCode(), "no token");
        assertEquals(403, post("/actions/link-test", alice, base, Map.of("primary", "p1", "csrf", "forged")).statusCode());
        assertEquals(403, post("/actions/link-test", alice, "http://evil.example", Map.of("primary", "p1", "csrf", token))
                .statusCode(), "another origin");
        assertTrue(audit.isEmpty(), "nothing reached the command API: " + audit);
        HttpResponse<String> ok = post("/actions/link-test", alice, base, Map.of("primary", "p1", "csrf", token));
        assertEquals(303, ok.statusCode(), ok.body());
        assertEquals("/primary/p1#pv-jobs", ok.headers().firstValue("Location").orElse(""));
        Poll.until(Duration.ofSeconds(5), "the action audited as alice via web",
                () -> audit.contains("alice via web link-test p1 OK"));

        String bob = login("bob");
        String bobsPage = get("/primary/p1", bob).body();
        assertFalse(bobsPage.contains("/actions/"), "no action controls for a monitor");
        HttpResponse<String> forged = post("/actions/switchover", bob, base, Map.of("primary", "p1", "csrf", csrf(bobsPage)));
        assertEquals(403, forged.statusCode(), forged.body());
        assertTrue(forged.body().contains("not allowed to act"), forged.body());
        assertTrue(audit.contains("bob via web switchover p1 REFUSED"), "the refusal is audited: " + audit);
    }

    @Test
    void badInput_getsA4xxPage_andNothingReachesTheCommandApi() throws Exception {
        start(false);
        String alice = login("alice");
        String token = csrf(get("/", alice).body());
        assertEquals(404, get("/primary/p9", alice).statusCode());
        assertEquals(404, get("/no/such/page", alice).statusCode());
        for (String outside : List.of("/assets/../../etc/passwd", "/%2e%2e/%2e%2e/etc/passwd", "/assets/%2e%2e/%2e%2e/etc/passwd")) {
            HttpResponse<String> r = get(outside, alice);
            assertTrue(List.of(400, 404).contains(r.statusCode()), outside + " answered " + r.statusCode());
            assertTrue(r.body().contains("id=\"error\"") && !r.body().contains("root:"), outside + ": the console's error page");
            assertEquals(Guard.CSP, r.headers().firstValue("Content-Security-Policy").orElse(""), outside);
        }
        assertEquals(400, get("/events?since=soon", alice).statusCode());
        assertEquals(400, get("/events?kind=NOPE", alice).statusCode());
        assertEquals(405, client.send(HttpRequest.newBuilder(URI.create(base + "/")).header("Cookie", alice)
                .method("DELETE", HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString()).statusCode());
        assertEquals(404, post("/actions/reboot", alice, base, Map.of("csrf", token)).statusCode());
        assertEquals(404, post("/actions/verify", alice, base, Map.of("csrf", token, "primary", "p9", "volume", "vol0")).statusCode());
        assertEquals(404, post("/actions/verify", alice, base, Map.of("csrf", token, "primary", "p1", "volume", "vol7")).statusCode());
        assertEquals(400, post("/actions/throttle", alice, base, Map.of("csrf", token, "primary", "p1", "traffic", "mirror",
                "rate", "fast")).statusCode());
        assertEquals(400, post("/actions/failover", alice, base, Map.of("csrf", token, "primary", "p1", "confirm", "p2")).statusCode());
        assertEquals(413, post("/actions/link-test", alice, base, Map.of("csrf", token, "primary", "p1", "pad", "x".repeat(20_000)))
                .statusCode());
        HttpResponse<String> evil = get("/primary/%3Cimg%20src=x%20onerror=alert(1)%3E", alice);
        assertEquals(404, evil.statusCode());
        assertFalse(evil.body().contains("<img src=x"), "the path is shown escaped");
        assertTrue(evil.body().contains("&lt;img src=x onerror=alert(1)&gt;"), evil.body());
        assertTrue(audit.isEmpty(), "nothing reached the command API: " + audit);
    }

    /** A refused body is read to its end: otherwise the kernel may reset the connection before the 413 page is out. */
    @Test
    void anOversizedBody_alwaysGetsThe413Page_neverAReset() throws Exception {
        start(false);
        String alice = login("alice");
        String token = csrf(get("/", alice).body());
        for (int i = 0; i < 300; i++) {
            HttpResponse<String> r = post("/actions/link-test", alice, base,
                    Map.of("csrf", token, "primary", "p1", "pad", "x".repeat(20_000 + i * 300)));
            assertEquals(413, r.statusCode(), "attempt " + i);
        }
        assertTrue(audit.isEmpty(), "nothing reached the command API: " + audit);
    }

    @Test
    void metrics_needTheBearerToken() throws Exception {
        start(false);
        assertEquals(401, get("/metrics", null).statusCode());
        assertEquals(1, refused.size());
        HttpResponse<String> ok = client.send(HttpRequest.newBuilder(URI.create(base + "/metrics"))
                .header("Authorization", "Bearer metrics-token-0123456789").build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, ok.statusCode());
        assertTrue(ok.body().contains("understudy_primary_state{primary=\"p1\",state=\"STANDING_IN\"} 1.0"), ok.body());
    }

    @Test
    void https_selfSignedPair_cookieIsSecureAndHostBound_andHstsIsSent() throws Exception {
        start(true);
        client = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
                .sslContext(org.understudy.web.e2e.Trust.all()).build();
        HttpResponse<String> r = post("/login", null, base, Map.of("user", "alice", "password", PASSWORD));
        String cookie = r.headers().firstValue("Set-Cookie").orElseThrow();
        assertTrue(cookie.startsWith("__Host-understudy=") && cookie.contains("; Secure") && cookie.contains("HttpOnly")
                && cookie.contains("SameSite=Strict"), cookie);
        assertTrue(r.headers().firstValue("Strict-Transport-Security").isPresent());
        String fingerprint = KeyStores.fingerprint(KeyStores.selfSigned(dir, "standby", "127.0.0.1"));
        assertEquals(32 * 3 - 1, fingerprint.length(), "SHA-256 as AB:CD:...: " + fingerprint);
    }
}
