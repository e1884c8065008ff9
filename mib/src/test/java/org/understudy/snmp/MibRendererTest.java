package org.understudy.snmp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.understudy.snmp.UnderstudyMib.*;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.snmp4j.smi.Counter64;
import org.snmp4j.smi.Gauge32;
import org.snmp4j.smi.OID;
import org.snmp4j.smi.OctetString;
import org.snmp4j.smi.UnsignedInteger32;
import org.snmp4j.smi.Variable;
import org.understudy.model.AlarmKind;
import org.understudy.model.ClusterSnapshot;
import org.understudy.model.DetectionSettings;
import org.understudy.model.FailoverTimeline;
import org.understudy.model.FailureDetection;
import org.understudy.model.PrimarySnapshot;

/** Fake snapshots to OID values: the mapping of the model onto UNDERSTUDY-MIB, without any SNMP traffic. */
class MibRendererTest {
    @TempDir
    Path dir;

    private static Variable at(MibTree t, int[] entry, int column, int... index) {
        return t.get(new OID(columnInstance(entry, column, index)));
    }

    private static Variable scalar(MibTree t, int[] oid) {
        return t.get(new OID(scalarInstance(oid)));
    }

    @Test
    void standby_rendersEveryPrimaryVolumeAndPath() {
        SyntheticCluster c = new SyntheticCluster(dir, 3, 2, 0, List.of());
        MibTree t = new MibRenderer(c.config, c.config.standby()).render(c.context().model().snapshot(), new FaceMemory());
        assertEquals(NodeRole.STANDBY, scalar(t, US_NODE_ROLE).toInt());
        assertEquals("standby", scalar(t, US_NODE_NAME).toString());
        assertEquals(TruthValue.TRUE, scalar(t, US_AUTO_FAILOVER).toInt());
        assertEquals("p2", at(t, US_PRIMARY_ENTRY, US_PRIMARY_NAME, 2).toString());
        assertEquals("127.0.1.2:10809", at(t, US_PRIMARY_ENTRY, US_PRIMARY_SERVICE_ADDRESS, 2).toString());
        assertEquals(PrimaryState.DEGRADED, at(t, US_PRIMARY_ENTRY, US_PRIMARY_STATE, 3).toInt());
        assertEquals(1, at(t, US_PRIMARY_ENTRY, US_PRIMARY_PATHS_UP, 3).toLong());
        assertEquals(2, at(t, US_PRIMARY_ENTRY, US_PRIMARY_PATHS_TOTAL, 3).toLong());
        assertEquals(80, at(t, US_PRIMARY_ENTRY, US_PRIMARY_LAST_HEARD, 1).toLong());
        assertEquals(PrimaryAction.NO_ACTION, at(t, US_PRIMARY_ENTRY, US_PRIMARY_ACTION, 1).toInt());
        assertEquals(MirrorState.SYNCING, at(t, US_VOLUME_ENTRY, US_VOLUME_MIRROR_STATE, 2, 2).toInt());
        assertEquals(42, at(t, US_VOLUME_ENTRY, US_VOLUME_SYNC_PERCENT, 2, 2).toLong());
        // levels, not counters: Gauge32 in KiB (rounded up) and MiB, never Counter64 (an NMS takes rates of counters)
        assertEquals(new Gauge32((Math.round((128L << 20) * 0.575) + 1023) / 1024), at(t, US_VOLUME_ENTRY, US_VOLUME_DIRTY_KIB, 2, 2));
        assertEquals(new Gauge32(0), at(t, US_VOLUME_ENTRY, US_VOLUME_DIRTY_KIB, 1, 1));
        assertEquals(new Gauge32(128), at(t, US_VOLUME_ENTRY, US_VOLUME_SIZE, 2, 2));
        assertEquals(new Gauge32(0), at(t, US_VOLUME_ENTRY, US_VOLUME_BACKLOG_KIB, 2, 2));
        // one way on every path: the far end's address alone
        assertEquals("127.0.1.1", at(t, US_PATH_ENTRY, US_PATH_ENDPOINT, 1, 1).toString());
        assertEquals("127.0.1.1", at(t, US_PATH_ENTRY, US_PATH_ENDPOINT, 1, 2).toString());
        assertEquals(MirrorMode.ASYNC, at(t, US_VOLUME_ENTRY, US_VOLUME_MODE, 1, 2).toInt());
        assertEquals(new Counter64(1001), at(t, US_VOLUME_ENTRY, US_VOLUME_BYTES_REPLICATED, 1, 2));
        assertEquals(901, at(t, US_VOLUME_ENTRY, US_VOLUME_WRITE_LATENCY_P99, 1, 1).toLong());
        assertEquals(UnderstudyMib.PathKind.PRODUCTION, at(t, US_PATH_ENTRY, US_PATH_KIND, 1, 2).toInt());
        assertEquals(UnderstudyMib.PathState.DOWN, at(t, US_PATH_ENTRY, US_PATH_STATE, 3, 2).toInt());
        assertEquals(2345, scalar(t, US_LAST_FAILOVER_DURATION).toLong());
        assertEquals(ActionResult.SUCCEEDED, scalar(t, US_LAST_FAILOVER_RESULT).toInt());
        assertEquals(0, scalar(t, US_ALARMS_ACTIVE).toLong());
        assertArrayEquals(DateAndTimes.NEVER, ((OctetString) scalar(t, US_LAST_ACTION_TIME)).getValue());
        assertEquals(UnderstudyMib.FailoverKind.SWITCHOVER, scalar(t, US_LAST_FAILOVER_KIND).toInt());
        assertEquals(DetectionPath.NONE, at(t, US_PRIMARY_ENTRY, US_PRIMARY_DETECTION_PATH, 1).toInt(), "no takeover yet");
        assertEquals(0, at(t, US_PRIMARY_ENTRY, US_PRIMARY_DETECTION_TIME, 1).toLong());
        assertNull(at(t, US_PRIMARY_ENTRY, US_PRIMARY_SILENCE_TIMEOUT, 1), "no settings in the model: no figure made up");
        // 3 primaries x (9 readable columns + detection path and time), 6 volumes x 12, 6 paths x 5, 6+6+6+6+1+1 scalars
        assertEquals(3 * 11 + 6 * 12 + 6 * 5 + 26, t.size());
    }

    @Test
    void detection_lastTakeoversPathAndTime_andTheSettings_perPrimary() {
        SyntheticCluster c = new SyntheticCluster(dir, 3, 1, 0, List.of());
        ClusterSnapshot s = c.context().model().snapshot();
        Instant t0 = Instant.parse("2026-12-06T12:00:00Z");
        FailureDetection fast = new FailureDetection(FailureDetection.PROCESS_DEAD, t0, Duration.ofMillis(312), List.of(
                new FailureDetection.Fact("link-closed", Duration.ZERO, "peer closed the link"),
                new FailureDetection.Fact("probe", Duration.ofMillis(2), "connection refused in 1 ms")));
        FailureDetection slow = new FailureDetection(FailureDetection.HOST_SILENT, t0, Duration.ofMillis(2040), List.of());
        DetectionSettings settings = new DetectionSettings(Duration.ofMillis(250), Duration.ofMillis(2000),
                Duration.ofMillis(500), Duration.ofMillis(375));
        List<PrimarySnapshot> ps = List.of(
                withLast(s.primaries().get(0), timeline("p1", "failover", fast)).withDetection(settings),
                withLast(s.primaries().get(1), timeline("p2", "failover", slow)).withDetection(new DetectionSettings(
                        Duration.ofMillis(100), Duration.ofMillis(3000), Duration.ofMillis(800), Duration.ZERO)),
                withLast(s.primaries().get(2), timeline("p3", "switchover", null)));
        ClusterSnapshot with = new ClusterSnapshot(s.cluster(), s.node(), ps, s.volumes(), s.links(), s.paths(),
                s.alarms(), s.failover(), s.takenAt());
        MibTree t = new MibRenderer(c.config, c.config.standby()).render(with, new FaceMemory());
        assertEquals(DetectionPath.PROCESS_DEAD, at(t, US_PRIMARY_ENTRY, US_PRIMARY_DETECTION_PATH, 1).toInt());
        assertEquals(312, at(t, US_PRIMARY_ENTRY, US_PRIMARY_DETECTION_TIME, 1).toLong());
        assertEquals(DetectionPath.HOST_SILENT, at(t, US_PRIMARY_ENTRY, US_PRIMARY_DETECTION_PATH, 2).toInt());
        assertEquals(2040, at(t, US_PRIMARY_ENTRY, US_PRIMARY_DETECTION_TIME, 2).toLong());
        assertEquals(DetectionPath.NONE, at(t, US_PRIMARY_ENTRY, US_PRIMARY_DETECTION_PATH, 3).toInt(),
                "an operator's takeover was detected by nobody");
        assertEquals(0, at(t, US_PRIMARY_ENTRY, US_PRIMARY_DETECTION_TIME, 3).toLong());
        assertEquals(new UnsignedInteger32(250), at(t, US_PRIMARY_ENTRY, US_PRIMARY_HEARTBEAT_INTERVAL, 1));
        assertEquals(new UnsignedInteger32(2000), at(t, US_PRIMARY_ENTRY, US_PRIMARY_SILENCE_TIMEOUT, 1));
        assertEquals(new UnsignedInteger32(500), at(t, US_PRIMARY_ENTRY, US_PRIMARY_PROBE_TIMEOUT, 1));
        assertEquals(new UnsignedInteger32(375), at(t, US_PRIMARY_ENTRY, US_PRIMARY_FAST_PATH_GRACE, 1));
        assertEquals(3000, at(t, US_PRIMARY_ENTRY, US_PRIMARY_SILENCE_TIMEOUT, 2).toLong(), "per primary");
        assertEquals(0, at(t, US_PRIMARY_ENTRY, US_PRIMARY_FAST_PATH_GRACE, 2).toLong(), "fast path off");
        assertNull(at(t, US_PRIMARY_ENTRY, US_PRIMARY_FAST_PATH_GRACE, 3), "settings unknown: no instance");
    }

    private static FailoverTimeline timeline(String primary, String kind, FailureDetection d) {
        return new FailoverTimeline(primary, kind, "why", Instant.parse("2026-12-06T12:00:01Z"), List.of(),
                Duration.ofMillis(150), true, d);
    }

    private static PrimarySnapshot withLast(PrimarySnapshot p, FailoverTimeline last) {
        return new PrimarySnapshot(p.name(), p.state(), p.cause(), p.since(), p.paths(), last, 1, p.caps(), null, last,
                p.detection());
    }

    @Test
    void texts_areOneLine_lineBreaksAndTheBlanksAroundThemReadAsSemicolons() {
        SyntheticCluster c = new SyntheticCluster(dir, 1, 1, 0, List.of());
        var multi = c.alarms.raise(org.understudy.model.AlarmKind.VERIFY_MISMATCH, "p1/vol0",
                "  3 regions differ \n  first at 4 KiB\r\nlast at 1 MiB\u2028done  ");
        var single = c.alarms.raise(org.understudy.model.AlarmKind.PATH_DOWN, "p1/path/production", "silent 3 s");
        MibTree t = new MibRenderer(c.config, c.config.standby()).render(c.context().model().snapshot(), new FaceMemory());
        assertEquals("3 regions differ; first at 4 KiB; last at 1 MiB; done",
                at(t, US_ALARM_ENTRY, US_ALARM_DESCRIPTION, (int) multi.index()).toString());
        assertEquals("silent 3 s", at(t, US_ALARM_ENTRY, US_ALARM_DESCRIPTION, (int) single.index()).toString());
    }

    @Test
    void alarms_pointAtTheirRow_itUSeverities_andClearedOnesStayInTheHistory() {
        SyntheticCluster c = new SyntheticCluster(dir, 2, 2, 0, List.of());
        var volume = c.alarms.raise(org.understudy.model.AlarmKind.VERIFY_MISMATCH, "p2/vol1", "3 regions differ");
        var path = c.alarms.raise(org.understudy.model.AlarmKind.PATH_DOWN, "p1/path/production", "silent 3 s");
        var node = c.alarms.raise(org.understudy.model.AlarmKind.AUTOSWITCH_OFF, "standby", "vault mode");
        FaceMemory mem = new FaceMemory();
        MibTree t = new MibRenderer(c.config, c.config.standby()).render(c.context().model().snapshot(), mem);
        int v = (int) volume.index();
        assertEquals(new OID(columnInstance(US_VOLUME_ENTRY, US_VOLUME_NAME, 2, 2)),
                at(t, US_ALARM_ENTRY, US_ALARM_RESOURCE_POINTER, v));
        assertEquals(new OID(columnInstance(US_PATH_ENTRY, US_PATH_KIND, 1, 2)),
                at(t, US_ALARM_ENTRY, US_ALARM_RESOURCE_POINTER, (int) path.index()));
        assertEquals(new OID("0.0"), at(t, US_ALARM_ENTRY, US_ALARM_RESOURCE_POINTER, (int) node.index()));
        // ITU-ALARM-TC ItuPerceivedSeverity: major(4), minor(5), warning(6)
        assertEquals(4, at(t, US_ALARM_ENTRY, US_ALARM_SEVERITY, v).toInt());
        assertEquals(5, at(t, US_ALARM_ENTRY, US_ALARM_SEVERITY, (int) path.index()).toInt());
        assertEquals(6, at(t, US_ALARM_ENTRY, US_ALARM_SEVERITY, (int) node.index()).toInt());

        java.time.Instant at = java.time.Instant.parse("2026-11-21T12:00:00Z");
        mem.cleared(volume, at);
        mem.cleared(path, at.plusSeconds(1));
        MibTree after = new MibRenderer(c.config, c.config.standby()).render(c.context().model().snapshot(), mem);
        assertEquals("verifyMismatch", at(after, US_ALARM_HISTORY_ENTRY, US_ALARM_HISTORY_CONDITION, v).toString());
        assertEquals("p2/vol1", at(after, US_ALARM_HISTORY_ENTRY, US_ALARM_HISTORY_RESOURCE, v).toString());
        assertEquals(new OID(columnInstance(US_VOLUME_ENTRY, US_VOLUME_NAME, 2, 2)),
                at(after, US_ALARM_HISTORY_ENTRY, US_ALARM_HISTORY_RESOURCE_POINTER, v));
        assertEquals("pathDown", at(after, US_ALARM_HISTORY_ENTRY, US_ALARM_HISTORY_CONDITION, (int) path.index()).toString(),
                "more than the last cleared alarm");
        assertArrayEquals(DateAndTimes.of(at).getValue(),
                ((OctetString) at(after, US_ALARM_HISTORY_ENTRY, US_ALARM_HISTORY_CLEARED_AT, v)).getValue());
        assertEquals(FaceMemory.HISTORY, scalar(after, US_ALARM_HISTORY_MAX).toLong());
    }

    @Test
    void alarmHistory_keepsTheNewestHundred() {
        FaceMemory mem = new FaceMemory();
        java.time.Instant t0 = java.time.Instant.parse("2026-11-21T12:00:00Z");
        for (int i = 1; i <= FaceMemory.HISTORY + 5; i++) {
            mem.cleared(new org.understudy.model.Alarm(i, org.understudy.model.AlarmKind.PATH_DOWN, "p1/path/link",
                    org.understudy.model.AlarmSeverity.MINOR, "x", t0, t0), t0);
        }
        assertEquals(FaceMemory.HISTORY, mem.history().size());
        assertEquals(6, mem.history().get(0).id());
        assertEquals(FaceMemory.HISTORY + 5, mem.history().getLast().id());
    }

    @Test
    void volumeThrottle_readsThePrimarysResyncCap_roundedUpToWholeKib() {
        SyntheticCluster c = new SyntheticCluster(dir, 2, 2, 0, List.of());
        ClusterSnapshot s = c.context().model().snapshot();
        ClusterSnapshot capped = new ClusterSnapshot(s.cluster(), s.node(), List.of(
                s.primaries().get(0).withCaps(new org.understudy.model.BandwidthCaps(5_000_000, 20_000_000)),
                s.primaries().get(1).withCaps(new org.understudy.model.BandwidthCaps(0, 100))),
                s.volumes(), s.links(), s.paths(), s.alarms(), s.failover(), s.takenAt());
        MibTree t = new MibRenderer(c.config, c.config.standby()).render(capped, new FaceMemory());
        assertEquals(19532, at(t, US_VOLUME_ENTRY, US_VOLUME_THROTTLE, 1, 1).toLong(), "20 MB/s = 19531.25 KiB/s");
        assertEquals(19532, at(t, US_VOLUME_ENTRY, US_VOLUME_THROTTLE, 1, 2).toLong(), "one cap per primary");
        assertEquals(1, at(t, US_VOLUME_ENTRY, US_VOLUME_THROTTLE, 2, 1).toLong(), "a tiny cap never reads as 0 (no cap)");
        assertEquals(0, new MibRenderer(c.config, c.config.standby()).render(s, new FaceMemory())
                .get(new OID(columnInstance(US_VOLUME_ENTRY, US_VOLUME_THROTTLE, 1, 1))).toLong(), "uncapped");
    }

    @Test
    void alarms_areRowsByTheirIndex() {
        SyntheticCluster c = new SyntheticCluster(dir, 1, 1, 0, List.of());
        c.alarms.raise(AlarmKind.LINK_DOWN, "p1/path/link", "silent 3.2 s");
        var a = c.alarms.raise(AlarmKind.MIRROR_ASYNC_FALLBACK, "p1/vol0", "p99 12 ms");
        MibTree t = new MibRenderer(c.config, c.config.standby()).render(c.context().model().snapshot(), new FaceMemory());
        int id = (int) a.index();
        assertEquals("mirrorAsyncFallback", at(t, US_ALARM_ENTRY, US_ALARM_CONDITION, id).toString());
        assertEquals(UnderstudyMib.AlarmSeverity.WARNING, at(t, US_ALARM_ENTRY, US_ALARM_SEVERITY, id).toInt());
        assertEquals("p1/vol0", at(t, US_ALARM_ENTRY, US_ALARM_RESOURCE, id).toString());
        assertEquals(2, scalar(t, US_ALARMS_ACTIVE).toLong());
    }

    @Test
    void primaryAgent_showsOnlyItsOwnRow() {
        SyntheticCluster c = new SyntheticCluster(dir, 3, 2, 0, List.of());
        ClusterSnapshot s = c.context().model().snapshot();
        var p2 = c.config.primaries().get(1);
        ClusterSnapshot own = new ClusterSnapshot(s.cluster(), new org.understudy.model.NodeSnapshot("p2",
                org.understudy.model.Role.PRIMARY, "1", 1, Instant.EPOCH), List.of(),
                s.volumes().stream().filter(v -> v.primary().equals("p2")).toList(), List.of(),
                s.primaries().get(1).paths(), List.of(), org.understudy.model.FailoverSummary.NONE, Instant.EPOCH);
        MibTree t = new MibRenderer(c.config, p2).render(own, new FaceMemory());
        assertNull(at(t, US_PRIMARY_ENTRY, US_PRIMARY_NAME, 1));
        assertEquals("p2", at(t, US_PRIMARY_ENTRY, US_PRIMARY_NAME, 2).toString());
        assertEquals(PrimaryState.SYNCING, at(t, US_PRIMARY_ENTRY, US_PRIMARY_STATE, 2).toInt(), "derived from a syncing volume");
        assertEquals("127.0.0.1", at(t, US_PATH_ENTRY, US_PATH_ENDPOINT, 2, 1).toString(), "the standby's address alone");
        assertEquals(NodeRole.PRIMARY, scalar(t, US_NODE_ROLE).toInt());
    }

    @Test
    void dateAndTime_isElevenOctetsUtc() {
        byte[] b = DateAndTimes.of(Instant.parse("2026-11-21T10:05:07.300Z")).getValue();
        assertArrayEquals(new byte[] {0x07, (byte) 0xEA, 11, 21, 10, 5, 7, 3, '+', 0, 0}, b);
    }

    @Test
    void conditions_fitTheMibsSize() {
        for (AlarmKind k : AlarmKind.values()) {
            String s = Mapping.condition(k);
            org.junit.jupiter.api.Assertions.assertTrue(s.length() <= 32 && Character.isLowerCase(s.charAt(0)), s);
        }
    }
}
