package org.understudy.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.understudy.config.Endpoint;
import org.understudy.model.ClusterSnapshot;

class AdminServerTest {
    private static final String TOKEN = "s3cret-token-0123456789";
    private final HttpClient http = HttpClient.newHttpClient();
    private AdminServer server;

    @BeforeEach
    void start() throws Exception {
        server = new AdminServer(new Endpoint("127.0.0.1", 0), TOKEN, Snapshots::standby);
        server.start();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private HttpRequest.Builder req(String path) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path));
    }

    private HttpResponse<String> send(HttpRequest r) throws Exception {
        return http.send(r, HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> get(String path, String token) throws Exception {
        HttpRequest.Builder b = req(path).GET();
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return send(b.build());
    }

    private HttpResponse<String> post(String path, String body) throws Exception {
        return send(req(path).header("Authorization", "Bearer " + TOKEN)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    private static JsonNode json(HttpResponse<String> r) throws Exception {
        assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("application/json"), r.headers().toString());
        return Json.mapper().readTree(r.body());
    }

    @Test
    void health_withoutToken_saysRoleStateAndVersion() throws Exception {
        HttpResponse<String> r = get("/api/health", null);
        assertEquals(200, r.statusCode());
        JsonNode j = json(r);
        assertTrue(j.get("ok").asBoolean());
        assertEquals("standby", j.get("node").asText());
        assertEquals("STANDBY", j.get("role").asText());
        assertEquals("PROTECTING", j.get("state").asText());
        assertEquals("0.1.0-test", j.get("version").asText());
    }

    @Test
    void noServerHeader_onAnyAnswer() throws Exception {
        // a version in every answer's Server header tells a scanner what to try; /api/health says it to those who ask
        for (HttpResponse<String> r : List.of(get("/api/health", null), get("/api/status", TOKEN), get("/api/nope", TOKEN),
                get("/api/status", null))) {
            assertTrue(r.headers().firstValue("Server").isEmpty(), r.headers().toString());
        }
    }

    @Test
    void commandOutcome_isTheHttpStatus_bodyUnchanged() throws Exception {
        Map<String, org.understudy.command.CommandResult> results = Map.of(
                "p-ok", org.understudy.command.CommandResult.ok("done", Map.of("bytes", 7)),
                "p-busy", org.understudy.command.CommandResult.refused("p-busy is STANDING_IN"),
                "p-ro", org.understudy.command.CommandResult.forbidden("monitor may not act"),
                "p-none", org.understudy.command.CommandResult.unknown("\"p-none\" is not a primary"),
                "p-broken", org.understudy.command.CommandResult.failed("fence command exited 3"));
        org.understudy.command.CommandApi api = new org.understudy.command.CommandApi("standby",
                (actor, c) -> results.get(c.target()), org.understudy.command.AuditSink.LOG_ONLY);
        CommandRoutes.register(server, api);
        Map<String, Integer> expected = Map.of("p-ok", 200, "p-busy", 409, "p-ro", 403, "p-none", 404, "p-broken", 500);
        for (Map.Entry<String, Integer> e : expected.entrySet()) {
            HttpResponse<String> r = post("/api/commands/failback", "{\"primary\":\"" + e.getKey() + "\"}");
            assertEquals(e.getValue(), r.statusCode(), e.getKey() + ": " + r.body());
            JsonNode j = json(r);
            org.understudy.command.CommandResult want = results.get(e.getKey());
            assertEquals(List.of("status", "message", "details"), fieldNames(j), r.body());
            assertEquals(want.status().name(), j.get("status").asText());
            assertEquals(want.message(), j.get("message").asText());
        }
        assertEquals(7, json(post("/api/commands/failback", "{\"primary\":\"p-ok\"}")).at("/details/bytes").asInt());
    }

    private static List<String> fieldNames(JsonNode j) {
        List<String> names = new ArrayList<>();
        j.fieldNames().forEachRemaining(names::add);
        return names;
    }

    @Test
    void status_withToken_isTheSnapshotAsJson() throws Exception {
        HttpResponse<String> r = get("/api/status", TOKEN);
        assertEquals(200, r.statusCode());
        JsonNode j = json(r);
        assertEquals("demo", j.get("cluster").asText());
        assertEquals("STANDBY", j.at("/node/role").asText());
        assertEquals("2026-11-21T10:00:00Z", j.at("/node/startedAt").asText());
        assertEquals("2026-11-21T11:02:03.500Z", j.get("takenAt").asText());
        assertEquals("IN_SYNC", j.at("/volumes/0/state").asText());
        assertEquals("SYNC", j.at("/volumes/0/mode").asText());
        assertEquals(850, j.at("/volumes/0/writeLatency/p99Micros").asLong());
        assertEquals(12L << 20, j.at("/volumes/0/bytesReplicated").asLong());
        assertEquals("DOWN", j.at("/links/1/state").asText());
        // the CLI reads it back into the same records
        assertEquals(Snapshots.standby(), Json.mapper().readValue(r.body(), ClusterSnapshot.class));
    }

    @Test
    void status_missingOrWrongToken_is401WithChallenge() throws Exception {
        for (String token : new String[] {null, "wrong", TOKEN + "x", ""}) {
            HttpResponse<String> r = get("/api/status", token);
            assertEquals(401, r.statusCode(), "token " + token);
            assertTrue(r.headers().firstValue("WWW-Authenticate").orElse("").startsWith("Bearer"));
            assertTrue(json(r).get("error").asText().contains("token"));
        }
        HttpResponse<String> basic = send(req("/api/status").header("Authorization", "Basic " + TOKEN).build());
        assertEquals(401, basic.statusCode());
    }

    @Test
    void unknownPath_is404Json() throws Exception {
        HttpResponse<String> r = get("/api/nope", TOKEN);
        assertEquals(404, r.statusCode());
        assertEquals("no such endpoint: /api/nope", json(r).get("error").asText());
    }

    @Test
    void wrongMethod_is405WithAllow() throws Exception {
        HttpResponse<String> r = post("/api/status", "{}");
        assertEquals(405, r.statusCode());
        assertEquals("GET", r.headers().firstValue("Allow").orElse(""));
        assertTrue(json(r).has("error"));
    }

    @Test
    void command_registered_receivesBodyAndAnswers() throws Exception {
        server.registerCommand("echo", req -> Map.of("got", req.body().get("volume").asText(),
                "name", req.pathParams().get("name")));
        HttpResponse<String> r = post("/api/commands/echo", "{\"volume\":\"vol0\"}");
        assertEquals(200, r.statusCode(), r.body());
        assertEquals("vol0", json(r).get("got").asText());
        assertEquals("echo", json(r).get("name").asText());
        assertEquals(Set.of("echo"), server.commands());
    }

    @Test
    void command_unknown_is404() throws Exception {
        HttpResponse<String> r = post("/api/commands/failover", "{}");
        assertEquals(404, r.statusCode());
        assertEquals("unknown command: failover", json(r).get("error").asText());
    }

    @Test
    void command_badJson_is400() throws Exception {
        server.registerCommand("echo", req -> req.body());
        HttpResponse<String> r = post("/api/commands/echo", "{not json");
        assertEquals(400, r.statusCode());
        assertTrue(json(r).get("error").asText().startsWith("request body is not valid JSON"));
    }

    /** Sends raw HTTP/1.1 text on {@code out}. */
    private static void write(java.io.OutputStream out, String text) throws java.io.IOException {
        out.write(text.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        out.flush();
    }

    /** Reads one response (status line, headers, a Content-Length body) from {@code in}; null at end of stream. */
    private static String readResponse(java.io.DataInputStream in) throws java.io.IOException {
        StringBuilder head = new StringBuilder();
        int b;
        while (!head.toString().endsWith("\r\n\r\n")) {
            if ((b = in.read()) < 0) {
                return head.isEmpty() ? null : head.toString();
            }
            head.append((char) b);
        }
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?i)content-length: *(\\d+)").matcher(head);
        in.readNBytes(m.find() ? Integer.parseInt(m.group(1)) : 0);
        return head.toString();
    }

    @Test
    void refusedRequest_bodyArrivingAfterTheHeaders_isReadBeforeTheAnswer_connectionStaysUsable() throws Exception {
        // a client that sends a request's headers and its body apart (the JDK's HttpClient does): answered before the
        // body came, the connection was closed under the client, whose next request on it got no bytes at all
        server.registerCommand("echo", req -> Map.of());
        String body = "{\"primary\":\"p1\"}";
        try (java.net.Socket s = new java.net.Socket("127.0.0.1", server.port())) {
            s.setSoTimeout(5000);
            var in = new java.io.DataInputStream(new java.io.BufferedInputStream(s.getInputStream()));
            var out = s.getOutputStream();
            for (String token : List.of("wrong-token", TOKEN)) {
                write(out, "POST /api/commands/echo HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + token
                        + "\r\nContent-Type: application/json\r\nContent-Length: " + body.length() + "\r\n\r\n");
                Thread.sleep(200); // the body comes later
                write(out, body);
                String answer = readResponse(in);
                assertTrue(answer != null, "the server closed the connection instead of answering (token " + token + ")");
                assertTrue(answer.startsWith(token.equals(TOKEN) ? "HTTP/1.1 200" : "HTTP/1.1 401"), answer);
            }
        }
    }

    @Test
    void slowClient_isCutOffAfterTheRequestTimeLimit_othersServedMeanwhile() throws Exception {
        try (java.net.Socket s = new java.net.Socket("127.0.0.1", server.port())) {
            s.setSoTimeout(60_000);
            long start = System.nanoTime();
            write(s.getOutputStream(), "GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: 1"); // never finished
            for (int i = 0; i < 3; i++) {
                assertEquals(200, get("/api/health", null).statusCode(),
                        "others are served while one request trickles");
                Thread.sleep(1000);
            }
            int read;
            try {
                read = s.getInputStream().read();
            } catch (java.net.SocketException reset) {
                read = -1;
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            assertEquals(-1, read, "the unfinished request got no answer; its connection was closed");
            assertTrue(seconds >= AdminServer.REQUEST_SECONDS - 1 && seconds < AdminServer.REQUEST_SECONDS + 15,
                    "closed after " + seconds + " s, the limit is " + AdminServer.REQUEST_SECONDS + " s");
        }
        assertEquals(200, get("/api/health", null).statusCode());
    }

    @Test
    void close_stopsServing_closingAgainDoesNothing() throws Exception {
        int port = server.port();
        server.close();
        server.close();
        assertEquals(-1, server.port());
        assertThrows(java.net.ConnectException.class,
                () -> new java.net.Socket("127.0.0.1", port).close(), "nothing listens after close");
    }

    @Test
    void bodyOver1MiB_is413() throws Exception {
        server.registerCommand("echo", req -> Map.of());
        byte[] big = new byte[AdminServer.MAX_BODY + 1];
        java.util.Arrays.fill(big, (byte) ' ');
        HttpResponse<String> r = send(req("/api/commands/echo").header("Authorization", "Bearer " + TOKEN)
                .POST(HttpRequest.BodyPublishers.ofByteArray(big)).build());
        assertEquals(413, r.statusCode());
        assertTrue(json(r).get("error").asText().contains("limit"));
    }

    @Test
    void handlerThrows_is500AndServerKeepsServing() throws Exception {
        server.registerCommand("boom", req -> {
            throw new IllegalStateException("volume vol0 is busy");
        });
        HttpResponse<String> r = post("/api/commands/boom", "");
        assertEquals(500, r.statusCode());
        assertEquals("IllegalStateException: volume vol0 is busy", json(r).get("error").asText());
        assertEquals(200, get("/api/status", TOKEN).statusCode());
    }

    @Test
    void handlerThrowsIOException_is500WithItsMessage_notADroppedConnection() throws Exception {
        // a handler's own I/O failure (a disk, another node) is the handler's failure, not the exchange's
        server.registerCommand("io", req -> {
            throw new java.io.IOException("no space left on /var/lib/understudy");
        });
        HttpResponse<String> r = post("/api/commands/io", "");
        assertEquals(500, r.statusCode());
        assertEquals("IOException: no space left on /var/lib/understudy", json(r).get("error").asText());
        assertEquals(200, get("/api/status", TOKEN).statusCode());
    }

    @Test
    void handlerApiException_givesItsStatus() throws Exception {
        server.registerCommand("conflict", req -> {
            throw new ApiException(409, "already standing in for p1");
        });
        HttpResponse<String> r = post("/api/commands/conflict", "{}");
        assertEquals(409, r.statusCode());
        assertEquals("already standing in for p1", json(r).get("error").asText());
    }

    @Test
    void route_customRouteWithCapture_isServed() throws Exception {
        server.route("GET", "/api/volumes/{primary}/{volume}", req -> req.pathParams());
        JsonNode j = json(get("/api/volumes/p1/vol0", TOKEN));
        assertEquals("p1", j.get("primary").asText());
        assertEquals("vol0", j.get("volume").asText());
    }

    @Test
    void concurrentRequests_allAnswered() throws Exception {
        List<CompletableFuture<HttpResponse<String>>> calls = new ArrayList<>();
        for (int i = 0; i < 64; i++) {
            calls.add(http.sendAsync(req("/api/status").header("Authorization", "Bearer " + TOKEN).build(),
                    HttpResponse.BodyHandlers.ofString()));
        }
        for (CompletableFuture<HttpResponse<String>> c : calls) {
            HttpResponse<String> r = c.get();
            assertEquals(200, r.statusCode());
            assertEquals("demo", Json.mapper().readTree(r.body()).get("cluster").asText());
        }
    }
}
