package org.understudy.snmp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.understudy.snmp.SnmpNotificationIT.poll;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.snmp4j.mp.SnmpConstants;
import org.understudy.config.SnmpConfig;
import org.understudy.config.SnmpTarget;

/**
 * The system group as managers expect it, read and set with Net-SNMP: sysName, sysDescr, sysObjectID, sysContact and
 * sysLocation from the cluster file, sysContact and sysLocation settable by operators only and kept across a
 * restart, sysName (the node's name) read-only; and the start notification snmptrapd receives: coldStart on the first start and after the cluster file
 * changed, warmStart when it did not.
 */
class SnmpSystemGroupIT {
    private static final int[] COLD_START = SnmpConstants.coldStart.getValue();
    private static final int[] WARM_START = SnmpConstants.warmStart.getValue();
    // numeric: Debian ships no SNMPv2-MIB for Net-SNMP to translate names with
    private static final String SYS_DESCR = "1.3.6.1.2.1.1.1.0";
    private static final String SYS_CONTACT = "1.3.6.1.2.1.1.4.0";
    private static final String SYS_NAME = "1.3.6.1.2.1.1.5.0";
    private static final String SYS_LOCATION = "1.3.6.1.2.1.1.6.0";

    @TempDir
    Path dir;

    @Test
    void systemGroup_fromClusterFile_settableByOperators_keptAcrossRestart_withColdAndWarmStart() throws Exception {
        try (TrapReceiver trapd = new TrapReceiver(dir.resolve("trapd"), "traps", SyntheticCluster.OPS,
                SyntheticCluster.OPS_AUTH, SyntheticCluster.OPS_PRIV)) {
            List<SnmpTarget> targets = List.of(
                    new SnmpTarget("127.0.0.1", trapd.port, SnmpTarget.Version.V2C, "traps", null, false, 0, 1000));
            SyntheticCluster cluster = new SyntheticCluster(dir, 1, 1, 0, targets,
                    new SnmpConfig.SystemInfo("ops@example.net", "rack 4"));
            Files.writeString(cluster.config.file(), "cluster: { name: synthetic }\n");

            SnmpFace face = start(cluster);
            try {
                poll("coldStart on the first start", () -> trapd.count(COLD_START) == 1);
                NetSnmp ops = ops(face);
                assertEquals("standby", get(ops, SYS_NAME));
                assertEquals("ops@example.net", get(ops, SYS_CONTACT));
                assertEquals("rack 4", get(ops, SYS_LOCATION));
                assertTrue(get(ops, SYS_DESCR).startsWith("Understudy "), get(ops, SYS_DESCR));
                assertTrue(ops.run("snmpget", List.of("-On", "-Ov"), "1.3.6.1.2.1.1.2.0").stdout()
                        .contains(".1.3.6.1.4.1.32473.7"));
                assertNotEquals("", get(ops, "1.3.6.1.2.1.1.3.0"));

                MibTools.Result set = ops.run("snmpset", SYS_LOCATION, "s", "room 2, rack 7");
                assertEquals(0, set.exitCode(), set.toString());
                assertEquals(0, ops.run("snmpset", SYS_CONTACT, "s", "night shift").exitCode());
                MibTools.Result monitor = monitor(face).run("snmpset", SYS_LOCATION, "s", "nowhere");
                assertNotEquals(0, monitor.exitCode(), "a read-only user may not set the system group:\n" + monitor);
                for (String readOnly : List.of(SYS_DESCR, SYS_NAME)) {
                    MibTools.Result r = ops.run("snmpset", readOnly, "s", "something else");
                    assertNotEquals(0, r.exitCode(), readOnly + " is not writable:\n" + r);
                }
                assertEquals("room 2, rack 7", get(ops, SYS_LOCATION));
            } finally {
                face.close();
            }

            face = start(cluster);
            try {
                poll("warmStart after a restart with the same cluster file", () -> trapd.count(WARM_START) == 1);
                NetSnmp ops = ops(face);
                assertEquals("room 2, rack 7", get(ops, SYS_LOCATION), "kept across the restart");
                assertEquals("night shift", get(ops, SYS_CONTACT));
                assertEquals("standby", get(ops, SYS_NAME));
            } finally {
                face.close();
            }

            Files.writeString(cluster.config.file(), "cluster: { name: synthetic, changed: true }\n");
            face = start(cluster);
            try {
                poll("coldStart after the cluster file changed", () -> trapd.count(COLD_START) == 2);
                assertEquals(1, trapd.count(WARM_START));
            } finally {
                face.close();
            }
        }
    }

    private static SnmpFace start(SyntheticCluster cluster) throws Exception {
        SnmpFace face = new SnmpFace();
        face.start(cluster.context());
        return face;
    }

    private static String agent(SnmpFace face) {
        return "udp:" + face.listenAddress().replace('/', ':');
    }

    private static NetSnmp ops(SnmpFace face) {
        return NetSnmp.v3(agent(face), SyntheticCluster.OPS, SyntheticCluster.OPS_AUTH, SyntheticCluster.OPS_PRIV);
    }

    private static NetSnmp monitor(SnmpFace face) {
        return NetSnmp.v3(agent(face), SyntheticCluster.MONITOR, SyntheticCluster.MONITOR_AUTH, SyntheticCluster.MONITOR_PRIV);
    }

    /** The value alone ({@code -Oqv}), without quotes. */
    private static String get(NetSnmp snmp, String oid) {
        MibTools.Result r = snmp.run("snmpget", List.of("-Oqv"), oid);
        assertEquals(0, r.exitCode(), r.toString());
        return r.stdout().strip().replaceAll("^\"|\"$", "");
    }
}
