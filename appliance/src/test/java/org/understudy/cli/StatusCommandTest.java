package org.understudy.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.understudy.Main;
import org.understudy.admin.AdminServer;
import org.understudy.admin.Json;
import org.understudy.admin.Snapshots;
import org.understudy.config.Endpoint;

/** {@code understudy status} in-process against an admin API serving a fixed snapshot. */
class StatusCommandTest {
    private static final String KEY = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";
    private static final String TOKEN = "status-test-token-0123";

    @TempDir
    Path dir;
    private AdminServer server;
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @BeforeEach
    void start() throws Exception {
        server = new AdminServer(new Endpoint("127.0.0.1", 0), TOKEN, Snapshots::standby);
        server.start();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private Path config(int standbyAdminPort, String token) throws Exception {
        Path secrets = dir.resolve("secrets.yaml");
        Files.writeString(secrets, "clusterKey: " + KEY + "\nadminToken: " + token + "\n");
        Files.setPosixFilePermissions(secrets, PosixFilePermissions.fromString("rw-------"));
        Path f = dir.resolve("cluster.yaml");
        Files.writeString(f, """
                cluster: { name: demo }
                standby: { name: standby, address: 127.0.2.1, admin: { address: 127.0.0.1, port: %d } }
                primaries:
                  - name: p1
                    address: 127.0.1.1
                    admin: { address: 127.0.1.1, port: 7800 }
                    volumes: [ { name: vol0, file: vol0.img, size: 64MiB } ]
                """.formatted(standbyAdminPort));
        return f;
    }

    private int run(String... args) {
        return Main.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
    }

    @Test
    void status_reachableStandby_printsSummary() throws Exception {
        int code = run("status", "--config", config(server.port(), TOKEN).toString());
        assertEquals(0, code, err.toString());
        String text = out.toString();
        assertTrue(text.contains("node     standby (standby)"), text);
        assertTrue(text.contains("version  0.1.0-test"), text);
        assertTrue(text.contains("pid      4242"), text);
        assertTrue(text.contains("uptime   1h 02m 03s"), text);
        assertTrue(text.matches("(?s).*PRIMARY +VOLUME +SIZE +MODE +STATE +SYNC +REPLICATED +P99 WRITE +DIRTY +BACKLOG +GENERATION\n.*"), text);
        // the standby's replicas keep no bitmap: DIRTY is the figure SNMP and JMX show too (0 in sync, else estimated)
        assertTrue(text.matches("(?s).*\np1 +vol0 +64\\.0 MiB +sync +IN_SYNC +100\\.0% +12\\.0 MiB +850 us +0 B +0 B +-\n.*"), text);
        assertTrue(text.matches("(?s).*\np2 +data +1\\.0 GiB +async +SYNCING +42\\.5% +0 B +- +588\\.8 MiB +0 B +-\n.*"), text);
        assertTrue(text.matches("(?s).*\np2 +data +DOWN +1m 00s ago +connection reset\n.*"), text);
    }

    @Test
    void status_json_printsTheRawStatus() throws Exception {
        int code = run("status", "--config", config(server.port(), TOKEN).toString(), "--json");
        assertEquals(0, code, err.toString());
        JsonNode j = Json.mapper().readTree(out.toString());
        assertEquals("demo", j.get("cluster").asText());
        assertEquals("STANDBY", j.at("/node/role").asText());
        assertEquals(2, j.get("volumes").size());
    }

    @Test
    void status_nodeNotRunning_exits1WithReason() throws Exception {
        int port = server.port();
        server.close();
        int code = run("status", "--config", config(port, TOKEN).toString());
        assertEquals(1, code);
        assertEquals("status: node standby is not running or not reachable at http://127.0.0.1:" + port
                + ": connection refused", err.toString().strip());
    }

    @Test
    void status_wrongToken_exits1SayingTokenRefused() throws Exception {
        int code = run("status", "--config", config(server.port(), "another-token-0123456").toString());
        assertEquals(1, code);
        assertTrue(err.toString().contains("refused the token"), err.toString());
    }

    @Test
    void status_invalidConfig_exits2ListingProblems() throws Exception {
        Path f = config(server.port(), TOKEN);
        Files.writeString(f, Files.readString(f).replace("size: 64MiB", "size: 12XB").replace("cluster:", "clustre:"));
        int code = run("status", "--config", f.toString());
        assertEquals(2, code);
        String e = err.toString();
        assertTrue(e.contains(f.toString()), e);
        assertTrue(e.contains("clustre: unknown key"), e);
        assertTrue(e.contains("primaries[0].volumes[0].size: \"12XB\" is not a size"), e);
    }

    @Test
    void status_unknownNode_exits2() throws Exception {
        int code = run("status", "--config", config(server.port(), TOKEN).toString(), "--node", "p9");
        assertEquals(2, code);
        assertTrue(err.toString().contains("\"p9\" is not a node of cluster demo (nodes: standby, p1)"), err.toString());
    }
}
