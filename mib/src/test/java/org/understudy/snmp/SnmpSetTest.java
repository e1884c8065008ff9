package org.understudy.snmp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.understudy.command.Command;
import org.understudy.command.CommandResult;

/** SET handling of an in-process SnmpFace: each write reaches the command API as the SNMP user, errors as RFC 3416 says. */
class SnmpSetTest {
    @RegisterExtension
    static final InProcessAgent AGENT = new InProcessAgent(3, 2);

    @BeforeEach
    void reset() {
        AGENT.cluster().commands.clear();
        AGENT.cluster().audit.clear();
        AGENT.cluster().handler.set((a, c) -> CommandResult.ok("done"));
    }

    static NetSnmp ops() {
        return AGENT.ops();
    }

    static String get(String object) {
        return ops().run("snmpget", List.of("-OqvU"), object).stdout().strip().replace("\"", "");
    }

    @Test
    void switchover_reachesTheCommandApiAsTheSnmpUser() {
        var r = ops().run("snmpset", "UNDERSTUDY-MIB::usPrimaryAction.2", "i", "2");
        assertEquals(0, r.exitCode(), r.describe());
        assertEquals(List.of(new Command.Switchover("p2")), AGENT.cluster().commands);
        assertEquals(List.of("ops via SNMP switchover p2 OK"), AGENT.cluster().audit);
        assertEquals("noAction", get("UNDERSTUDY-MIB::usPrimaryAction.2"));
        assertEquals("succeeded", get("UNDERSTUDY-MIB::usLastActionResult.0"));
        assertEquals("p2", get("UNDERSTUDY-MIB::usLastActionPrimary.0"));
        assertEquals("switchover", get("UNDERSTUDY-MIB::usLastActionRequested.0"));
        assertTrue(get("UNDERSTUDY-MIB::usLastActionDetail.0").contains("by ops"));
    }

    @Test
    void refused_isInconsistentValue_failed_isGenErr() {
        AGENT.cluster().handler.set((a, c) -> CommandResult.refused("primary p1 is protected, not standingIn: nothing to fail back"));
        var r = ops().run("snmpset", "UNDERSTUDY-MIB::usPrimaryAction.1", "i", "4");
        assertTrue(r.stderr().contains("inconsistentValue"), r.describe());
        assertEquals("rejected", get("UNDERSTUDY-MIB::usLastActionResult.0"));
        assertTrue(get("UNDERSTUDY-MIB::usLastActionDetail.0").contains("nothing to fail back"));
        AGENT.cluster().handler.set((a, c) -> CommandResult.failed("fencing command exited 3"));
        var f = ops().run("snmpset", "UNDERSTUDY-MIB::usPrimaryAction.1", "i", "3");
        assertTrue(f.stderr().contains("genError") || f.stderr().contains("General failure"), f.describe());
        assertEquals("failed", get("UNDERSTUDY-MIB::usLastActionResult.0"));
        assertEquals(List.of(new Command.Failback("p1"), new Command.ForceFailover("p1", "requested over SNMP by ops")), AGENT.cluster().commands);
    }

    @Test
    void badWrites_getTheRightErrors() {
        setFails("wrongValue", "UNDERSTUDY-MIB::usPrimaryAction.1", "i", "9");
        setFails("wrongType", "." + UnderstudyMib.dotted(UnderstudyMib.columnInstance(UnderstudyMib.US_PRIMARY_ENTRY,
                UnderstudyMib.US_PRIMARY_ACTION, 1)), "s", "go");
        setFails("notWritable", "UNDERSTUDY-MIB::usPrimaryName.1", "s", "x");
        setFails("noCreation", "UNDERSTUDY-MIB::usPrimaryAction.77", "i", "2");
        setFails("wrongValue", "UNDERSTUDY-MIB::usAutoFailover.0", "i", "3");
        setFails("notWritable|noAccess", "1.3.6.1.2.1.1.5.0", "s", "x");
        assertTrue(AGENT.cluster().commands.isEmpty(), AGENT.cluster().commands.toString());
    }

    /** snmpset (with the MIB's own type and range checks off, so the agent decides) fails with {@code error}. */
    private static void setFails(String error, String... args) {
        var r = ops().run("snmpset", List.of("-Ir"), args);
        assertTrue(r.exitCode() != 0 && r.stderr().matches("(?s).*(" + error + ").*"), r.describe());
    }

    @Test
    void readOnlyUser_cannotWrite() {
        var r = NetSnmp.v3(AGENT.address(), SyntheticCluster.MONITOR, SyntheticCluster.MONITOR_AUTH, SyntheticCluster.MONITOR_PRIV)
                .run("snmpset", "UNDERSTUDY-MIB::usPrimaryAction.1", "i", "2");
        assertTrue(r.stderr().contains("noAccess"), r.describe());
        assertTrue(AGENT.cluster().commands.isEmpty());
    }

    @Test
    void autoFailoverAndThrottle_becomeCommands() {
        assertEquals(0, ops().run("snmpset", "UNDERSTUDY-MIB::usAutoFailover.0", "i", "2").exitCode());
        assertEquals(0, ops().run("snmpset", "UNDERSTUDY-MIB::usVolumeThrottle.3.2", "u", "2048").exitCode());
        assertEquals(List.of(new Command.SetAutoFailover(false), new Command.SetThrottle("p3", Command.Traffic.RESYNC, 2048L * 1024)),
                AGENT.cluster().commands);
        assertEquals("2048", get("UNDERSTUDY-MIB::usVolumeThrottle.3.1"), "one cap per primary link: every volume shows it");
        // the column that names it per primary: usPrimaryResyncCap
        assertEquals("2048", get("UNDERSTUDY-MIB::usPrimaryResyncCap.3"));
        AGENT.cluster().commands.clear();
        assertEquals(0, ops().run("snmpset", "UNDERSTUDY-MIB::usPrimaryResyncCap.2", "u", "4096").exitCode());
        assertEquals(List.of(new Command.SetThrottle("p2", Command.Traffic.RESYNC, 4096L * 1024)), AGENT.cluster().commands);
        assertEquals("4096", get("UNDERSTUDY-MIB::usPrimaryResyncCap.2"));
    }

    @Test
    void spinLock_guardsAgainstAStaleManager() {
        int lock = Integer.parseInt(get("UNDERSTUDY-MIB::usActionSpinLock.0"));
        var ok = ops().run("snmpset", "UNDERSTUDY-MIB::usActionSpinLock.0", "i", String.valueOf(lock),
                "UNDERSTUDY-MIB::usPrimaryAction.1", "i", "5");
        assertEquals(0, ok.exitCode(), ok.describe());
        var stale = ops().run("snmpset", "UNDERSTUDY-MIB::usActionSpinLock.0", "i", String.valueOf(lock),
                "UNDERSTUDY-MIB::usPrimaryAction.1", "i", "5");
        assertTrue(stale.stderr().contains("inconsistentValue"), stale.describe());
        assertEquals(List.of(new Command.ClearFence("p1")), AGENT.cluster().commands);
        assertEquals(String.valueOf(lock + 1), get("UNDERSTUDY-MIB::usActionSpinLock.0"));
    }

    @Test
    void slowCommand_answersInProgressThenRecordsTheOutcome() throws Exception {
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch entered = new java.util.concurrent.CountDownLatch(1);
        AGENT.cluster().handler.set((a, c) -> {
            entered.countDown();
            release.await();
            return CommandResult.ok("switched");
        });
        var set = java.util.concurrent.CompletableFuture.supplyAsync(() -> ops().run("snmpset", "UNDERSTUDY-MIB::usPrimaryAction.1", "i", "2"));
        assertTrue(entered.await(10, java.util.concurrent.TimeUnit.SECONDS));
        var r = set.join();
        assertEquals(0, r.exitCode(), r.describe());
        assertEquals("inProgress", get("UNDERSTUDY-MIB::usLastActionResult.0"));
        release.countDown();
        long until = System.nanoTime() + 5_000_000_000L;
        while (!get("UNDERSTUDY-MIB::usLastActionResult.0").equals("succeeded")) {
            assertTrue(System.nanoTime() < until, "outcome never recorded");
            Thread.onSpinWait();
        }
    }
}
