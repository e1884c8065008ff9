package org.understudy.snmp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.understudy.command.Command;
import org.understudy.command.CommandResult;
import org.understudy.model.SnapshotEntry;
import org.understudy.model.SnapshotKind;
import org.understudy.model.SnapshotSpace;

/** The snapshot table of an in-process SnmpFace: rows from the model, creation and deletion through SET. */
class SnmpSnapshotTest {
    @RegisterExtension
    static final InProcessAgent AGENT = new InProcessAgent(2, 2);
    private static final Instant T = Instant.parse("2026-12-06T03:00:00Z");

    @BeforeEach
    void reset() {
        AGENT.cluster().commands.clear();
        AGENT.cluster().handler.set((a, c) -> CommandResult.ok("done"));
        AGENT.cluster().snapshots(List.of(
                entry("vol0", 7, "2026-12-06T03:00:00Z", 65536), entry("vol1", 7, "2026-12-06T03:00:00Z", 4096),
                entry("vol0", 9, "before-upgrade", 0)),
                List.of(new SnapshotSpace("p1", 69632, 1L << 30, 2), new SnapshotSpace("p2", 0, 0, 0)));
    }

    private static SnapshotEntry entry(String volume, long id, String name, long used) {
        return new SnapshotEntry("p1", volume, id, name, SnapshotEntry.exportName("p1", volume, name), T,
                id == 7 ? SnapshotKind.SCHEDULED : SnapshotKind.MANUAL, true, true, 1 << 20, used,
                id == 7 ? List.of("every-1h") : List.of(), null, false);
    }

    private static String get(String object) {
        return AGENT.ops().run("snmpget", List.of("-OqvU"), object).stdout().strip().replace("\"", "");
    }

    @Test
    void table_showsEverySnapshotOnceWithItsVolumesAndSpace() {
        assertEquals("2026-12-06T03:00:00Z", get("UNDERSTUDY-MIB::usSnapshotName.1.7"));
        assertEquals("vol0 vol1", get("UNDERSTUDY-MIB::usSnapshotVolumes.1.7"));
        assertEquals("1", get("UNDERSTUDY-MIB::usSnapshotMiBUsed.1.7"), "68 KiB, rounded up");
        assertEquals("scheduled", get("UNDERSTUDY-MIB::usSnapshotKind.1.7"));
        assertEquals("primary", get("UNDERSTUDY-MIB::usSnapshotCut.1.7"));
        assertEquals("before-upgrade", get("UNDERSTUDY-MIB::usSnapshotName.1.9"));
        assertEquals("2", get("UNDERSTUDY-MIB::usSnapshotCount.1"));
        assertEquals("1024", get("UNDERSTUDY-MIB::usSnapshotSpaceLimitMiB.1"));
        var walk = AGENT.ops().run("snmpwalk", List.of("-OqU"), "UNDERSTUDY-MIB::usSnapshotTable");
        assertEquals(0, walk.exitCode(), walk.describe());
        assertEquals(2, walk.stdout().lines().filter(l -> l.contains("usSnapshotName")).count(), walk.stdout());
    }

    @Test
    void create_takesASnapshotOfEveryVolumeByName_orByInstantWhenEmpty() {
        var r = AGENT.ops().run("snmpset", "UNDERSTUDY-MIB::usSnapshotCreate.2", "s", "nightly");
        assertEquals(0, r.exitCode(), r.describe());
        var e = AGENT.ops().run("snmpset", "UNDERSTUDY-MIB::usSnapshotCreate.1", "s", "");
        assertEquals(0, e.exitCode(), e.describe());
        assertEquals(List.of(new Command.CreateSnapshot("p2", null, "nightly"), new Command.CreateSnapshot("p1", null, null)),
                AGENT.cluster().commands);
        assertEquals("", get("UNDERSTUDY-MIB::usSnapshotCreate.1"));
    }

    @Test
    void delete_deletesTheRowsSnapshotByName_refusalIsInconsistentValue() {
        var r = AGENT.ops().run("snmpset", "UNDERSTUDY-MIB::usSnapshotAction.1.9", "i", "2");
        assertEquals(0, r.exitCode(), r.describe());
        assertEquals(List.of(new Command.DeleteSnapshot("p1", null, "before-upgrade")), AGENT.cluster().commands);
        AGENT.cluster().handler.set((a, c) -> CommandResult.refused("p1/vol0 is not consistent"));
        var refused = AGENT.ops().run("snmpset", "UNDERSTUDY-MIB::usSnapshotCreate.1", "s", "x");
        assertTrue(refused.stderr().contains("inconsistentValue"), refused.describe());
        var missing = AGENT.ops().run("snmpset", List.of("-Ir"), "UNDERSTUDY-MIB::usSnapshotAction.1.8", "i", "2");
        assertTrue(missing.exitCode() != 0 && missing.stderr().contains("noCreation"), missing.describe());
    }
}
