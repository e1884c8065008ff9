package org.understudy.snmp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shipped example {@code conf/snmpd-proxy.conf.example} works: a real Net-SNMP snmpd on its own loopback port,
 * configured from the example, forwards UNDERSTUDY-MIB to an in-process Understudy agent over SNMPv3, so a manager
 * reads Understudy's objects through the system's snmpd. Skipped where snmpd is not installed.
 */
class SnmpdProxyIT {
    @TempDir
    Path dir;

    private String log() {
        try {
            return Files.readString(dir.resolve("snmpd.out"));
        } catch (java.io.IOException e) {
            return "(no snmpd output: " + e + ")";
        }
    }

    @Test
    void shippedProxyExample_forwardsUnderstudyMibThroughSnmpd() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/sbin/snmpd")), "snmpd (Debian package snmpd) is not installed");
        SyntheticCluster cluster = new SyntheticCluster(dir, 2, 1, 0, List.of());
        SnmpFace face = new SnmpFace();
        face.start(cluster.context());
        int snmpdPort = TrapReceiver.freePort();
        String[] understudy = face.listenAddress().split("/");
        String example = Files.readString(MibTools.moduleDir().resolve("../conf/snmpd-proxy.conf.example"));
        String conf = example.replace("@SNMPD_ADDRESS@", "127.0.0.1").replace("@SNMPD_PORT@", Integer.toString(snmpdPort))
                .replace("@COMMUNITY@", "proxy-test").replace("@USER@", SyntheticCluster.MONITOR)
                .replace("@AUTH_PASSWORD@", SyntheticCluster.MONITOR_AUTH).replace("@PRIV_PASSWORD@", SyntheticCluster.MONITOR_PRIV)
                .replace("@UNDERSTUDY_ADDRESS@", understudy[0]).replace("@UNDERSTUDY_PORT@", understudy[1]);
        assertTrue(!conf.matches("(?s).*@[A-Z_]+@.*"), "every placeholder filled:\n" + conf);
        Path confFile = Files.writeString(dir.resolve("snmpd.conf"), conf);
        Path persist = Files.createDirectories(dir.resolve("persist"));
        ProcessBuilder pb = new ProcessBuilder("/usr/sbin/snmpd", "-f", "-Lo", "-C",
                "-c", confFile.toString(), "-p", dir.resolve("snmpd.pid").toString(), "-M", MibTools.mibPath(), "-m", "")
                .redirectErrorStream(true).redirectOutput(dir.resolve("snmpd.out").toFile());
        pb.environment().putAll(NetSnmp.env());
        pb.environment().put("SNMP_PERSISTENT_DIR", persist.toString());
        Process snmpd = pb.start();
        try {
            NetSnmp manager = NetSnmp.v2c("udp:127.0.0.1:" + snmpdPort, "proxy-test");
            MibTools.Result r = null;
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (System.nanoTime() < until) {
                assertTrue(snmpd.isAlive(), () -> "snmpd exited: " + log());
                r = manager.run("snmpget", List.of("-Oqv"), "UNDERSTUDY-MIB::usNodeName.0",
                        "UNDERSTUDY-MIB::usPrimaryName.2");
                if (r.exitCode() == 0) {
                    break;
                }
                Thread.sleep(200);
            }
            assertEquals(0, r.exitCode(), r + "\n" + log());
            assertEquals(List.of("standby", "p2"), r.stdout().strip().lines().toList(), r.toString());
            MibTools.Result walk = manager.run("snmpwalk", List.of("-On"), UnderstudyMib.MODULE + "::usPrimaryTable");
            assertEquals(0, walk.exitCode(), walk.toString());
            assertTrue(walk.stdout().lines().count() >= 2 * 8, walk.toString());
        } finally {
            snmpd.destroy();
            snmpd.waitFor(10, TimeUnit.SECONDS);
            face.close();
        }
    }
}
