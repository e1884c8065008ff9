package org.understudy.snmp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.understudy.snmp.UnderstudyMib.*;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.snmp4j.smi.OID;
import org.snmp4j.smi.VariableBinding;
import org.understudy.model.ClusterSnapshot;
import org.understudy.model.FailoverTimeline;
import org.understudy.model.FailureDetection;
import org.understudy.model.ModelEvent;
import org.understudy.model.PrimaryState;

/** Each model event becomes the MIB's notification with the MIB's varbinds, in the MIB's order, with row instances. */
class NotificationBuilderTest {
    @TempDir
    Path dir;

    private static List<OID> oids(Notification n) {
        return n.varbinds().stream().map(VariableBinding::getOid).toList();
    }

    private static OID col(int[] entry, int column, int... index) {
        return new OID(columnInstance(entry, column, index));
    }

    private static OID sc(int[] scalar) {
        return new OID(scalarInstance(scalar));
    }

    @Test
    void failoverEvents_onTheStandby() {
        SyntheticCluster c = new SyntheticCluster(dir, 3, 2, 0, List.of());
        MibTree t = new MibRenderer(c.config, c.config.standby()).render(c.context().model().snapshot(), new FaceMemory());
        NotificationBuilder b = new NotificationBuilder("standby", true);
        FailoverTimeline tl = new FailoverTimeline("p2", "failover", "2.0 s silent", Instant.now(), List.of(), Duration.ofMillis(1800),
                true, new FailureDetection(FailureDetection.HOST_SILENT, Instant.now(), Duration.ofMillis(2040), List.of()));
        Notification done = b.fromEvent(new ModelEvent.FailoverCompleted(Instant.now(), tl), t).orElseThrow();
        assertEquals(new OID(FAILOVER_COMPLETED), done.trapOid());
        assertEquals(List.of(col(US_PRIMARY_ENTRY, US_PRIMARY_NAME, 2), col(US_PRIMARY_ENTRY, US_PRIMARY_STATE, 2),
                sc(US_LAST_FAILOVER_DURATION), col(US_PRIMARY_ENTRY, US_PRIMARY_FAILOVER_COUNT, 2), sc(US_STAND_INS_ACTIVE),
                sc(US_LAST_FAILOVER_KIND), col(US_PRIMARY_ENTRY, US_PRIMARY_DETECTION_PATH, 2)), oids(done),
                "the detection path appended last: a manager reading the earlier varbinds by position reads them as before");
        assertEquals(1800, done.varbinds().get(2).getVariable().toLong());
        assertEquals(FailoverKind.FAILOVER, done.varbinds().get(5).getVariable().toInt());
        assertEquals(DetectionPath.HOST_SILENT, done.varbinds().get(6).getVariable().toInt(),
                "from the event's timeline, whatever the tree rendered before it");

        FailoverTimeline forced = new FailoverTimeline("p3", "forced-failover", "asked", Instant.now(), List.of(),
                Duration.ofMillis(90), false, null);
        Notification notDone = b.fromEvent(new ModelEvent.FailoverFailed(Instant.now(), forced, "fence failed"), t).orElseThrow();
        assertEquals(new OID(FAILOVER_FAILED), notDone.trapOid());
        assertEquals(col(US_PRIMARY_ENTRY, US_PRIMARY_DETECTION_PATH, 3), oids(notDone).getLast());
        assertEquals(DetectionPath.NONE, notDone.varbinds().getLast().getVariable().toInt(), "an operator's: none");

        Notification failed = b.fromEvent(new ModelEvent.PrimaryFailed(Instant.now(), "p3", "silent"), t).orElseThrow();
        assertEquals(List.of(col(US_PRIMARY_ENTRY, US_PRIMARY_NAME, 3), col(US_PRIMARY_ENTRY, US_PRIMARY_STATE, 3),
                col(US_PRIMARY_ENTRY, US_PRIMARY_PATHS_UP, 3), col(US_PRIMARY_ENTRY, US_PRIMARY_PATHS_TOTAL, 3),
                col(US_PRIMARY_ENTRY, US_PRIMARY_LAST_HEARD, 3)), oids(failed));

        Notification started = b.fromEvent(new ModelEvent.FailoverStarted(Instant.now(), "p1", "switchover", "asked"), t).orElseThrow();
        assertEquals(new OID(FAILOVER_STARTED), started.trapOid());
        assertEquals(List.of(col(US_PRIMARY_ENTRY, US_PRIMARY_NAME, 1), col(US_PRIMARY_ENTRY, US_PRIMARY_STATE, 1),
                sc(US_LAST_FAILOVER_REASON), sc(US_LAST_FAILOVER_STARTED), sc(US_LAST_FAILOVER_KIND)), oids(started));
        assertEquals(FailoverKind.SWITCHOVER, started.varbinds().get(4).getVariable().toInt(),
                "a switchover says so, a manager need not parse text");

        Notification split = b.fromEvent(new ModelEvent.StateChanged(Instant.now(), "p1", PrimaryState.PROTECTED,
                PrimaryState.SPLIT_BRAIN, "both wrote", java.util.Map.of()), t).orElseThrow();
        assertEquals(new OID(SPLIT_BRAIN_DETECTED), split.trapOid());
        assertTrue(b.fromEvent(new ModelEvent.StateChanged(Instant.now(), "p1", PrimaryState.SYNCING, PrimaryState.PROTECTED,
                "synced", java.util.Map.of()), t).isEmpty(), "no notification for an ordinary transition");
        assertTrue(b.fromEvent(new ModelEvent.PrimaryFailed(Instant.now(), "ghost", "?"), t).isEmpty(), "unknown primary: nothing");
    }

    @Test
    void failback_hasItsOwnNotifications_neverAFailoverOne() {
        // regression: a failback was announced as failoverStarted/failoverCompleted
        SyntheticCluster c = new SyntheticCluster(dir, 2, 1, 0, List.of());
        MibTree t = new MibRenderer(c.config, c.config.standby()).render(c.context().model().snapshot(), new FaceMemory());
        NotificationBuilder b = new NotificationBuilder("standby", true);
        FailoverTimeline fb = new FailoverTimeline("p1", "failback", "failback by root via cli", Instant.now(), List.of(),
                Duration.ofMillis(700), true);
        Notification started = b.fromEvent(new ModelEvent.FailoverStarted(Instant.now(), "p1", "failback",
                "failback by root via cli"), t).orElseThrow();
        assertEquals(new OID(FAILBACK_STARTED), started.trapOid());
        assertEquals(List.of(col(US_PRIMARY_ENTRY, US_PRIMARY_NAME, 1), col(US_PRIMARY_ENTRY, US_PRIMARY_STATE, 1)),
                oids(started), "no usLastFailover varbind: a failback is not the last failover");
        assertEquals(new OID(FAILBACK_COMPLETED), b.fromEvent(new ModelEvent.FailoverCompleted(Instant.now(), fb), t)
                .orElseThrow().trapOid());
        FailoverTimeline failed = new FailoverTimeline("p1", "failback", "x", Instant.now(), List.of(), Duration.ZERO, false);
        assertEquals(new OID(FAILBACK_FAILED), b.fromEvent(new ModelEvent.FailoverFailed(Instant.now(), failed, "copy failed"), t)
                .orElseThrow().trapOid());
    }

    @Test
    void resyncAndVerifyEvents_becomeVolumeNotifications_withTheVolumeRow() {
        SyntheticCluster c = new SyntheticCluster(dir, 2, 2, 0, List.of());
        MibTree t = new MibRenderer(c.config, c.config.standby()).render(c.context().model().snapshot(), new FaceMemory());
        NotificationBuilder b = new NotificationBuilder("standby", true);
        String vol = c.config.primaries().get(1).volumes().get(1).name();

        Notification started = b.fromEvent(new ModelEvent.ResyncStarted(Instant.now(), "p2", vol, 1 << 20, "reconnect"), t)
                .orElseThrow();
        assertEquals(new OID(RESYNC_STARTED), started.trapOid());
        assertEquals(List.of(col(US_PRIMARY_ENTRY, US_PRIMARY_NAME, 2), col(US_VOLUME_ENTRY, US_VOLUME_NAME, 2, 2),
                col(US_VOLUME_ENTRY, US_VOLUME_MIRROR_STATE, 2, 2), col(US_VOLUME_ENTRY, US_VOLUME_DIRTY_KIB, 2, 2)), oids(started));

        Notification done = b.fromEvent(new ModelEvent.ResyncCompleted(Instant.now(), "p2", vol, 1 << 20, Duration.ofMillis(30)), t)
                .orElseThrow();
        assertEquals(new OID(RESYNC_COMPLETED), done.trapOid());
        assertEquals(col(US_VOLUME_ENTRY, US_VOLUME_SYNC_PERCENT, 2, 2), oids(done).get(3));

        Notification mismatch = b.fromEvent(new ModelEvent.VerifyMismatch(Instant.now(), "p2", vol, 3, 1024), t).orElseThrow();
        assertEquals(new OID(VERIFY_MISMATCH), mismatch.trapOid());
        assertEquals(List.of(col(US_PRIMARY_ENTRY, US_PRIMARY_NAME, 2), col(US_VOLUME_ENTRY, US_VOLUME_NAME, 2, 2),
                col(US_VOLUME_ENTRY, US_VOLUME_VERIFY_MISMATCHES, 2, 2), col(US_VOLUME_ENTRY, US_VOLUME_LAST_VERIFIED, 2, 2)),
                oids(mismatch));
        assertTrue(b.fromEvent(new ModelEvent.VerifyMismatch(Instant.now(), "p2", "no-such-volume", 1, 1), t).isEmpty(),
                "unknown volume: nothing");
    }

    @Test
    void standbyLost_fromAPrimary_carriesItsReplicationLinkRow() {
        SyntheticCluster c = new SyntheticCluster(dir, 3, 2, 0, List.of());
        ClusterSnapshot s = c.context().model().snapshot();
        ClusterSnapshot own = new ClusterSnapshot(s.cluster(), new org.understudy.model.NodeSnapshot("p2",
                org.understudy.model.Role.PRIMARY, "1", 1, Instant.EPOCH), List.of(),
                s.volumes().stream().filter(v -> v.primary().equals("p2")).toList(), List.of(),
                s.primaries().get(1).paths(), List.of(), org.understudy.model.FailoverSummary.NONE, Instant.EPOCH);
        MibTree t = new MibRenderer(c.config, c.config.primaries().get(1)).render(own, new FaceMemory());
        NotificationBuilder b = new NotificationBuilder("p2", false);
        Notification lost = b.fromEvent(new ModelEvent.StandbyLost(Instant.now(), "standby", "silent"), t).orElseThrow();
        assertEquals(new OID(STANDBY_LOST), lost.trapOid());
        assertEquals(List.of(col(US_PRIMARY_ENTRY, US_PRIMARY_NAME, 2), col(US_PRIMARY_ENTRY, US_PRIMARY_STATE, 2),
                col(US_PATH_ENTRY, US_PATH_ENDPOINT, 2, 1), col(US_PATH_ENTRY, US_PATH_STATE, 2, 1),
                col(US_PATH_ENTRY, US_PATH_LAST_HEARD, 2, 1)), oids(lost));
        assertEquals(UnderstudyMib.PathState.DOWN, lost.varbinds().get(3).getVariable().toInt());
        Notification back = b.fromEvent(new ModelEvent.StandbyRestored(Instant.now(), "standby", "heard"), t).orElseThrow();
        assertEquals(4, back.varbinds().size());
        assertEquals(UnderstudyMib.PathState.UP, back.varbinds().get(3).getVariable().toInt());
    }
}
