package org.understudy.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fencing over real processes: a returning old primary stays fenced and serves nothing stale, {@code fence-clear}
 * is refused while the standby stands in and accepted once the fence has no stand-in behind it, and a primary that
 * lost its fence record learns from the replicas' epoch that it is fenced.
 */
class FenceIT {
    @TempDir
    Path tmp;
    private DemoFixture demo;

    @BeforeAll
    static void tools() {
        Cmd.require("qemu-io");
        Cmd.require("nbdinfo");
    }

    @AfterEach
    void stop() {
        if (demo != null) {
            demo.close();
        }
    }

    @Test
    void returningPrimary_whileStandingIn_fenced_servesNothingStale_fenceClearRefusedAndAudited() throws Exception {
        demo = DemoFixture.start(tmp.resolve("demo"), "--volume-size", "8MiB", "--primaries", "1");
        String nbd = demo.volume("p1", "vol0").nbd();
        qemu(nbd, "write -P 0x11 0 1M");
        demo.kill("p1");
        Poll.until(Duration.ofSeconds(20), "standby stands in for p1", () -> "STANDING_IN".equals(state("standby")));
        qemu(nbd, "write -P 0x22 0 1M"); // through the standby: p1's own copy is stale from here on

        demo.restart("p1");
        Poll.until(Duration.ofSeconds(20), "p1 reports itself FENCED", () -> "FENCED".equals(state("p1")));
        JsonNode p1 = demo.status("p1");
        assertTrue(primary(p1, "p1").path("cause").asText().contains("fenced this primary at epoch"), p1.toString());
        assertTrue(alarms(p1).contains("FENCED"), alarms(p1));
        // what answers at p1's address is the standby with the new data, never p1 with its stale copy
        qemu(nbd, "read -P 0x22 0 1M");

        DemoFixture.CliRun clear = cli("fence-clear", "p1");
        assertEquals(1, clear.exit(), clear.stdout());
        assertTrue(clear.stdout().contains("REFUSED") && clear.stdout().contains("STANDING_IN"), clear.stdout());
        assertEquals("STANDING_IN", state("standby"));
        assertEquals("FENCED", state("p1"));
        DemoFixture.CliRun ev = cli("events", "--primary", "p1", "--limit", "200");
        assertTrue(ev.stdout().contains("fence-clear") && ev.stdout().contains("REFUSED"), ev.stdout());
    }

    @Test
    void fenceWithoutStandIn_fenceClearAccepted_thenLostFenceRecord_fencedByEpoch_andClearedAgain() throws Exception {
        // no demo fence: p1's failover block below is the only one, with its failing fencing command
        demo = DemoFixture.start(tmp.resolve("demo"), "--volume-size", "8MiB", "--primaries", "1", "--no-fence");
        // a fencing command that fails: the takeover stops after raising the epoch, so nobody stands in
        Path cluster = demo.config();
        String yaml = Files.readString(cluster);
        String stateLine = "    stateDir: state/p1\n";
        assertTrue(yaml.contains(stateLine), yaml);
        Files.writeString(cluster, yaml.replace(stateLine, stateLine
                + "    failover: { fencingCommand: [/bin/sh, -c, \"exit 3\"] }\n"));
        demo.kill("standby");
        demo.restart("standby");
        Poll.until(Duration.ofSeconds(30), "p1 PROTECTED under the restarted standby",
                () -> "PROTECTED".equals(state("standby")));
        String nbd = demo.volume("p1", "vol0").nbd();
        String address = demo.address("p1");
        qemu(nbd, "write -P 0x33 0 1M");

        // 1. fenced by name, no stand-in: the returning primary serves nothing until the fence is cleared
        demo.kill("p1");
        Poll.until(Duration.ofSeconds(20), "takeover aborted after the epoch raise", () -> "FAILED".equals(state("standby")));
        demo.restart("p1");
        Poll.until(Duration.ofSeconds(20), "p1 FENCED on both ends",
                () -> "FENCED".equals(state("p1")) && "FENCED".equals(state("standby")));
        assertNotServed(address);
        DemoFixture.CliRun clear = cli("fence-clear", "p1");
        assertEquals(0, clear.exit(), clear.stdout());
        assertTrue(clear.stdout().contains("fence cleared at epoch 1"), clear.stdout());
        Poll.until(Duration.ofSeconds(30), "p1 PROTECTED after fence-clear", () -> "PROTECTED".equals(state("standby"))
                && "PROTECTED".equals(state("p1")));
        qemu(nbd, "read -P 0x33 0 1M");

        // 2. fenced again, the fence cleared while p1 is down (it never takes epoch 2), then its fence record lost
        demo.kill("p1");
        Poll.until(Duration.ofSeconds(20), "second takeover aborted", () -> "FAILED".equals(state("standby")));
        DemoFixture.CliRun blind = cli("fence-clear", "p1");
        assertEquals(0, blind.exit(), blind.stdout());
        assertTrue(blind.stdout().contains("not reachable"), blind.stdout());
        Files.deleteIfExists(demo.dir().resolve("state/p1/FENCED"));
        demo.restart("p1");
        Poll.until(Duration.ofSeconds(30), "p1 FENCED by the replicas' epoch on both ends",
                () -> "FENCED".equals(state("p1")) && "FENCED".equals(state("standby")));
        assertNotServed(address);
        JsonNode p1 = demo.status("p1");
        String cause = primary(p1, "p1").path("cause").asText();
        assertTrue(cause.contains("replicas are at epoch 2") && cause.contains("this primary holds epoch 1"), cause);
        assertTrue(alarms(p1).contains("replicas are at epoch 2"), alarms(p1));
        JsonNode standby = demo.status("standby");
        assertTrue(alarms(standby).contains("primary epoch 1 is older than the replica's epoch 2"), alarms(standby));

        DemoFixture.CliRun again = cli("fence-clear", "p1");
        assertEquals(0, again.exit(), again.stdout());
        Poll.until(Duration.ofSeconds(30), () -> "p1 PROTECTED after the second fence-clear: " + stateOr("standby")
                + " / " + stateOr("p1") + DemoFixture.logs(demo.dir()),
                () -> "PROTECTED".equals(state("standby")) && "PROTECTED".equals(state("p1")));
        qemu(nbd, "read -P 0x33 0 1M");
    }

    // ---- helpers -------------------------------------------------------------------------------------------------

    private static void assertNotServed(String address) throws Exception {
        Cmd.Result info = Cmd.run(Duration.ofSeconds(20), "nbdinfo", "nbd://" + address + ":10809/vol0");
        assertNotEquals(0, info.exit(), "a fenced primary served its volume:\n" + info.output());
    }

    private static void qemu(String nbd, String command) throws Exception {
        DemoFixture.qemu(nbd, command);
    }

    private DemoFixture.CliRun cli(String... args) {
        return demo.cliOnCluster(args);
    }

    private String state(String node) throws Exception {
        return demo.primaryState(node, "p1");
    }

    private String stateOr(String node) {
        try {
            return String.valueOf(demo.status(node));
        } catch (Exception e) {
            return e.toString();
        }
    }

    private static String alarms(JsonNode status) {
        return status.path("alarms").toString();
    }

    private static JsonNode primary(JsonNode status, String name) {
        for (JsonNode p : status.path("primaries")) {
            if (p.path("name").asText().equals(name)) {
                return p;
            }
        }
        return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
    }
}
