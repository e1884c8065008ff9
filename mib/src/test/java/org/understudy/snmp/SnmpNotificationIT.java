package org.understudy.snmp;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.understudy.config.SnmpTarget;
import org.understudy.model.AlarmKind;
import org.understudy.model.ModelEvent;
import org.understudy.model.PathKind;
import org.understudy.model.PathState;

/**
 * Notifications of an in-process SnmpFace received by a real snmptrapd: a v2c trap and a v3 inform for each alarm
 * raised and cleared, and a pathDown for a path event, with the MIB's varbinds; the inform is acknowledged.
 */
class SnmpNotificationIT {
    @TempDir
    Path dir;

    @Test
    void alarmsAndPathEvents_reachSnmptrapd_asTrapsAndAcknowledgedInforms() throws Exception {
        try (TrapReceiver trapd = new TrapReceiver(dir.resolve("trapd"), "traps", SyntheticCluster.OPS,
                SyntheticCluster.OPS_AUTH, SyntheticCluster.OPS_PRIV)) {
            List<SnmpTarget> targets = List.of(
                    new SnmpTarget("127.0.0.1", trapd.port, SnmpTarget.Version.V2C, "traps", null, false, 0, 1000),
                    new SnmpTarget("127.0.0.1", trapd.port, SnmpTarget.Version.V3, null, SyntheticCluster.OPS, true, 2, 1000));
            SyntheticCluster cluster = new SyntheticCluster(dir, 3, 2, 0, targets);
            SnmpFace face = new SnmpFace();
            face.start(cluster.context());
            try {
                var alarm = cluster.alarms.raise(AlarmKind.LINK_DOWN, "p2/path/link", "silent for 3.2 s");
                poll("alarmRaised as trap and inform", () -> trapd.count(UnderstudyMib.ALARM_RAISED) == 2);
                poll("inform acknowledged", () -> face.acknowledgedInforms() >= 1);
                String t = trapd.text();
                String id = "." + alarm.index();
                assertTrue(t.contains("." + UnderstudyMib.dotted(UnderstudyMib.columnInstance(UnderstudyMib.US_ALARM_ENTRY,
                        UnderstudyMib.US_ALARM_RESOURCE)) + id + " = STRING: \"p2/path/link\""), t);
                assertTrue(t.contains("STRING: \"linkDown\""), t);

                cluster.alarms.clear(AlarmKind.LINK_DOWN, "p2/path/link", "heartbeats again");
                poll("alarmCleared", () -> trapd.count(UnderstudyMib.ALARM_CLEARED) == 2);
                assertTrue(trapd.text().contains("." + UnderstudyMib.dotted(UnderstudyMib.scalarInstance(
                        UnderstudyMib.US_CLEARED_ALARM_ID)) + " = Gauge32: " + alarm.index()), trapd.text());

                cluster.events.publish(new ModelEvent.PathChanged(Instant.now(), "p3", "production", PathKind.PRODUCTION,
                        PathState.DOWN, Duration.ofMillis(5000)));
                poll("pathDown", () -> trapd.count(UnderstudyMib.PATH_DOWN) == 2);
                String pathState = "." + UnderstudyMib.dotted(UnderstudyMib.columnInstance(UnderstudyMib.US_PATH_ENTRY,
                        UnderstudyMib.US_PATH_STATE, 3, 2)) + " = INTEGER: 2";
                assertTrue(trapd.text().contains(pathState), trapd.text());
                poll("every inform acknowledged", () -> face.acknowledgedInforms() >= 3);
            } finally {
                face.close();
            }
        }
    }

    @Test
    void v3Trap_isAuthenticatedWithTheAgentsEngineId() throws Exception {
        int port = TrapReceiver.freePort();
        List<SnmpTarget> targets = List.of(
                new SnmpTarget("127.0.0.1", port, SnmpTarget.Version.V3, null, SyntheticCluster.MONITOR, false, 0, 1000));
        SyntheticCluster cluster = new SyntheticCluster(dir, 1, 1, 0, targets);
        SnmpFace face = new SnmpFace();
        face.start(cluster.context());
        try (TrapReceiver trapd = new TrapReceiver(dir.resolve("trapd-v3"), "unused", SyntheticCluster.MONITOR,
                SyntheticCluster.MONITOR_AUTH, SyntheticCluster.MONITOR_PRIV, face.engineIdHex(), port)) {
            cluster.alarms.raise(AlarmKind.STORAGE_ERROR, "p1/vol0", "EIO on write at 4096");
            poll("v3 alarmRaised trap", () -> trapd.count(UnderstudyMib.ALARM_RAISED) == 1);
            assertTrue(trapd.text().contains("STRING: \"storageError\""), trapd.text());
        } finally {
            face.close();
        }
    }

    static void poll(String what, BooleanSupplier done) throws InterruptedException {
        long until = System.nanoTime() + 15_000_000_000L;
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > until) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(20);
        }
    }
}
