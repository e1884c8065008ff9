package org.understudy.snmp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.understudy.demo.DemoLayout;
import org.understudy.e2e.DemoFixture;
import org.understudy.e2e.Poll;

/**
 * Failover through SNMP on a running demo cluster: a switchover asked for with snmpset, and the traps a SIGKILLed
 * primary and a SIGKILLed standby produce. Each story gets a demo of its own: the standby stands in for one primary
 * at a time, so one story's stand-in would turn the other's failure into a (correctly) refused takeover.
 */
class SnmpFailoverIT {
    @TempDir
    Path dir;
    DemoFixture demo;

    @BeforeEach
    void startDemo() throws Exception {
        demo = DemoFixture.start(dir.resolve("demo"), "--volume-size", "4MiB");
    }

    @AfterEach
    void stopDemo() {
        if (demo != null) {
            demo.close();
        }
    }

    @Test
    void switchoverOnRequest_standsIn() throws Exception {
        var r = SnmpDemoIT.as(demo, "standby", "operator").run("snmpset", "UNDERSTUDY-MIB::usPrimaryAction.2", "i", "2");
        assertEquals(0, r.exitCode(), r.describe());
        Poll.until(Duration.ofSeconds(60), "p2 standing in", () -> SnmpDemoIT.as(demo, "standby", "readOnly")
                .run("snmpget", List.of("-Oqv"), "UNDERSTUDY-MIB::usPrimaryState.2").stdout().strip().equals("standingIn"));
        Poll.until(Duration.ofSeconds(60), "switchover succeeded", () -> SnmpDemoIT.as(demo, "standby", "readOnly")
                .run("snmpget", List.of("-Oqv"), "UNDERSTUDY-MIB::usLastActionResult.0").stdout().strip().equals("succeeded"));
    }

    @Test
    void primaryKilled_failoverCompletedTrap_standbyKilled_standbyLostFromPrimary() throws Exception {
        JsonNode ops = SnmpDemoIT.snmpOf(demo, "standby").path("operator");
        // the demo's own trap host (127.NET.0.1): another demo's traps never reach this receiver
        JsonNode traps = demo.clusterJson().path("traps");
        try (TrapReceiver trapd = new TrapReceiver(dir.resolve("trapd"), traps.path("host").asText(),
                DemoLayout.TRAP_COMMUNITY, ops.path("user").asText(), ops.path("authPassword").asText(),
                ops.path("privPassword").asText(), null, traps.path("trapPort").asInt(), traps.path("informPort").asInt())) {
            demo.kill("p1");
            Poll.until(Duration.ofSeconds(60), "failoverCompleted trap and inform", () -> trapd.count(UnderstudyMib.FAILOVER_COMPLETED) >= 2);
            String name = "." + UnderstudyMib.dotted(UnderstudyMib.columnInstance(UnderstudyMib.US_PRIMARY_ENTRY,
                    UnderstudyMib.US_PRIMARY_NAME, 1)) + " = STRING: \"p1\"";
            assertTrue(trapd.text().contains(name), trapd.text());
            assertTrue(trapd.text().contains("." + UnderstudyMib.dotted(UnderstudyMib.scalarInstance(
                    UnderstudyMib.US_LAST_FAILOVER_DURATION)) + " = Gauge32: "), trapd.text());
            // a SIGKILLed process on a live host: the fast path, appended as the trap's last varbind and in the row
            assertTrue(trapd.text().contains("." + UnderstudyMib.dotted(UnderstudyMib.columnInstance(
                    UnderstudyMib.US_PRIMARY_ENTRY, UnderstudyMib.US_PRIMARY_DETECTION_PATH, 1)) + " = INTEGER: "
                    + UnderstudyMib.DetectionPath.PROCESS_DEAD), trapd.text());
            var row = SnmpDemoIT.as(demo, "standby", "readOnly").run("snmpget", List.of("-Oqv"),
                    "UNDERSTUDY-MIB::usPrimaryDetectionPath.1", "UNDERSTUDY-MIB::usPrimaryFastPathGrace.1",
                    "UNDERSTUDY-MIB::usPrimarySilenceTimeout.1");
            assertEquals(0, row.exitCode(), row.describe());
            List<String> values = row.stdout().strip().lines().map(String::strip).toList();
            assertEquals("processDead", values.getFirst(), row.describe());
            assertTrue(Long.parseLong(values.get(1).split(" ")[0]) > 0, "the fast path's grace, on: " + row.describe());
            assertTrue(Long.parseLong(values.get(2).split(" ")[0]) > Long.parseLong(values.get(1).split(" ")[0]),
                    "the silence timeout is longer than the grace: " + row.describe());
            demo.kill("standby");
            Poll.until(Duration.ofSeconds(60), "standbyLost from p2", () -> trapd.count(UnderstudyMib.STANDBY_LOST) >= 2);
            assertTrue(trapd.text().contains("STRING: \"p2\""), trapd.text());
        }
    }
}
