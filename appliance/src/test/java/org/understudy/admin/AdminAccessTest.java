package org.understudy.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.understudy.command.CommandApi;
import org.understudy.command.CommandResult;
import org.understudy.config.AdminToken;
import org.understudy.config.Endpoint;
import org.understudy.security.AuthFace;
import org.understudy.security.AuthFailure;
import org.understudy.security.NodeCredential;

/**
 * Who may call what on the admin API, over real HTTP from several loopback source addresses: internal routes take
 * the node credential only (an operator token gets 403), tokens carry a role, every refusal is on record, and a
 * source that keeps failing is slowed down (429, Retry-After, growing) while a good token from elsewhere still works.
 * Regression: one operator token authorised /api/internal/drain, and 6,400 wrong-token requests left no trace.
 */
class AdminAccessTest {
    private static final String OPS = "operator-token-0123456789";
    private static final String RO = "read-only-token-0123456789";
    private static final byte[] KEY = "cluster-key-for-the-admin-access-test!".getBytes(StandardCharsets.UTF_8);

    private final List<AuthFailure> failures = new CopyOnWriteArrayList<>();
    private final List<String> audited = new CopyOnWriteArrayList<>();
    private final AtomicLong wall = new AtomicLong(1_700_000_000_000L);
    private final NodeCredential node = NodeCredential.fromClusterKey(KEY);
    private AdminServer server;

    @BeforeEach
    void start() throws Exception {
        AdminAccess access = new AdminAccess(List.of(new AdminToken(AdminToken.ADMIN, OPS, true),
                new AdminToken("monitor", RO, false)), node, failures::add, wall::get);
        server = new AdminServer(new Endpoint("127.0.0.1", 0), access, Snapshots::standby);
        server.internalRoute("POST", "/api/internal/drain", req -> Map.of("ok", true, "by", req.caller().name(),
                "body", req.body().path("x").asText()));
        CommandRoutes.register(server, new CommandApi("standby", (actor, command) -> CommandResult.ok("done"),
                (actor, command, result) -> audited.add(actor.name() + " " + command.name() + " " + result.status())));
        server.start();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void internalCall_operatorToken_is403_andOnRecord() throws Exception {
        Reply r = call("127.0.0.1", "POST", "/api/internal/drain", "Bearer " + OPS, "{}");
        assertEquals(403, r.status(), r.body());
        assertTrue(r.body().contains("node credential"), r.body());
        assertTrue(failures.stream().anyMatch(f -> f.face() == AuthFace.ADMIN_API && f.user().equals(AdminToken.ADMIN)
                && f.reason().contains("internal")), failures.toString());
    }

    @Test
    void internalCall_nodeCredential_isServed_andNamesTheNode() throws Exception {
        String body = "{\"x\":\"y\"}";
        Reply r = call("127.0.0.1", "POST", "/api/internal/drain", sign("standby", body), body);
        assertEquals(200, r.status(), r.body());
        assertTrue(r.body().contains("\"by\":\"standby\"") && r.body().contains("\"body\":\"y\""), r.body());
    }

    @Test
    void internalCall_replayedAlteredStaleOrForeign_is401() throws Exception {
        String body = "{\"x\":\"y\"}";
        String signed = sign("standby", body);
        assertEquals(200, call("127.0.0.1", "POST", "/api/internal/drain", signed, body).status());
        Reply replay = call("127.0.0.1", "POST", "/api/internal/drain", signed, body);
        assertEquals(401, replay.status());
        assertTrue(replay.body().contains("replayed"), replay.body());
        Reply altered = call("127.0.0.2", "POST", "/api/internal/drain", sign("standby", body), "{\"x\":\"z\"}");
        assertEquals(401, altered.status());
        String old = node.sign("standby", "POST", "/api/internal/drain", body.getBytes(StandardCharsets.UTF_8),
                wall.get() - 120_000);
        assertEquals(401, call("127.0.0.3", "POST", "/api/internal/drain", old, body).status());
        String foreign = NodeCredential.fromClusterKey("another-clusters-key-0123456789abcdef".getBytes(
                StandardCharsets.UTF_8)).sign("standby", "POST", "/api/internal/drain",
                body.getBytes(StandardCharsets.UTF_8), wall.get());
        assertEquals(401, call("127.0.0.4", "POST", "/api/internal/drain", foreign, body).status());
        assertEquals(4, failures.size(), failures.toString());
    }

    @Test
    void readOnlyToken_readsStatus_butEveryActionIsRefusedAndAudited() throws Exception {
        assertEquals(200, call("127.0.0.1", "GET", "/api/status", "Bearer " + RO, null).status());
        Reply act = call("127.0.0.1", "POST", "/api/commands/failover", "Bearer " + RO,
                "{\"primary\":\"p1\",\"actor\":\"eve\"}");
        assertEquals(403, act.status(), "the actor may not: " + act.body());
        assertTrue(act.body().contains("REFUSED") && act.body().contains("read-only"), act.body());
        assertEquals(List.of("eve (token monitor) failover REFUSED"), audited);
        Reply ops = call("127.0.0.1", "POST", "/api/commands/failover", "Bearer " + OPS,
                "{\"primary\":\"p1\",\"actor\":\"root\"}");
        assertTrue(ops.body().contains("\"OK\""), ops.body());
        assertEquals("root failover OK", audited.getLast());
    }

    @Test
    void wrongTokenFlood_oneSourceSlowedWithGrowingRetryAfter_goodTokenFromAnotherSourceStillServed()
            throws Exception {
        int refused = 0;
        for (int i = 0; i < SourceBackoff.FREE_FAILURES; i++) {
            assertEquals(401, call("127.0.0.9", "POST", "/api/commands/failover", "Bearer guess-" + i, "{}").status());
            refused++;
        }
        Reply first = call("127.0.0.9", "POST", "/api/commands/failover", "Bearer guess-x", "{}");
        assertEquals(401, first.status(), "the failure that starts the back-off is still answered");
        Reply slowed = call("127.0.0.9", "POST", "/api/commands/failover", "Bearer " + OPS, "{}");
        assertEquals(429, slowed.status(), "a slowed source is not even checked: " + slowed.body());
        assertEquals("1", slowed.retryAfter());
        wall.addAndGet(1_001);
        assertEquals(401, call("127.0.0.9", "GET", "/api/status", "Bearer guess-y", null).status());
        Reply longer = call("127.0.0.9", "GET", "/api/status", "Bearer guess-z", null);
        assertEquals(429, longer.status());
        assertEquals("2", longer.retryAfter(), "the back-off grows");
        // another source with the good token is not locked out, and a slowed source cannot slow it
        assertEquals(200, call("127.0.0.10", "GET", "/api/status", "Bearer " + OPS, null).status());
        assertTrue(failures.size() >= refused + 3, failures.toString());
        assertTrue(failures.stream().allMatch(f -> f.face() == AuthFace.ADMIN_API));
        assertTrue(failures.stream().anyMatch(f -> f.source().equals("127.0.0.9") && f.reason().contains("429")));
        assertFalse(failures.stream().anyMatch(f -> f.source().equals("127.0.0.10")));
        // once the back-off has passed, the good token from the slowed source works and wipes the slate
        wall.addAndGet(2_001);
        assertEquals(200, call("127.0.0.9", "GET", "/api/status", "Bearer " + OPS, null).status());
    }

    @Test
    void missingCredential_isRecordedToo() throws Exception {
        assertEquals(401, call("127.0.0.1", "GET", "/api/status", null, null).status());
        assertEquals(1, failures.size());
        assertEquals("no credential", failures.getFirst().reason());
        assertEquals(200, call("127.0.0.1", "GET", "/api/health", null, null).status());
        assertEquals(1, failures.size(), "health needs no credential");
    }

    private String sign(String from, String body) {
        return node.sign(from, "POST", "/api/internal/drain", body.getBytes(StandardCharsets.UTF_8), wall.get());
    }

    record Reply(int status, String retryAfter, String body) {
    }

    /** One HTTP/1.1 request from {@code source} (a loopback address of the test's choice). */
    private Reply call(String source, String method, String path, String authorization, String body)
            throws IOException {
        byte[] b = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
        try (Socket s = new Socket()) {
            s.bind(new InetSocketAddress(source, 0));
            s.connect(new InetSocketAddress("127.0.0.1", server.port()), 5000);
            s.setSoTimeout(10_000);
            StringBuilder req = new StringBuilder(method + " " + path + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n");
            if (authorization != null) {
                req.append("Authorization: ").append(authorization).append("\r\n");
            }
            req.append("Content-Type: application/json\r\nContent-Length: ").append(b.length).append("\r\n\r\n");
            OutputStream out = s.getOutputStream();
            out.write(req.toString().getBytes(StandardCharsets.UTF_8));
            out.write(b);
            out.flush();
            InputStream in = s.getInputStream();
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            int status = Integer.parseInt(text.substring(9, 12));
            String retry = null;
            for (String line : text.substring(0, text.indexOf("\r\n\r\n")).split("\r\n")) {
                if (line.regionMatches(true, 0, "Retry-After:", 0, 12)) {
                    retry = line.substring(12).trim();
                }
            }
            return new Reply(status, retry, text.substring(text.indexOf("\r\n\r\n") + 4));
        }
    }
}
