package org.understudy.snmp;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * The object identifiers of UNDERSTUDY-MIB ({@code mib/UNDERSTUDY-MIB.txt}), for the agent that serves it.
 *
 * <p>Every constant is named after the MIB descriptor it stands for, in upper snake case ({@code usPrimaryName} is
 * {@link #US_PRIMARY_NAME}), and a test checks each one against Net-SNMP's translation of the MIB, so the two cannot
 * drift apart. Three kinds of constant:
 * <ul>
 *   <li>{@code int[]}: the full OID of a node, a scalar (without the {@code .0} instance suffix; see
 *       {@link #scalarInstance}), a table entry or a notification;</li>
 *   <li>{@code int}: a column's number within its table's entry (the {@code *_ENTRY} constant of its table); an
 *       instance is {@code entry . column . index...}, see {@link #columnInstance};</li>
 *   <li>{@code int}: the value of an enumeration of a textual convention, in the nested classes named after the
 *       convention.</li>
 * </ul>
 *
 * <p>The root sits under the documentation enterprise number of RFC 5612 until Understudy has an IANA Private
 * Enterprise Number: then {@link #ENTERPRISE} (and {@link #PRODUCT_ARC}) change here, and one line of the MIB.
 *
 * <p>Dependency-free on purpose (no SNMP4J types): SNMP4J's {@code new OID(int[])} takes these arrays as they are.
 * Thread-safety: immutable in intent; the arrays are shared, so callers must never modify them (the helpers return
 * fresh arrays).
 */
public final class UnderstudyMib {

    /** The module's name, as managers load it ({@code -m UNDERSTUDY-MIB}). */
    public static final String MODULE = "UNDERSTUDY-MIB";

    /** The enterprise number under {@code enterprises}: RFC 5612's documentation number until a PEN is assigned. */
    public static final int ENTERPRISE = 32473;

    /** Our arc under {@link #ENTERPRISE}. */
    public static final int PRODUCT_ARC = 7;

    /** {@code enterprises}, 1.3.6.1.4.1 (SNMPv2-SMI). */
    public static final int[] ENTERPRISES = {1, 3, 6, 1, 4, 1};

    /** {@code understudyMIB}, the MODULE-IDENTITY and the root of everything below. */
    public static final int[] UNDERSTUDY_MIB = oid(ENTERPRISES, ENTERPRISE, PRODUCT_ARC);

    public static final int[] UNDERSTUDY_NOTIFICATIONS = oid(UNDERSTUDY_MIB, 0);
    public static final int[] UNDERSTUDY_OBJECTS = oid(UNDERSTUDY_MIB, 1);
    public static final int[] UNDERSTUDY_CONFORMANCE = oid(UNDERSTUDY_MIB, 2);

    // ---- the node: scalars under usNode

    public static final int[] US_NODE = oid(UNDERSTUDY_OBJECTS, 1);
    /** {@link NodeRole}, read-only. */
    public static final int[] US_NODE_ROLE = oid(US_NODE, 1);
    /** DisplayString (1..64), read-only. */
    public static final int[] US_NODE_NAME = oid(US_NODE, 2);
    /** DisplayString (1..64), read-only. */
    public static final int[] US_NODE_VERSION = oid(US_NODE, 3);
    /** TruthValue ({@link TruthValue}), read-write on the standby. */
    public static final int[] US_AUTO_FAILOVER = oid(US_NODE, 4);
    /** Gauge32, read-only. */
    public static final int[] US_STAND_INS_ACTIVE = oid(US_NODE, 5);
    /** Unsigned32, read-only. */
    public static final int[] US_STAND_INS_ALLOWED = oid(US_NODE, 6);

    // ---- the most recent failover: scalars under usLastFailover

    public static final int[] US_LAST_FAILOVER = oid(UNDERSTUDY_OBJECTS, 2);
    /** DisplayString (0..64): the primary's name. */
    public static final int[] US_LAST_FAILOVER_PRIMARY = oid(US_LAST_FAILOVER, 1);
    /** DisplayString. */
    public static final int[] US_LAST_FAILOVER_REASON = oid(US_LAST_FAILOVER, 2);
    /** DateAndTime. */
    public static final int[] US_LAST_FAILOVER_STARTED = oid(US_LAST_FAILOVER, 3);
    /** Gauge32, milliseconds. */
    public static final int[] US_LAST_FAILOVER_DURATION = oid(US_LAST_FAILOVER, 4);
    /** {@link ActionResult}. */
    public static final int[] US_LAST_FAILOVER_RESULT = oid(US_LAST_FAILOVER, 5);
    /** {@link FailoverKind}: what the last takeover was (a failback never is one). */
    public static final int[] US_LAST_FAILOVER_KIND = oid(US_LAST_FAILOVER, 6);

    // ---- control: scalars under usControl

    public static final int[] US_CONTROL = oid(UNDERSTUDY_OBJECTS, 3);
    /** TestAndIncr (0..2147483647), read-write. */
    public static final int[] US_ACTION_SPIN_LOCK = oid(US_CONTROL, 1);
    /** DisplayString (0..64). */
    public static final int[] US_LAST_ACTION_PRIMARY = oid(US_CONTROL, 2);
    /** {@link PrimaryAction}. */
    public static final int[] US_LAST_ACTION_REQUESTED = oid(US_CONTROL, 3);
    /** {@link ActionResult}. */
    public static final int[] US_LAST_ACTION_RESULT = oid(US_CONTROL, 4);
    /** DateAndTime. */
    public static final int[] US_LAST_ACTION_TIME = oid(US_CONTROL, 5);
    /** DisplayString. */
    public static final int[] US_LAST_ACTION_DETAIL = oid(US_CONTROL, 6);

    // ---- usPrimaryTable, INDEX { usPrimaryIndex }

    public static final int[] US_PRIMARY_TABLE = oid(UNDERSTUDY_OBJECTS, 4);
    public static final int[] US_PRIMARY_ENTRY = oid(US_PRIMARY_TABLE, 1);
    /** Unsigned32 (1..65535), not-accessible: the index. */
    public static final int US_PRIMARY_INDEX = 1;
    /** DisplayString (1..64). */
    public static final int US_PRIMARY_NAME = 2;
    /** DisplayString (0..128), host:port. */
    public static final int US_PRIMARY_SERVICE_ADDRESS = 3;
    /** {@link PrimaryState}. */
    public static final int US_PRIMARY_STATE = 4;
    /** Gauge32. */
    public static final int US_PRIMARY_PATHS_UP = 5;
    /** Gauge32. */
    public static final int US_PRIMARY_PATHS_TOTAL = 6;
    /** Gauge32, milliseconds; 4294967295 when never heard. */
    public static final int US_PRIMARY_LAST_HEARD = 7;
    /** Counter32. */
    public static final int US_PRIMARY_FAILOVER_COUNT = 8;
    /** {@link PrimaryAction}, read-write; always reads noAction. */
    public static final int US_PRIMARY_ACTION = 9;
    /** Unsigned32, KiB/s, read-write: the primary's resync cap (usVolumeThrottle was its deprecated per-row view). */
    public static final int US_PRIMARY_RESYNC_CAP = 10;
    /** {@link DetectionPath} of the primary's last takeover (none for an operator's). */
    public static final int US_PRIMARY_DETECTION_PATH = 11;
    /** Gauge32, milliseconds: first fact to the decision of that detection; 0 without one. */
    public static final int US_PRIMARY_DETECTION_TIME = 12;
    /** Unsigned32, milliseconds, standby only: heartbeat interval. */
    public static final int US_PRIMARY_HEARTBEAT_INTERVAL = 13;
    /** Unsigned32, milliseconds, standby only: the slow path's silence timeout. */
    public static final int US_PRIMARY_SILENCE_TIMEOUT = 14;
    /** Unsigned32, milliseconds, standby only: the confirming probe's time limit. */
    public static final int US_PRIMARY_PROBE_TIMEOUT = 15;
    /** Unsigned32, milliseconds, standby only: the fast path's grace; 0 when it is off. */
    public static final int US_PRIMARY_FAST_PATH_GRACE = 16;

    // ---- usVolumeTable, INDEX { usPrimaryIndex, usVolumeIndex }

    public static final int[] US_VOLUME_TABLE = oid(UNDERSTUDY_OBJECTS, 5);
    public static final int[] US_VOLUME_ENTRY = oid(US_VOLUME_TABLE, 1);
    /** Unsigned32 (1..65535), not-accessible: the second index. */
    public static final int US_VOLUME_INDEX = 1;
    /** DisplayString (1..64): the NBD export name. */
    public static final int US_VOLUME_NAME = 2;
    /** Gauge32, MiB rounded up (not a counter: no rates). */
    public static final int US_VOLUME_SIZE = 3;
    /** {@link MirrorMode}. */
    public static final int US_VOLUME_MODE = 4;
    /** {@link MirrorState}. */
    public static final int US_VOLUME_MIRROR_STATE = 5;
    /** Gauge32 (0..100). */
    public static final int US_VOLUME_SYNC_PERCENT = 6;
    /** Gauge32, KiB rounded up, latching at 4294967295. */
    public static final int US_VOLUME_DIRTY_KIB = 7;
    /** Gauge32, KiB rounded up, latching at 4294967295. */
    public static final int US_VOLUME_BACKLOG_KIB = 8;
    /** Counter64, bytes. */
    public static final int US_VOLUME_BYTES_REPLICATED = 9;
    /** Gauge32, microseconds. */
    public static final int US_VOLUME_WRITE_LATENCY_P99 = 10;
    /** Unsigned32, KiB/s, read-write; 0 = unlimited. */
    public static final int US_VOLUME_THROTTLE = 11;
    /** Gauge32, blocks. */
    public static final int US_VOLUME_VERIFY_MISMATCHES = 12;
    /** DateAndTime. */
    public static final int US_VOLUME_LAST_VERIFIED = 13;

    // ---- usPathTable, INDEX { usPrimaryIndex, usPathIndex }

    public static final int[] US_PATH_TABLE = oid(UNDERSTUDY_OBJECTS, 6);
    public static final int[] US_PATH_ENTRY = oid(US_PATH_TABLE, 1);
    /** Unsigned32 (1..255), not-accessible: the second index. */
    public static final int US_PATH_INDEX = 1;
    /** {@link PathKind}. */
    public static final int US_PATH_KIND = 2;
    /** DisplayString (0..128), host:port of the far end. */
    public static final int US_PATH_ENDPOINT = 3;
    /** {@link PathState}. */
    public static final int US_PATH_STATE = 4;
    /** Gauge32, milliseconds; 4294967295 when never heard. */
    public static final int US_PATH_LAST_HEARD = 5;
    /** Counter32. */
    public static final int US_PATH_HEARTBEATS_LOST = 6;

    // ---- usAlarmTable, INDEX { usAlarmId }

    public static final int[] US_ALARM_TABLE = oid(UNDERSTUDY_OBJECTS, 7);
    public static final int[] US_ALARM_ENTRY = oid(US_ALARM_TABLE, 1);
    /** Unsigned32 (1..4294967295), not-accessible: the index. */
    public static final int US_ALARM_ID = 1;
    /** DisplayString (1..32). */
    public static final int US_ALARM_CONDITION = 2;
    /** {@link AlarmSeverity}. */
    public static final int US_ALARM_SEVERITY = 3;
    /** DisplayString (1..128). */
    public static final int US_ALARM_RESOURCE = 4;
    /** DisplayString. */
    public static final int US_ALARM_DESCRIPTION = 5;
    /** DateAndTime. */
    public static final int US_ALARM_RAISED_AT = 6;
    /** RowPointer: the resource's row (usPrimaryName, usVolumeName or usPathKind instance), or zeroDotZero. */
    public static final int US_ALARM_RESOURCE_POINTER = 7;

    // ---- the most recently cleared alarm: scalars under usClearedAlarm

    public static final int[] US_CLEARED_ALARM = oid(UNDERSTUDY_OBJECTS, 8);
    /** Unsigned32; 0 when none has cleared. */
    public static final int[] US_CLEARED_ALARM_ID = oid(US_CLEARED_ALARM, 1);
    /** DisplayString (0..32). */
    public static final int[] US_CLEARED_ALARM_CONDITION = oid(US_CLEARED_ALARM, 2);
    /** {@link AlarmSeverity}. */
    public static final int[] US_CLEARED_ALARM_SEVERITY = oid(US_CLEARED_ALARM, 3);
    /** DisplayString (0..128). */
    public static final int[] US_CLEARED_ALARM_RESOURCE = oid(US_CLEARED_ALARM, 4);
    /** DisplayString. */
    public static final int[] US_CLEARED_ALARM_DESCRIPTION = oid(US_CLEARED_ALARM, 5);
    /** DateAndTime. */
    public static final int[] US_CLEARED_ALARM_AT = oid(US_CLEARED_ALARM, 6);

    /** Gauge32: rows in usAlarmTable. */
    public static final int[] US_ALARMS_ACTIVE = oid(UNDERSTUDY_OBJECTS, 9);

    // ---- usAlarmHistoryTable, INDEX { usAlarmHistoryId }: the recently cleared alarms

    public static final int[] US_ALARM_HISTORY_TABLE = oid(UNDERSTUDY_OBJECTS, 10);
    public static final int[] US_ALARM_HISTORY_ENTRY = oid(US_ALARM_HISTORY_TABLE, 1);
    /** Unsigned32, not-accessible: the usAlarmId the alarm had. */
    public static final int US_ALARM_HISTORY_ID = 1;
    public static final int US_ALARM_HISTORY_CONDITION = 2;
    public static final int US_ALARM_HISTORY_SEVERITY = 3;
    public static final int US_ALARM_HISTORY_RESOURCE = 4;
    public static final int US_ALARM_HISTORY_RESOURCE_POINTER = 5;
    public static final int US_ALARM_HISTORY_DESCRIPTION = 6;
    public static final int US_ALARM_HISTORY_RAISED_AT = 7;
    public static final int US_ALARM_HISTORY_CLEARED_AT = 8;
    /** Unsigned32: rows usAlarmHistoryTable keeps. */
    public static final int[] US_ALARM_HISTORY_MAX = oid(UNDERSTUDY_OBJECTS, 11);

    // ---- snapshots of replicas, under usSnapshots (the standby's agent)

    public static final int[] US_SNAPSHOTS = oid(UNDERSTUDY_OBJECTS, 12);

    // usSnapshotSpaceTable, INDEX { usPrimaryIndex }
    public static final int[] US_SNAPSHOT_SPACE_TABLE = oid(US_SNAPSHOTS, 1);
    public static final int[] US_SNAPSHOT_SPACE_ENTRY = oid(US_SNAPSHOT_SPACE_TABLE, 1);
    /** Gauge32. */
    public static final int US_SNAPSHOT_COUNT = 1;
    /** Gauge32, MiB rounded up. */
    public static final int US_SNAPSHOT_SPACE_USED_MIB = 2;
    /** Gauge32, MiB; 0 = no limit. */
    public static final int US_SNAPSHOT_SPACE_LIMIT_MIB = 3;
    /** DisplayString (0..64), read-write: writing takes a snapshot named by the value (empty: the cut's instant). */
    public static final int US_SNAPSHOT_CREATE = 4;

    // usSnapshotTable, INDEX { usPrimaryIndex, usSnapshotIndex }
    public static final int[] US_SNAPSHOT_TABLE = oid(US_SNAPSHOTS, 2);
    public static final int[] US_SNAPSHOT_ENTRY = oid(US_SNAPSHOT_TABLE, 1);
    /** Unsigned32 (1..4294967295), not-accessible: the second index (the store's number of the snapshot). */
    public static final int US_SNAPSHOT_INDEX = 1;
    /** DisplayString (1..64). */
    public static final int US_SNAPSHOT_NAME = 2;
    /** DateAndTime. */
    public static final int US_SNAPSHOT_CREATED = 3;
    /** {@link SnapshotKind}. */
    public static final int US_SNAPSHOT_KIND = 4;
    /** {@link SnapshotCut}. */
    public static final int US_SNAPSHOT_CUT = 5;
    /** TruthValue. */
    public static final int US_SNAPSHOT_CONSISTENT = 6;
    /** DisplayString: volume names, space-separated. */
    public static final int US_SNAPSHOT_VOLUMES = 7;
    /** Gauge32, MiB rounded up. */
    public static final int US_SNAPSHOT_MIB_USED = 8;
    /** DateAndTime; "never" without an expiry of its own. */
    public static final int US_SNAPSHOT_EXPIRES = 9;
    /** {@link SnapshotAction}, read-write. */
    public static final int US_SNAPSHOT_ACTION = 10;

    // ---- notifications (snmpTrapOID values), under understudyNotifications

    public static final int[] PRIMARY_FAILED = oid(UNDERSTUDY_NOTIFICATIONS, 1);
    public static final int[] FAILOVER_STARTED = oid(UNDERSTUDY_NOTIFICATIONS, 2);
    public static final int[] FAILOVER_COMPLETED = oid(UNDERSTUDY_NOTIFICATIONS, 3);
    public static final int[] FAILOVER_FAILED = oid(UNDERSTUDY_NOTIFICATIONS, 4);
    public static final int[] PATH_DOWN = oid(UNDERSTUDY_NOTIFICATIONS, 5);
    public static final int[] PATH_UP = oid(UNDERSTUDY_NOTIFICATIONS, 6);
    public static final int[] STANDBY_LOST = oid(UNDERSTUDY_NOTIFICATIONS, 7);
    public static final int[] STANDBY_RESTORED = oid(UNDERSTUDY_NOTIFICATIONS, 8);
    public static final int[] RESYNC_STARTED = oid(UNDERSTUDY_NOTIFICATIONS, 9);
    public static final int[] RESYNC_COMPLETED = oid(UNDERSTUDY_NOTIFICATIONS, 10);
    public static final int[] SPLIT_BRAIN_DETECTED = oid(UNDERSTUDY_NOTIFICATIONS, 11);
    public static final int[] VERIFY_MISMATCH = oid(UNDERSTUDY_NOTIFICATIONS, 12);
    public static final int[] ALARM_RAISED = oid(UNDERSTUDY_NOTIFICATIONS, 13);
    public static final int[] ALARM_CLEARED = oid(UNDERSTUDY_NOTIFICATIONS, 14);
    public static final int[] FAILBACK_STARTED = oid(UNDERSTUDY_NOTIFICATIONS, 15);
    public static final int[] FAILBACK_COMPLETED = oid(UNDERSTUDY_NOTIFICATIONS, 16);
    public static final int[] FAILBACK_FAILED = oid(UNDERSTUDY_NOTIFICATIONS, 17);

    /** usLastFailoverKind values. */
    public static final class FailoverKind {
        public static final int NONE = 1;
        public static final int FAILOVER = 2;
        public static final int FORCED_FAILOVER = 3;
        public static final int SWITCHOVER = 4;

        private FailoverKind() {
        }

        /** The value for a timeline's kind ({@code failover}, {@code forced-failover}, {@code switchover}). */
        public static int of(String kind) {
            return switch (kind == null ? "" : kind) {
                case "failover" -> FAILOVER;
                case "forced-failover" -> FORCED_FAILOVER;
                case "switchover" -> SWITCHOVER;
                default -> NONE;
            };
        }
    }

    private UnderstudyMib() {
    }

    /** The instance of a scalar: its OID followed by {@code .0}. Returns a fresh array. */
    public static int[] scalarInstance(int[] scalar) {
        return oid(scalar, 0);
    }

    /** The instance of a column in a row: {@code entry . column . index...}. Returns a fresh array. */
    public static int[] columnInstance(int[] entry, int column, int... index) {
        int[] out = Arrays.copyOf(entry, entry.length + 1 + index.length);
        out[entry.length] = column;
        System.arraycopy(index, 0, out, entry.length + 1, index.length);
        return out;
    }

    /** Dotted text without a leading dot, as Net-SNMP's {@code -On} prints it after the dot: {@code 1.3.6.1...}. */
    public static String dotted(int[] oid) {
        return Arrays.stream(oid).mapToObj(Integer::toString).collect(Collectors.joining("."));
    }

    private static int[] oid(int[] parent, int... arcs) {
        int[] out = Arrays.copyOf(parent, parent.length + arcs.length);
        System.arraycopy(arcs, 0, out, parent.length, arcs.length);
        return out;
    }

    // ---- enumerations of the textual conventions (named numbers as on the wire)

    /** UnderstudyNodeRole. */
    public static final class NodeRole {
        public static final int PRIMARY = 1;
        public static final int STANDBY = 2;

        private NodeRole() {
        }
    }

    /** UnderstudyPrimaryState. */
    public static final class PrimaryState {
        public static final int SYNCING = 1;
        public static final int PROTECTED = 2;
        public static final int DEGRADED = 3;
        public static final int SUSPECT = 4;
        public static final int FAILING_OVER = 5;
        public static final int STANDING_IN = 6;
        public static final int FAILING_BACK = 7;
        public static final int FENCED = 8;
        public static final int SPLIT_BRAIN = 9;
        public static final int FAILED = 10;

        private PrimaryState() {
        }
    }

    /** UnderstudyMirrorState. */
    public static final class MirrorState {
        public static final int INCONSISTENT = 1;
        public static final int SYNCING = 2;
        public static final int IN_SYNC = 3;
        public static final int DEGRADED = 4;

        private MirrorState() {
        }
    }

    /** UnderstudyMirrorMode. */
    public static final class MirrorMode {
        public static final int SYNC = 1;
        public static final int ASYNC = 2;

        private MirrorMode() {
        }
    }

    /** UnderstudyPathKind. */
    public static final class PathKind {
        public static final int REPLICATION_LINK = 1;
        public static final int PRODUCTION = 2;
        public static final int PROBE = 3;

        private PathKind() {
        }
    }

    /** UnderstudyPathState. */
    public static final class PathState {
        public static final int UP = 1;
        public static final int DOWN = 2;

        private PathState() {
        }
    }

    /** ITU-ALARM-TC ItuPerceivedSeverity (RFC 3877). */
    public static final class AlarmSeverity {
        public static final int CLEARED = 1;
        public static final int INDETERMINATE = 2;
        public static final int CRITICAL = 3;
        public static final int MAJOR = 4;
        public static final int MINOR = 5;
        public static final int WARNING = 6;

        private AlarmSeverity() {
        }
    }

    /** UnderstudyPrimaryAction. */
    public static final class PrimaryAction {
        public static final int NO_ACTION = 1;
        public static final int SWITCHOVER = 2;
        public static final int FORCE_FAILOVER = 3;
        public static final int FAILBACK = 4;
        public static final int CLEAR_FENCE = 5;

        private PrimaryAction() {
        }
    }

    /** UnderstudyDetectionPath ({@link Mapping#detectionPath}). */
    public static final class DetectionPath {
        public static final int NONE = 1;
        public static final int PROCESS_DEAD = 2;
        public static final int HOST_SILENT = 3;

        private DetectionPath() {
        }
    }

    /** UnderstudyActionResult. */
    public static final class ActionResult {
        public static final int NONE = 1;
        public static final int IN_PROGRESS = 2;
        public static final int SUCCEEDED = 3;
        public static final int FAILED = 4;
        public static final int REJECTED = 5;

        private ActionResult() {
        }
    }

    /** SNMPv2-TC TruthValue. */
    public static final class TruthValue {
        public static final int TRUE = 1;
        public static final int FALSE = 2;

        private TruthValue() {
        }
    }

    /** UnderstudySnapshotKind. */
    public static final class SnapshotKind {
        public static final int MANUAL = 1;
        public static final int SCHEDULED = 2;
        public static final int PRE_RESYNC = 3;
        public static final int REHEARSAL = 4;

        private SnapshotKind() {
        }
    }

    /** UnderstudySnapshotCut. */
    public static final class SnapshotCut {
        public static final int PRIMARY = 1;
        public static final int STANDBY = 2;

        private SnapshotCut() {
        }
    }

    /** UnderstudySnapshotAction. */
    public static final class SnapshotAction {
        public static final int NO_ACTION = 1;
        public static final int DELETE = 2;

        private SnapshotAction() {
        }
    }
}
