package org.understudy.jmx;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.management.MBeanNotificationInfo;
import javax.management.Notification;
import org.understudy.model.Alarm;
import org.understudy.model.AlarmChange;
import org.understudy.model.AlarmKind;
import org.understudy.model.FailoverTimeline;
import org.understudy.model.FailureDetection;
import org.understudy.model.MirrorState;
import org.understudy.model.ModelEvent;
import org.understudy.model.PathState;
import org.understudy.model.VolumeSnapshot;

/**
 * What the type=Appliance bean announces: the same events the SNMP agent sends as traps, each turned into a
 * {@link Draft} (notification type, one line for a person, and the figures behind it). Pure functions; stateless.
 *
 * <p>Alarms come from the alarm source only, so one alarm change gives one
 * notification. Split brain and verify mismatch are announced when their alarm is raised. Resync started/completed
 * come from a volume's mirror state moving into and out of SYNCING between two snapshots.
 */
final class EventNotifications {
    static final String FAILOVER_STARTED = "understudy.failover.started";
    static final String FAILOVER_COMPLETED = "understudy.failover.completed";
    static final String FAILOVER_FAILED = "understudy.failover.failed";
    static final String FAILBACK_STARTED = "understudy.failback.started";
    static final String FAILBACK_COMPLETED = "understudy.failback.completed";
    static final String FAILBACK_FAILED = "understudy.failback.failed";
    /** The timeline kind of a failback: never announced as a failover. */
    private static final String FAILBACK = "failback";
    static final String PRIMARY_FAILED = "understudy.primary.failed";
    static final String PATH_DOWN = "understudy.path.down";
    static final String PATH_UP = "understudy.path.up";
    static final String STANDBY_LOST = "understudy.standby.lost";
    static final String STANDBY_RESTORED = "understudy.standby.restored";
    static final String RESYNC_STARTED = "understudy.resync.started";
    static final String RESYNC_COMPLETED = "understudy.resync.completed";
    static final String SPLIT_BRAIN = "understudy.splitBrain";
    static final String VERIFY_MISMATCH = "understudy.verify.mismatch";
    static final String SNAPSHOT_CREATED = "understudy.snapshot.created";
    static final String SNAPSHOT_DELETED = "understudy.snapshot.deleted";
    static final String REHEARSAL_FINISHED = "understudy.rehearsal.finished";
    static final String ALARM_RAISED = "understudy.alarm.raised";
    static final String ALARM_UPDATED = "understudy.alarm.updated";
    static final String ALARM_CLEARED = "understudy.alarm.cleared";

    /** A notification before it gets its source and sequence number. */
    record Draft(String type, Instant at, String message, Map<String, String> data) {
        Draft {
            data = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(data));
        }
    }

    private EventNotifications() {
    }

    /** What the Appliance bean declares it may send, with a description JConsole shows. */
    static MBeanNotificationInfo info() {
        String[] types = {FAILOVER_STARTED, FAILOVER_COMPLETED, FAILOVER_FAILED, FAILBACK_STARTED, FAILBACK_COMPLETED,
            FAILBACK_FAILED, PRIMARY_FAILED, PATH_DOWN, PATH_UP, STANDBY_LOST, STANDBY_RESTORED, RESYNC_STARTED,
            RESYNC_COMPLETED, SPLIT_BRAIN, VERIFY_MISMATCH, SNAPSHOT_CREATED, SNAPSHOT_DELETED, REHEARSAL_FINISHED,
            ALARM_RAISED, ALARM_UPDATED, ALARM_CLEARED};
        return new MBeanNotificationInfo(types, Notification.class.getName(),
                "Understudy events, the same as the SNMP traps; user data is a CompositeData of strings with the figures "
                        + "behind each event (primary, volume, path, reason, durations, alarm index and severity; a failover's "
                        + "detectionPath, detectionMillis and detection, empty for an operator's).");
    }

    static List<Draft> of(ModelEvent event) {
        return switch (event) {
            case ModelEvent.FailoverStarted e -> List.of(new Draft(FAILBACK.equals(e.kind()) ? FAILBACK_STARTED
                    : FAILOVER_STARTED, e.at(), e.primary() + ": " + e.kind() + " started: " + e.reason(),
                    data("primary", e.primary(), "kind", e.kind(), "reason", e.reason())));
            case ModelEvent.FailoverCompleted e -> List.of(timeline(FAILBACK.equals(e.timeline().kind())
                    ? FAILBACK_COMPLETED : FAILOVER_COMPLETED, e.at(), e.timeline(), null));
            case ModelEvent.FailoverFailed e -> List.of(timeline(FAILBACK.equals(e.timeline().kind())
                    ? FAILBACK_FAILED : FAILOVER_FAILED, e.at(), e.timeline(), e.reason()));
            case ModelEvent.PrimaryFailed e -> List.of(new Draft(PRIMARY_FAILED, e.at(), e.primary() + " failed: " + e.reason(),
                    data("primary", e.primary(), "reason", e.reason())));
            case ModelEvent.PathChanged e -> List.of(new Draft(e.state() == PathState.DOWN ? PATH_DOWN : PATH_UP, e.at(),
                    e.node() + ": path " + e.path() + " (" + e.kind() + ") " + e.state() + silent(e.silentFor()),
                    data("node", e.node(), "path", e.path(), "kind", String.valueOf(e.kind()), "state", String.valueOf(e.state()),
                            "silentForMillis", e.silentFor() == null ? "" : Long.toString(e.silentFor().toMillis()))));
            case ModelEvent.StandbyLost e -> List.of(new Draft(STANDBY_LOST, e.at(), "standby " + e.standby() + " lost: " + e.reason(),
                    data("standby", e.standby(), "reason", e.reason())));
            case ModelEvent.StandbyRestored e -> List.of(new Draft(STANDBY_RESTORED, e.at(),
                    "standby " + e.standby() + " restored: " + e.reason(), data("standby", e.standby(), "reason", e.reason())));
            case ModelEvent.SnapshotCreated e -> List.of(new Draft(SNAPSHOT_CREATED, e.at(), e.primary() + ": snapshot "
                    + e.name() + " of " + e.volumes() + " taken: " + e.detail(), data("primary", e.primary(), "snapshot",
                    e.name(), "volumes", String.join(" ", e.volumes()), "kind", e.kind().name(), "cut",
                    e.primaryCut() ? "primary" : "standby")));
            case ModelEvent.SnapshotDeleted e -> List.of(new Draft(SNAPSHOT_DELETED, e.at(), e.primary() + ": snapshot "
                    + e.name() + " deleted: " + e.reason(), data("primary", e.primary(), "snapshot", e.name(), "volume",
                    e.volume(), "reason", e.reason(), "bytesFreed", Long.toString(e.bytesFreed()))));
            case ModelEvent.RehearsalFinished e -> List.of(timeline(REHEARSAL_FINISHED, e.at(), e.timeline(),
                    e.timeline().completed() ? null : e.outcome()));
            // state changes are announced as attribute changes, alarms from the alarm source, operator actions by
            // the audit log; a default rather than a case per record keeps this face building while the model's
            // event set grows
            default -> List.of();
        };
    }

    static List<Draft> of(AlarmChange change) {
        Alarm a = change.alarm();
        Map<String, String> d = data("index", Long.toString(a.index()), "kind", a.kind().name(), "resource", a.resource(),
                "severity", change.type() == AlarmChange.Type.CLEARED ? "CLEARED" : a.severity().name(),
                "description", a.description(), "since", a.since().toString());
        List<Draft> out = new ArrayList<>();
        switch (change.type()) {
            case RAISED -> {
                out.add(new Draft(ALARM_RAISED, change.at(), "alarm raised: " + a.kind() + " on " + a.resource() + ": " + a.description(), d));
                if (a.kind() == AlarmKind.SPLIT_BRAIN) {
                    out.add(new Draft(SPLIT_BRAIN, change.at(), "split brain on " + a.resource() + ": " + a.description(), d));
                } else if (a.kind() == AlarmKind.VERIFY_MISMATCH) {
                    out.add(new Draft(VERIFY_MISMATCH, change.at(), "verify mismatch on " + a.resource() + ": " + a.description(), d));
                }
            }
            case UPDATED -> out.add(new Draft(ALARM_UPDATED, change.at(),
                    "alarm updated: " + a.kind() + " on " + a.resource() + " now " + a.severity() + ": " + a.description(), d));
            case CLEARED -> {
                Map<String, String> c = new LinkedHashMap<>(d);
                c.put("reason", change.reason() == null ? "" : change.reason());
                out.add(new Draft(ALARM_CLEARED, change.at(), "alarm cleared: " + a.kind() + " on " + a.resource()
                        + (change.reason() == null ? "" : ": " + change.reason()), c));
            }
        }
        return out;
    }

    /** Resync started or completed, when a volume's state moved into or out of SYNCING between two snapshots. */
    static List<Draft> resync(VolumeSnapshot before, VolumeSnapshot after, Instant at) {
        if (before == null || before.state() == after.state()) {
            return List.of();
        }
        String vol = after.primary() + "/" + after.name();
        Map<String, String> d = data("primary", after.primary(), "volume", after.name(), "from", before.state().name(),
                "to", after.state().name(), "syncPercent", String.format(java.util.Locale.ROOT, "%.1f", after.syncPercent()));
        if (after.state() == MirrorState.SYNCING) {
            return List.of(new Draft(RESYNC_STARTED, at, vol + ": resync started (was " + before.state() + ")", d));
        }
        if (before.state() == MirrorState.SYNCING) {
            return List.of(new Draft(RESYNC_COMPLETED, at,
                    vol + ": resync " + (after.state() == MirrorState.IN_SYNC ? "completed" : "ended") + ", now " + after.state(), d));
        }
        return List.of();
    }

    private static Draft timeline(String type, Instant at, FailoverTimeline t, String reason) {
        Map<String, String> d = data("primary", t.primary(), "kind", t.kind(), "reason", reason != null ? reason : t.reason(),
                "totalMillis", Long.toString(t.total().toMillis()), "completed", Boolean.toString(t.completed()));
        StringBuilder steps = new StringBuilder();
        t.steps().forEach(s -> steps.append(steps.isEmpty() ? "" : ", ").append(s.name()).append(' ')
                .append(s.duration().toMillis()).append(" ms ").append(s.outcome()));
        d.put("steps", steps.toString());
        // an automatic failover names how its failure was detected; empty for an operator's action
        FailureDetection det = t.detection();
        d.put("detectionPath", det == null ? "" : det.path());
        d.put("detectionMillis", det == null ? "" : Long.toString(det.took().toMillis()));
        d.put("detection", det == null ? "" : det.describe());
        String what = reason == null ? " completed in " + t.total().toMillis() + " ms" : " failed: " + reason;
        return new Draft(type, at, t.primary() + ": " + t.kind() + (det == null ? "" : " (" + det.path() + ")") + what, d);
    }

    private static String silent(Duration d) {
        return d == null ? "" : String.format(java.util.Locale.ROOT, " after %.2f s silent", d.toMillis() / 1000.0);
    }

    private static Map<String, String> data(String... kv) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1] == null ? "" : kv[i + 1]);
        }
        return m;
    }
}
