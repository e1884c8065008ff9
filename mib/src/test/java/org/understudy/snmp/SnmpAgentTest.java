package org.understudy.snmp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Reads of an in-process SnmpFace over a synthetic standby snapshot, with Net-SNMP's tools. */
class SnmpAgentTest {
    @RegisterExtension
    static final InProcessAgent AGENT = new InProcessAgent(3, 2);

    static NetSnmp ops() {
        return AGENT.ops();
    }

    @Test
    void get_nodeScalarsAndRows() {
        var r = ops().run("snmpget", List.of("-OqvU"), "UNDERSTUDY-MIB::usNodeName.0", "UNDERSTUDY-MIB::usNodeRole.0",
                "UNDERSTUDY-MIB::usPrimaryName.2", "UNDERSTUDY-MIB::usPrimaryState.3", "UNDERSTUDY-MIB::usVolumeMirrorState.2.2",
                "UNDERSTUDY-MIB::usVolumeSyncPercent.2.2", "UNDERSTUDY-MIB::usPrimaryPathsUp.3",
                "UNDERSTUDY-MIB::usLastFailoverDuration.0", "UNDERSTUDY-MIB::usPrimaryAction.1");
        assertEquals(0, r.exitCode(), r.describe());
        assertEquals(List.of("standby", "standby", "p2", "degraded", "syncing", "42", "1", "2345", "noAction"),
                r.stdout().lines().map(String::strip).map(s -> s.replace("\"", "")).toList(), r.describe());
    }

    @Test
    void walk_everyObjectResolvesToOurMib() {
        var r = ops().run("snmpwalk", List.of("-Os"), "UNDERSTUDY-MIB::understudyMIB");
        assertEquals(0, r.exitCode(), r.describe());
        List<String> lines = r.stdout().lines().toList();
        assertTrue(lines.size() > 80, r.describe());
        for (String l : lines) {
            assertTrue(l.matches("^us[A-Za-z0-9]+(\\.[0-9]+)+ = .*"), "not one of our names: " + l);
        }
    }

    @Test
    void views_hideSnmp4jConfigAndShowSystem() {
        var r = ops().run("snmpwalk", List.of("-On"), "1.3.6.1.4.1.4976");
        assertFalse(r.stdout().contains(".1.3.6.1.4.1.4976."), r.describe());
        var sys = ops().run("snmpget", List.of("-Oqv"), "1.3.6.1.2.1.1.1.0");
        assertTrue(sys.stdout().contains("Understudy"), sys.describe());
        var usm = ops().run("snmpwalk", List.of("-On"), "1.3.6.1.6.3");
        assertFalse(usm.stdout().contains(".1.3.6.1.6.3.15.1.2"), "USM user table must not be visible:\n" + usm.describe());
    }

    @Test
    void v2cCommunity_readsButNeverWrites() {
        NetSnmp v2c = NetSnmp.v2c(AGENT.address(), SyntheticCluster.COMMUNITY);
        var r = v2c.run("snmpget", List.of("-Oqv"), "UNDERSTUDY-MIB::usPrimaryName.1");
        assertEquals("p1", r.stdout().strip().replace("\"", ""), r.describe());
        var set = v2c.run("snmpset", "UNDERSTUDY-MIB::usPrimaryAction.1", "i", "2");
        assertTrue(set.exitCode() != 0 && set.stderr().contains("noAccess"), set.describe());
        var wrong = NetSnmp.v2c(AGENT.address(), "not-the-community").run("snmpget", "UNDERSTUDY-MIB::usNodeName.0");
        assertTrue(wrong.exitCode() != 0 && wrong.stderr().contains("Timeout"), wrong.describe());
    }

    @Test
    void wrongPasswordAndUnknownUser_areRejected() {
        var bad = NetSnmp.v3(AGENT.address(), SyntheticCluster.OPS, "not-the-password", SyntheticCluster.OPS_PRIV)
                .run("snmpget", "UNDERSTUDY-MIB::usNodeName.0");
        assertTrue(bad.exitCode() != 0 && bad.stderr().toLowerCase().contains("authentication fail"), bad.describe());
        var unknown = NetSnmp.v3(AGENT.address(), "mallory", "whatever-pass", "whatever-pass").run("snmpget", "UNDERSTUDY-MIB::usNodeName.0");
        // SNMP4J answers an unknown user with silence (or an unknownUserName report): either way no value comes back
        assertTrue(unknown.exitCode() != 0 && unknown.stdout().isBlank()
                && (unknown.stderr().contains("Timeout") || unknown.stderr().toLowerCase().contains("unknown user")), unknown.describe());
        var badPriv = NetSnmp.v3(AGENT.address(), SyntheticCluster.OPS, SyntheticCluster.OPS_AUTH, "not-the-privpass")
                .run("snmpget", "UNDERSTUDY-MIB::usNodeName.0");
        assertTrue(badPriv.exitCode() != 0 && badPriv.stdout().isBlank(), badPriv.describe());
        // regression: SNMP authentication failures appeared nowhere; now each is on record, discovery is not
        var failures = AGENT.cluster().authFailures;
        assertTrue(failures.stream().allMatch(f -> f.face() == org.understudy.security.AuthFace.SNMP
                && f.source().equals("127.0.0.1")), failures.toString());
        assertTrue(failures.stream().anyMatch(f -> f.user().equals(SyntheticCluster.OPS)
                && f.reason().startsWith("wrong digest")), failures.toString());
        assertTrue(failures.stream().anyMatch(f -> f.user().equals("mallory") && f.reason().equals("unknown user")),
                failures.toString());
        assertTrue(failures.stream().anyMatch(f -> f.user().equals(SyntheticCluster.OPS)
                && f.reason().startsWith("decryption error")), failures.toString());
        assertTrue(failures.stream().noneMatch(f -> f.user().isEmpty()), "engine discovery is no failure: " + failures);
    }

    @Test
    void portTaken_startFailsCleanly_andCloseIsHarmless() {
        int port = Integer.parseInt(AGENT.face().listenAddress().substring(AGENT.face().listenAddress().lastIndexOf('/') + 1));
        SnmpFace second = new SnmpFace();
        org.junit.jupiter.api.Assertions.assertThrows(Exception.class,
                () -> second.start(new SyntheticCluster(AGENT.dir().resolve("second"), 1, 1, port, List.of()).context()));
        second.close();
        second.close();
        assertEquals(0, ops().run("snmpget", "UNDERSTUDY-MIB::usNodeName.0").exitCode(), "the first agent still serves");
    }

    @Test
    void nodeWithoutSnmpBlock_runsNoAgent() throws Exception {
        SyntheticCluster c = new SyntheticCluster(AGENT.dir().resolve("none"), 1, 1, 0, List.of());
        var ctx = c.context();
        var cfg = ctx.cluster();
        var noSnmp = new org.understudy.face.FaceContext(new org.understudy.config.ClusterConfig(cfg.file(), cfg.name(),
                cfg.standby(), cfg.primaries(), cfg.secrets()), ctx.node(), ctx.model(), ctx.alarms(), ctx.events(),
                ctx.commands(), ctx.stateDir());
        SnmpFace f = new SnmpFace();
        f.start(noSnmp);
        org.junit.jupiter.api.Assertions.assertNull(f.listenAddress());
        f.close();
    }

    @Test
    void bulkwalk_sameAsWalk() {
        var walk = ops().run("snmpwalk", List.of("-On"), "UNDERSTUDY-MIB::understudyMIB");
        var bulk = ops().run("snmpbulkwalk", List.of("-On", "-Cr50"), "UNDERSTUDY-MIB::understudyMIB");
        assertEquals(0, bulk.exitCode(), bulk.describe());
        assertEquals(walk.stdout().lines().map(l -> l.split(" = ")[0]).toList(),
                bulk.stdout().lines().map(l -> l.split(" = ")[0]).toList());
    }
}
