package org.understudy.snmp;

import static org.understudy.snmp.UnderstudyMib.*;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.snmp4j.smi.Gauge32;
import org.snmp4j.smi.Integer32;
import org.snmp4j.smi.OID;
import org.snmp4j.smi.OctetString;
import org.snmp4j.smi.Variable;
import org.snmp4j.smi.VariableBinding;
import org.understudy.model.Alarm;
import org.understudy.model.ModelEvent;
import org.understudy.model.PathKind;
import org.understudy.model.PathState;
import org.understudy.model.PrimaryState;

/**
 * Turns model events and alarm changes into UNDERSTUDY-MIB notifications with the varbinds the MIB lists. Column
 * varbinds carry the row's instance and the value of the tree rendered after the event; where the event itself
 * holds a fact (a path's new state, the alarm raised) that value is used, so a notification never contradicts its
 * cause. Events the MIB has no notification for give nothing. Stateless; thread-safe.
 */
final class NotificationBuilder {
    /** The timeline kind of a failback: announced with the failback notifications, never as a failover. */
    static final String FAILBACK = "failback";

    private final String self;
    private final boolean standby;

    /** @param self this node's name; {@code standby} whether it is the standby (else a primary) */
    NotificationBuilder(String self, boolean standby) {
        this.self = self;
        this.standby = standby;
    }

    Optional<Notification> fromEvent(ModelEvent e, MibTree t) {
        return Optional.ofNullable(switch (e) {
            case ModelEvent.PrimaryFailed f -> primary(t, f.primary(), PRIMARY_FAILED, US_PRIMARY_NAME, US_PRIMARY_STATE,
                    US_PRIMARY_PATHS_UP, US_PRIMARY_PATHS_TOTAL, US_PRIMARY_LAST_HEARD);
            case ModelEvent.FailoverStarted f when FAILBACK.equals(f.kind()) -> primary(t, f.primary(),
                    FAILBACK_STARTED, US_PRIMARY_NAME, US_PRIMARY_STATE);
            case ModelEvent.FailoverStarted f -> with(primary(t, f.primary(), FAILOVER_STARTED, US_PRIMARY_NAME, US_PRIMARY_STATE),
                    scalar(t, US_LAST_FAILOVER_REASON, new OctetString(f.reason() == null ? "" : f.reason())),
                    scalar(t, US_LAST_FAILOVER_STARTED, DateAndTimes.of(f.at())),
                    scalar(t, US_LAST_FAILOVER_KIND, new Integer32(FailoverKind.of(f.kind()))));
            case ModelEvent.FailoverCompleted f when FAILBACK.equals(f.timeline().kind()) -> primary(t,
                    f.timeline().primary(), FAILBACK_COMPLETED, US_PRIMARY_NAME, US_PRIMARY_STATE);
            case ModelEvent.FailoverCompleted f -> with(primary(t, f.timeline().primary(), FAILOVER_COMPLETED, US_PRIMARY_NAME,
                            US_PRIMARY_STATE),
                    scalar(t, US_LAST_FAILOVER_DURATION, new Gauge32(ms(f.timeline().total()))),
                    column(t, f.timeline().primary(), US_PRIMARY_FAILOVER_COUNT),
                    scalar(t, US_STAND_INS_ACTIVE, null),
                    scalar(t, US_LAST_FAILOVER_KIND, new Integer32(FailoverKind.of(f.timeline().kind()))),
                    detectionPath(t, f.timeline()));
            case ModelEvent.FailoverFailed f when FAILBACK.equals(f.timeline().kind()) -> primary(t,
                    f.timeline().primary(), FAILBACK_FAILED, US_PRIMARY_NAME, US_PRIMARY_STATE);
            case ModelEvent.FailoverFailed f -> with(primary(t, f.timeline().primary(), FAILOVER_FAILED, US_PRIMARY_NAME,
                            US_PRIMARY_STATE),
                    scalar(t, US_LAST_FAILOVER_REASON, new OctetString(f.reason() == null ? "" : f.reason())),
                    scalar(t, US_LAST_FAILOVER_RESULT, new Integer32(ActionResult.FAILED)),
                    scalar(t, US_LAST_FAILOVER_KIND, new Integer32(FailoverKind.of(f.timeline().kind()))),
                    detectionPath(t, f.timeline()));
            case ModelEvent.PathChanged p -> path(t, p);
            case ModelEvent.StandbyLost s -> standbyPath(t, STANDBY_LOST, s.at(), true);
            case ModelEvent.StandbyRestored s -> standbyPath(t, STANDBY_RESTORED, s.at(), false);
            case ModelEvent.StateChanged s when s.to() == PrimaryState.SPLIT_BRAIN -> primary(t, s.primary(),
                    SPLIT_BRAIN_DETECTED, US_PRIMARY_NAME, US_PRIMARY_SERVICE_ADDRESS, US_PRIMARY_STATE);
            case ModelEvent.ResyncStarted r -> volume(t, r.primary(), r.volume(), RESYNC_STARTED, US_VOLUME_MIRROR_STATE,
                    US_VOLUME_DIRTY_KIB);
            case ModelEvent.ResyncCompleted r -> volume(t, r.primary(), r.volume(), RESYNC_COMPLETED, US_VOLUME_MIRROR_STATE,
                    US_VOLUME_SYNC_PERCENT);
            case ModelEvent.VerifyMismatch v -> volume(t, v.primary(), v.volume(), VERIFY_MISMATCH, US_VOLUME_VERIFY_MISMATCHES,
                    US_VOLUME_LAST_VERIFIED);
            default -> null;
        });
    }

    /** A volume notification: the primary's and the volume's names, then the given volume columns. */
    private Notification volume(MibTree t, String primary, String volume, int[] trap, int... columns) {
        Integer pi = t.primaryIndex(primary);
        Integer vi = t.volumeIndex(primary, volume);
        if (pi == null || vi == null) {
            return null;
        }
        List<VariableBinding> vbs = new ArrayList<>();
        vbs.add(cell(t, US_PRIMARY_ENTRY, US_PRIMARY_NAME, pi));
        vbs.add(cell(t, US_VOLUME_ENTRY, US_VOLUME_NAME, pi, vi));
        for (int c : columns) {
            vbs.add(cell(t, US_VOLUME_ENTRY, c, pi, vi));
        }
        return new Notification(new OID(trap), vbs);
    }

    /** alarmRaised, with the alarm's own facts. */
    Notification alarmRaised(Alarm a) {
        int id = (int) a.index();
        return new Notification(new OID(ALARM_RAISED), List.of(
                vb(columnInstance(US_ALARM_ENTRY, US_ALARM_CONDITION, id), new OctetString(Mapping.condition(a.kind()))),
                vb(columnInstance(US_ALARM_ENTRY, US_ALARM_SEVERITY, id), new Integer32(Mapping.severity(a.severity()))),
                vb(columnInstance(US_ALARM_ENTRY, US_ALARM_RESOURCE, id), new OctetString(a.resource())),
                vb(columnInstance(US_ALARM_ENTRY, US_ALARM_DESCRIPTION, id), new OctetString(a.description())),
                vb(columnInstance(US_ALARM_ENTRY, US_ALARM_RAISED_AT, id), DateAndTimes.of(a.since()))));
    }

    /** alarmCleared: the usClearedAlarm scalars, as {@link FaceMemory} now holds them. */
    Notification alarmCleared(Alarm a, java.time.Instant at) {
        return new Notification(new OID(ALARM_CLEARED), List.of(
                vb(scalarInstance(US_CLEARED_ALARM_ID), new Gauge32(a.index())),
                vb(scalarInstance(US_CLEARED_ALARM_CONDITION), new OctetString(Mapping.condition(a.kind()))),
                vb(scalarInstance(US_CLEARED_ALARM_SEVERITY), new Integer32(Mapping.severity(a.severity()))),
                vb(scalarInstance(US_CLEARED_ALARM_RESOURCE), new OctetString(a.resource())),
                vb(scalarInstance(US_CLEARED_ALARM_AT), DateAndTimes.of(at))));
    }

    private Notification path(MibTree t, ModelEvent.PathChanged p) {
        String primary = standby ? p.node() : self;
        boolean down = p.state() == PathState.DOWN;
        Integer pi = t.primaryIndex(primary);
        Integer xi = t.pathIndex(primary, p.path());
        if (pi == null || xi == null) {
            return null;
        }
        List<VariableBinding> vbs = new ArrayList<>();
        vbs.add(cell(t, US_PRIMARY_ENTRY, US_PRIMARY_NAME, pi));
        vbs.add(vb(columnInstance(US_PATH_ENTRY, US_PATH_KIND, pi, xi), new Integer32(Mapping.pathKind(p.kind()))));
        vbs.add(cell(t, US_PATH_ENTRY, US_PATH_ENDPOINT, pi, xi));
        vbs.add(vb(columnInstance(US_PATH_ENTRY, US_PATH_STATE, pi, xi), new Integer32(down ? 2 : 1)));
        if (down) {
            vbs.add(vb(columnInstance(US_PATH_ENTRY, US_PATH_LAST_HEARD, pi, xi), new Gauge32(ms(p.silentFor()))));
        }
        vbs.add(cell(t, US_PRIMARY_ENTRY, US_PRIMARY_PATHS_UP, pi));
        return new Notification(new OID(down ? PATH_DOWN : PATH_UP), vbs);
    }

    /** standbyLost / standbyRestored from a primary: its row and its replication-link path row. */
    private Notification standbyPath(MibTree t, int[] trap, java.time.Instant at, boolean lost) {
        Integer pi = t.primaryIndex(self);
        if (pi == null) {
            return null;
        }
        List<VariableBinding> vbs = new ArrayList<>();
        vbs.add(cell(t, US_PRIMARY_ENTRY, US_PRIMARY_NAME, pi));
        vbs.add(cell(t, US_PRIMARY_ENTRY, US_PRIMARY_STATE, pi));
        int xi = linkPath(t, pi);
        vbs.add(cell(t, US_PATH_ENTRY, US_PATH_ENDPOINT, pi, xi));
        vbs.add(vb(columnInstance(US_PATH_ENTRY, US_PATH_STATE, pi, xi), new Integer32(lost ? 2 : 1)));
        if (lost) {
            vbs.add(cell(t, US_PATH_ENTRY, US_PATH_LAST_HEARD, pi, xi));
        }
        return new Notification(new OID(trap), vbs);
    }

    /** The replication link's path row of a primary (the first such row; row 1 if none is listed). */
    private static int linkPath(MibTree t, int pi) {
        for (int xi = 1; xi <= 255; xi++) {
            Variable kind = t.get(new OID(columnInstance(US_PATH_ENTRY, US_PATH_KIND, pi, xi)));
            if (kind == null) {
                break;
            }
            if (kind.toInt() == UnderstudyMib.PathKind.REPLICATION_LINK) {
                return xi;
            }
        }
        return 1;
    }

    private Notification primary(MibTree t, String primary, int[] trap, int... columns) {
        Integer pi = t.primaryIndex(primary);
        if (pi == null) {
            return null;
        }
        List<VariableBinding> vbs = new ArrayList<>();
        for (int c : columns) {
            vbs.add(cell(t, US_PRIMARY_ENTRY, c, pi));
        }
        return new Notification(new OID(trap), vbs);
    }

    private static Notification with(Notification n, VariableBinding... more) {
        if (n == null) {
            return null;
        }
        List<VariableBinding> vbs = new ArrayList<>(n.varbinds());
        for (VariableBinding vb : more) {
            if (vb != null) {
                vbs.add(vb);
            }
        }
        return new Notification(n.trapOid(), vbs);
    }

    /** usPrimaryDetectionPath of the timeline's primary, from the timeline itself (the event's own fact). */
    private static VariableBinding detectionPath(MibTree t, org.understudy.model.FailoverTimeline tl) {
        Integer pi = t.primaryIndex(tl.primary());
        return pi == null ? null : vb(columnInstance(US_PRIMARY_ENTRY, US_PRIMARY_DETECTION_PATH, pi),
                new Integer32(Mapping.detectionPath(tl)));
    }

    private static VariableBinding column(MibTree t, String primary, int column) {
        Integer pi = t.primaryIndex(primary);
        return pi == null ? null : cell(t, US_PRIMARY_ENTRY, column, pi);
    }

    /** A scalar varbind: {@code value} if given, else the tree's. */
    private static VariableBinding scalar(MibTree t, int[] scalar, Variable value) {
        OID oid = new OID(scalarInstance(scalar));
        Variable v = value != null ? value : t.get(oid);
        return new VariableBinding(oid, v != null ? v : new org.snmp4j.smi.Null());
    }

    private static VariableBinding cell(MibTree t, int[] entry, int column, int... index) {
        OID oid = new OID(columnInstance(entry, column, index));
        Variable v = t.get(oid);
        return new VariableBinding(oid, v != null ? v : new org.snmp4j.smi.Null());
    }

    private static VariableBinding vb(int[] oid, Variable v) {
        return new VariableBinding(new OID(oid), v);
    }

    private static long ms(Duration d) {
        return d == null ? 0 : Math.max(0, Math.min(MibRenderer.NEVER_MS, d.toMillis()));
    }

}
