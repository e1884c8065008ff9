package org.understudy.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.understudy.health.Heartbeat;
import org.understudy.health.HeartbeatCodec;

/**
 * Every refused login is on record, over the assembled distribution with every face: wrong admin tokens (a flood),
 * an operator token on an internal call, a wrong JMX password, a wrong SNMPv3 password and a forged heartbeat each
 * land in the standby's event log as AUTH_FAILURE rows with the face, the source and the user tried; the flood
 * costs a row, not a row per attempt, is slowed down (429), and raises AUTH_FAILURES. Regression: 6,400 wrong-token
 * requests left no event, JMX failures were WARN lines, SNMP failures appeared nowhere, forged heartbeats were
 * counters.
 */
class AuthFailuresIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;
    private Path dir;

    private Launcher.Run understudy(String... args) throws IOException, InterruptedException {
        return Launcher.understudy(tmp, args);
    }

    @AfterEach
    void stop() throws Exception {
        if (dir != null) {
            understudy("demo", "--dir", dir.toString(), "--stop");
        }
    }

    @Test
    void refusedLoginsOnEveryFace_areAuthFailureRows_floodAggregatedSlowedAndAlarmed() throws Exception {
        dir = tmp.resolve("demo");
        Launcher.Run start = understudy("demo", "--dir", dir.toString(), "--detach", "--primaries", "1", "--volume-size",
                "8MiB", "--loopback-net", "204");
        assertEquals(0, start.exit(), start.output());
        JsonNode standby = JSON.readTree(dir.resolve("cluster.json").toFile()).path("nodes").path(0);
        assertEquals("standby", standby.path("name").asText());
        String address = standby.path("address").asText();

        // 1. a flood of wrong tokens: answered 401, then 429 with Retry-After
        HttpClient http = HttpClient.newHttpClient();
        Set<Integer> codes = new HashSet<>();
        for (int i = 0; i < 200; i++) {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(standby.path("adminUrl").asText()
                    + "/api/commands/failover")).header("Authorization", "Bearer guess-" + i)
                    .POST(HttpRequest.BodyPublishers.ofString("{\"primary\":\"p1\"}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            codes.add(r.statusCode());
            if (r.statusCode() == 429) {
                assertTrue(r.headers().firstValue("Retry-After").isPresent(), r.headers().toString());
            }
        }
        assertEquals(Set.of(401, 429), codes);

        // 2. a wrong JMX password
        JsonNode jmx = standby.path("jmx");
        // the demo is ready once the replicas are in sync; the faces start one after the other (the web console's
        // first key pair takes seconds), so the connector may still be coming up: wait until it answers at all
        JMXServiceURL url = new JMXServiceURL(jmx.path("url").asText());
        long jmxDeadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(60);
        SecurityException refused = null;
        while (refused == null) {
            try {
                JMXConnectorFactory.connect(url, Map.of(JMXConnector.CREDENTIALS,
                        new String[] {"operator", "not-the-password"})).close();
                throw new AssertionError("a wrong JMX password was accepted");
            } catch (SecurityException e) {
                refused = e;
            } catch (java.io.IOException e) {
                if (System.nanoTime() > jmxDeadline) {
                    throw new AssertionError("the JMX connector never answered: " + e, e);
                }
                Thread.sleep(200);
            }
        }

        // 3. a wrong SNMPv3 authentication password (Net-SNMP's snmpget)
        JsonNode snmp = standby.path("snmp");
        Process get = new ProcessBuilder("snmpget", "-v3", "-l", "authPriv", "-u", "ops", "-a", "SHA-256", "-A",
                "not-the-password", "-x", "AES", "-X", snmp.path("operator").path("privPassword").asText(), "-r", "0",
                "-t", "2", "udp:" + address + ":" + snmp.path("port").asInt(), "1.3.6.1.2.1.1.1.0")
                .redirectErrorStream(true).start();
        get.getInputStream().readAllBytes();
        assertTrue(get.waitFor(30, TimeUnit.SECONDS));

        // 4. a heartbeat signed with another key
        byte[] forged = new HeartbeatCodec("not-this-clusters-key-0123456789abcdef".getBytes(StandardCharsets.UTF_8))
                .encode(new Heartbeat("p1", 1, 1, System.currentTimeMillis(), "production"));
        try (DatagramSocket udp = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            udp.send(new DatagramPacket(forged, forged.length, new InetSocketAddress(address, 7701)));
        }

        // every face on record, the flood as a row or two, not 200
        Path config = dir.resolve("cluster.yaml");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        Set<String> faces = new HashSet<>();
        JsonNode rows = null;
        while (System.nanoTime() < deadline && !faces.containsAll(Set.of("admin API", "JMX", "SNMP", "heartbeat"))) {
            Launcher.Run ev = understudy("events", "--config", config.toString(), "--node", "standby", "--kind",
                    "AUTH_FAILURE", "--json");
            assertEquals(0, ev.exit(), ev.output());
            rows = JSON.readTree(ev.output().substring(ev.output().indexOf('[')));
            faces.clear();
            rows.forEach(r -> faces.add(r.path("details").path("face").asText()));
            Thread.sleep(500);
        }
        assertTrue(faces.containsAll(Set.of("admin API", "JMX", "SNMP", "heartbeat")), String.valueOf(rows));
        int adminRows = 0;
        for (JsonNode r : rows) {
            JsonNode d = r.path("details");
            assertTrue(!d.path("source").asText().isEmpty() && !r.toString().contains("not-the-password"), r.toString());
            switch (d.path("face").asText()) {
                case "admin API" -> adminRows++;
                case "JMX" -> assertEquals("operator", d.path("user").asText(), r.toString());
                case "SNMP" -> assertEquals("ops", d.path("user").asText(), r.toString());
                case "heartbeat" -> assertEquals("p1", d.path("user").asText(), r.toString());
                default -> { }
            }
        }
        assertTrue(adminRows >= 1 && adminRows <= 3, "200 refusals cost a row or so, not one each: " + rows);

        // above 60 a minute: AUTH_FAILURES on the standby
        deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        String alarms = "";
        while (System.nanoTime() < deadline && !alarms.contains("AUTH_FAILURES")) {
            Launcher.Run st = understudy("status", "--config", config.toString(), "--node", "standby", "--json");
            alarms = JSON.readTree(st.output().substring(st.output().indexOf('{'))).path("alarms").toString();
            Thread.sleep(500);
        }
        assertTrue(alarms.contains("AUTH_FAILURES"), alarms);
    }
}
