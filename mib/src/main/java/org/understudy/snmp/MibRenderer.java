package org.understudy.snmp;

import static org.understudy.snmp.UnderstudyMib.*;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.snmp4j.smi.Counter32;
import org.snmp4j.smi.Counter64;
import org.snmp4j.smi.Gauge32;
import org.snmp4j.smi.Integer32;
import org.snmp4j.smi.OID;
import org.snmp4j.smi.OctetString;
import org.snmp4j.smi.UnsignedInteger32;
import org.snmp4j.smi.Variable;
import org.understudy.config.ClusterConfig;
import org.understudy.config.NodeConfig;
import org.understudy.config.PrimaryConfig;
import org.understudy.config.StandbyConfig;
import org.understudy.config.VolumeConfig;
import org.understudy.model.Alarm;
import org.understudy.model.ClusterSnapshot;
import org.understudy.model.DetectionSettings;
import org.understudy.model.FailoverSummary;
import org.understudy.model.FailoverTimeline;
import org.understudy.model.PathKind;
import org.understudy.model.PathSnapshot;
import org.understudy.model.PathState;
import org.understudy.model.PrimarySnapshot;
import org.understudy.model.PrimaryState;
import org.understudy.model.Role;
import org.understudy.model.VolumeSnapshot;

/**
 * Turns one model snapshot into a {@link MibTree}: the standby's snapshot gives a row for every primary of the
 * cluster file, a primary's gives its own row only. Rows are indexed by position in the cluster file (primaries,
 * their volumes) and in the snapshot (paths), so indexes stay put while the agent runs. Figures the model does not
 * carry read as documented in the report of {@link SnmpFace}. Stateless; thread-safe.
 */
final class MibRenderer {
    /** Gauge32's "never" / "longer than we can say". */
    static final long NEVER_MS = 4294967295L;
    private static final int MAX_TEXT = 255;
    /** RowPointer for "no row" (SNMPv2-SMI zeroDotZero). */
    private static final OID ZERO_DOT_ZERO = new OID("0.0");

    private final ClusterConfig cluster;
    private final NodeConfig self;

    MibRenderer(ClusterConfig cluster, NodeConfig self) {
        this.cluster = cluster;
        this.self = self;
    }

    MibTree render(ClusterSnapshot snap, FaceMemory mem) {
        TreeMap<OID, Variable> t = new TreeMap<>();
        Map<String, Integer> primaryIdx = new HashMap<>();
        Map<String, Integer> volumeIdx = new HashMap<>();
        Map<String, Integer> pathIdx = new HashMap<>();
        boolean standby = self instanceof StandbyConfig;
        FailoverSummary fo = snap.failover() == null ? FailoverSummary.NONE : snap.failover();

        scalar(t, US_NODE_ROLE, new Integer32(snap.node().role() == Role.STANDBY ? NodeRole.STANDBY : NodeRole.PRIMARY));
        scalar(t, US_NODE_NAME, text(snap.node().name()));
        scalar(t, US_NODE_VERSION, text(snap.node().version()));
        scalar(t, US_AUTO_FAILOVER, new Integer32(fo.autoFailover() ? TruthValue.TRUE : TruthValue.FALSE));
        scalar(t, US_STAND_INS_ACTIVE, new Gauge32(Math.max(0, fo.standInsActive())));
        scalar(t, US_STAND_INS_ALLOWED, new Gauge32(Math.max(0, fo.standInsAllowed())));

        FailoverTimeline last = fo.lastFailover();
        scalar(t, US_LAST_FAILOVER_PRIMARY, text(last == null ? "" : last.primary()));
        scalar(t, US_LAST_FAILOVER_REASON, text(last == null ? "" : last.reason()));
        scalar(t, US_LAST_FAILOVER_STARTED, DateAndTimes.of(last == null ? null : last.startedAt()));
        scalar(t, US_LAST_FAILOVER_DURATION, new Gauge32(last == null || last.total() == null ? 0 : clampMs(last.total())));
        scalar(t, US_LAST_FAILOVER_RESULT, new Integer32(Mapping.failoverResult(last)));
        scalar(t, US_LAST_FAILOVER_KIND, new Integer32(FailoverKind.of(last == null ? null : last.kind())));

        FaceMemory.LastAction action = mem.lastAction();
        scalar(t, US_ACTION_SPIN_LOCK, new Integer32(mem.spinLock()));
        scalar(t, US_LAST_ACTION_PRIMARY, text(action.primary()));
        scalar(t, US_LAST_ACTION_REQUESTED, new Integer32(action.requested()));
        scalar(t, US_LAST_ACTION_RESULT, new Integer32(action.result()));
        scalar(t, US_LAST_ACTION_TIME, DateAndTimes.of(action.at()));
        scalar(t, US_LAST_ACTION_DETAIL, text(action.detail()));

        Map<String, PrimarySnapshot> states = new HashMap<>();
        for (PrimarySnapshot p : snap.primaries()) {
            states.put(p.name(), p);
        }
        Map<String, VolumeSnapshot> vols = new HashMap<>();
        for (VolumeSnapshot v : snap.volumes()) {
            vols.put(v.primary() + "/" + v.name(), v);
        }
        List<PrimaryConfig> primaries = cluster.primaries();
        for (int i = 0; i < primaries.size(); i++) {
            PrimaryConfig p = primaries.get(i);
            if (!standby && !p.name().equals(self.name())) {
                continue;
            }
            int pi = i + 1;
            primaryIdx.put(p.name(), pi);
            PrimarySnapshot ps = states.get(p.name());
            List<PathSnapshot> paths = ps != null ? ps.paths() : standby ? List.of() : snap.paths();
            List<VolumeSnapshot> pv = p.volumes().stream().map(v -> vols.get(p.name() + "/" + v.name()))
                    .filter(v -> v != null).toList();
            PrimaryState state = ps != null ? ps.state() : Mapping.fromVolumes(pv);
            column(t, US_PRIMARY_ENTRY, US_PRIMARY_NAME, text(p.name()), pi);
            column(t, US_PRIMARY_ENTRY, US_PRIMARY_SERVICE_ADDRESS, text(p.address() + ":" + p.nbdPort()), pi);
            column(t, US_PRIMARY_ENTRY, US_PRIMARY_STATE, new Integer32(Mapping.primaryState(state)), pi);
            column(t, US_PRIMARY_ENTRY, US_PRIMARY_PATHS_UP, new Gauge32(paths.stream().filter(x -> x.state() == PathState.UP).count()), pi);
            column(t, US_PRIMARY_ENTRY, US_PRIMARY_PATHS_TOTAL, new Gauge32(paths.size()), pi);
            column(t, US_PRIMARY_ENTRY, US_PRIMARY_LAST_HEARD, new Gauge32(lastHeard(paths)), pi);
            column(t, US_PRIMARY_ENTRY, US_PRIMARY_FAILOVER_COUNT, new Counter32(ps == null ? 0 : ps.failovers()), pi);
            column(t, US_PRIMARY_ENTRY, US_PRIMARY_ACTION, new Integer32(PrimaryAction.NO_ACTION), pi);
            long resyncCapKib = ps == null ? 0 : kibCeil(ps.caps().resync());
            column(t, US_PRIMARY_ENTRY, US_PRIMARY_RESYNC_CAP, new Gauge32(resyncCapKib), pi);
            if (ps != null) {
                detection(t, pi, ps);
            }

            for (int j = 0; j < p.volumes().size(); j++) {
                VolumeConfig vc = p.volumes().get(j);
                VolumeSnapshot v = vols.get(p.name() + "/" + vc.name());
                int vi = j + 1;
                volumeIdx.put(p.name() + "/" + vc.name(), vi);
                volume(t, pi, vi, vc, v, resyncCapKib);
            }
            for (int j = 0; j < paths.size() && j < 255; j++) {
                PathSnapshot x = paths.get(j);
                int xi = j + 1;
                pathIdx.put(p.name() + "/" + x.path(), xi);
                column(t, US_PATH_ENTRY, US_PATH_KIND, new Integer32(Mapping.pathKind(x.kind())), pi, xi);
                column(t, US_PATH_ENTRY, US_PATH_ENDPOINT, text(endpoint(p, x.kind(), standby)), pi, xi);
                column(t, US_PATH_ENTRY, US_PATH_STATE, new Integer32(x.state() == PathState.UP ? UnderstudyMib.PathState.UP
                        : UnderstudyMib.PathState.DOWN), pi, xi);
                column(t, US_PATH_ENTRY, US_PATH_LAST_HEARD, new Gauge32(heard(x)), pi, xi);
                column(t, US_PATH_ENTRY, US_PATH_HEARTBEATS_LOST, new Counter32(x.replayed() + x.forged() + x.malformed()), pi, xi);
            }
        }

        for (Alarm a : snap.alarms()) {
            if (a.index() < 1 || a.index() > 4294967295L) {
                continue;
            }
            int id = (int) a.index();
            column(t, US_ALARM_ENTRY, US_ALARM_CONDITION, text(Mapping.condition(a.kind())), id);
            column(t, US_ALARM_ENTRY, US_ALARM_SEVERITY, new Integer32(Mapping.severity(a.severity())), id);
            column(t, US_ALARM_ENTRY, US_ALARM_RESOURCE, text(a.resource()), id);
            column(t, US_ALARM_ENTRY, US_ALARM_DESCRIPTION, text(a.description()), id);
            column(t, US_ALARM_ENTRY, US_ALARM_RAISED_AT, DateAndTimes.of(a.since()), id);
            column(t, US_ALARM_ENTRY, US_ALARM_RESOURCE_POINTER, pointer(a.resource(), primaryIdx, volumeIdx, pathIdx), id);
        }
        for (FaceMemory.Cleared h : mem.history()) {
            if (h.id() < 1 || h.id() > 4294967295L) {
                continue;
            }
            int id = (int) h.id();
            Alarm a = h.alarm();
            column(t, US_ALARM_HISTORY_ENTRY, US_ALARM_HISTORY_CONDITION, text(Mapping.condition(a.kind())), id);
            column(t, US_ALARM_HISTORY_ENTRY, US_ALARM_HISTORY_SEVERITY, new Integer32(Mapping.severity(a.severity())), id);
            column(t, US_ALARM_HISTORY_ENTRY, US_ALARM_HISTORY_RESOURCE, text(a.resource()), id);
            column(t, US_ALARM_HISTORY_ENTRY, US_ALARM_HISTORY_RESOURCE_POINTER,
                    pointer(a.resource(), primaryIdx, volumeIdx, pathIdx), id);
            column(t, US_ALARM_HISTORY_ENTRY, US_ALARM_HISTORY_DESCRIPTION, text(a.description()), id);
            column(t, US_ALARM_HISTORY_ENTRY, US_ALARM_HISTORY_RAISED_AT, DateAndTimes.of(a.since()), id);
            column(t, US_ALARM_HISTORY_ENTRY, US_ALARM_HISTORY_CLEARED_AT, DateAndTimes.of(h.at()), id);
        }
        scalar(t, US_ALARM_HISTORY_MAX, new UnsignedInteger32(FaceMemory.HISTORY));
        FaceMemory.Cleared c = mem.cleared();
        scalar(t, US_CLEARED_ALARM_ID, new Gauge32(c == null ? 0 : c.id()));
        scalar(t, US_CLEARED_ALARM_CONDITION, text(c == null ? "" : Mapping.condition(c.alarm().kind())));
        scalar(t, US_CLEARED_ALARM_SEVERITY, new Integer32(c == null ? UnderstudyMib.AlarmSeverity.INDETERMINATE
                : Mapping.severity(c.alarm().severity())));
        scalar(t, US_CLEARED_ALARM_RESOURCE, text(c == null ? "" : c.alarm().resource()));
        scalar(t, US_CLEARED_ALARM_DESCRIPTION, text(c == null ? "" : c.alarm().description()));
        scalar(t, US_CLEARED_ALARM_AT, DateAndTimes.of(c == null ? null : c.at()));
        scalar(t, US_ALARMS_ACTIVE, new Gauge32(snap.alarms().size()));
        SnapshotRows.render(t, snap, primaryIdx);
        return new MibTree(t, primaryIdx, volumeIdx, pathIdx);
    }

    /**
     * usAlarmResourcePointer: the row of what an alarm is on ({@code p1} usPrimaryName, {@code p1/vol0} usVolumeName,
     * {@code p1/path/production} usPathKind), or zeroDotZero where it has no row.
     */
    private static OID pointer(String resource, Map<String, Integer> primaries, Map<String, Integer> volumes,
                               Map<String, Integer> paths) {
        String[] parts = resource.split("/");
        Integer p = primaries.get(parts[0]);
        if (p != null && parts.length == 1) {
            return new OID(columnInstance(US_PRIMARY_ENTRY, US_PRIMARY_NAME, p));
        }
        if (p != null && parts.length == 2 && volumes.containsKey(resource)) {
            return new OID(columnInstance(US_VOLUME_ENTRY, US_VOLUME_NAME, p, volumes.get(resource)));
        }
        if (p != null && parts.length == 3 && parts[1].equals("path") && paths.containsKey(parts[0] + "/" + parts[2])) {
            return new OID(columnInstance(US_PATH_ENTRY, US_PATH_KIND, p, paths.get(parts[0] + "/" + parts[2])));
        }
        return ZERO_DOT_ZERO;
    }

    /**
     * usDetectionGroup of a primary the standby watches: how its last takeover was detected, and the figures its
     * failure is detected with (absent where the model does not carry them).
     */
    private static void detection(TreeMap<OID, Variable> t, int pi, PrimarySnapshot ps) {
        FailoverTimeline last = ps.lastFailover();
        column(t, US_PRIMARY_ENTRY, US_PRIMARY_DETECTION_PATH, new Integer32(Mapping.detectionPath(last)), pi);
        column(t, US_PRIMARY_ENTRY, US_PRIMARY_DETECTION_TIME, new Gauge32(last == null || last.detection() == null
                ? 0 : clampMs(last.detection().took())), pi);
        DetectionSettings d = ps.detection();
        if (d != null) {
            column(t, US_PRIMARY_ENTRY, US_PRIMARY_HEARTBEAT_INTERVAL, new UnsignedInteger32(clampMs(d.interval())), pi);
            column(t, US_PRIMARY_ENTRY, US_PRIMARY_SILENCE_TIMEOUT, new UnsignedInteger32(clampMs(d.timeout())), pi);
            column(t, US_PRIMARY_ENTRY, US_PRIMARY_PROBE_TIMEOUT, new UnsignedInteger32(clampMs(d.probeTimeout())), pi);
            column(t, US_PRIMARY_ENTRY, US_PRIMARY_FAST_PATH_GRACE, new UnsignedInteger32(clampMs(d.processDeadGrace())), pi);
        }
    }

    /** A figure in units of {@code unit} bytes, rounded up, as a Gauge32 that latches at its maximum. */
    private static Gauge32 gauge(long bytes, long unit) {
        return new Gauge32(Math.min(0xffffffffL, (Math.max(0, bytes) + unit - 1) / unit));
    }

    /** Bytes to KiB rounded up, so that a cap below 1 KiB/s never reads as 0, which means no cap. */
    private static long kibCeil(long bytes) {
        return (bytes + 1023) / 1024;
    }

    private static void volume(TreeMap<OID, Variable> t, int pi, int vi, VolumeConfig vc, VolumeSnapshot v, long throttleKib) {
        long size = v != null ? v.size() : vc.size();
        double sync = v == null ? 0 : Math.max(0, Math.min(100, v.syncPercent()));
        boolean inSync = v != null && v.state() == org.understudy.model.MirrorState.IN_SYNC;
        long dirty = v != null ? v.dirtyBytesOrEstimate() : size;
        column(t, US_VOLUME_ENTRY, US_VOLUME_NAME, text(vc.name()), pi, vi);
        column(t, US_VOLUME_ENTRY, US_VOLUME_SIZE, gauge(size, 1L << 20), pi, vi);
        column(t, US_VOLUME_ENTRY, US_VOLUME_MODE, new Integer32(Mapping.mirrorMode(v != null ? v.mode() : vc.mode())), pi, vi);
        column(t, US_VOLUME_ENTRY, US_VOLUME_MIRROR_STATE, new Integer32(Mapping.mirrorState(v != null ? v.state()
                : org.understudy.model.MirrorState.INCONSISTENT)), pi, vi);
        column(t, US_VOLUME_ENTRY, US_VOLUME_SYNC_PERCENT, new Gauge32(inSync ? 100 : (long) Math.floor(sync)), pi, vi);
        column(t, US_VOLUME_ENTRY, US_VOLUME_DIRTY_KIB, gauge(dirty, 1024), pi, vi);
        column(t, US_VOLUME_ENTRY, US_VOLUME_BACKLOG_KIB, gauge(v == null ? 0 : v.backlogBytes(), 1024), pi, vi);
        column(t, US_VOLUME_ENTRY, US_VOLUME_BYTES_REPLICATED, new Counter64(v == null ? 0 : v.bytesReplicated()), pi, vi);
        long p99 = v == null || v.writeLatency() == null ? 0 : v.writeLatency().p99Micros();
        column(t, US_VOLUME_ENTRY, US_VOLUME_WRITE_LATENCY_P99, new Gauge32(Math.min(NEVER_MS, Math.max(0, p99))), pi, vi);
        column(t, US_VOLUME_ENTRY, US_VOLUME_THROTTLE, new Gauge32(throttleKib), pi, vi);
        org.understudy.model.VerifySummary verify = v == null ? org.understudy.model.VerifySummary.NONE : v.lastVerify();
        column(t, US_VOLUME_ENTRY, US_VOLUME_VERIFY_MISMATCHES, new Gauge32(Math.min(0xffffffffL, verify.mismatches())), pi, vi);
        column(t, US_VOLUME_ENTRY, US_VOLUME_LAST_VERIFIED, DateAndTimes.of(verify.at()), pi, vi);
    }

    /**
     * The far end of a path, the same way on every path: its address alone (the port follows from the path's kind).
     * On the standby the primary's address (its replication target's for the link); on a primary the standby's
     * (the replication address for the link).
     */
    private String endpoint(PrimaryConfig p, PathKind kind, boolean standby) {
        StandbyConfig s = cluster.standby();
        if (standby) {
            return p.address();
        }
        return kind == PathKind.REPLICATION_LINK ? s.replication().host() : s.address();
    }

    private static long lastHeard(List<PathSnapshot> paths) {
        long best = NEVER_MS;
        for (PathSnapshot x : paths) {
            best = Math.min(best, heard(x));
        }
        return best;
    }

    private static long heard(PathSnapshot x) {
        if (x.valid() == 0 || x.silentFor() == null) {
            return NEVER_MS;
        }
        return clampMs(x.silentFor());
    }

    private static long clampMs(Duration d) {
        return Math.max(0, Math.min(NEVER_MS, d.toMillis()));
    }

    /** One line of at most {@code MAX_TEXT} characters: managers print DisplayStrings on one line. */
    private static OctetString text(String s) {
        if (s == null) {
            return new OctetString();
        }
        String line = s.strip().replaceAll("\\s*\\R\\s*", "; ");
        return new OctetString(line.length() > MAX_TEXT ? line.substring(0, MAX_TEXT) : line);
    }

    private static void scalar(TreeMap<OID, Variable> t, int[] scalar, Variable v) {
        t.put(new OID(scalarInstance(scalar)), v);
    }

    private static void column(TreeMap<OID, Variable> t, int[] entry, int column, Variable v, int... index) {
        t.put(new OID(columnInstance(entry, column, index)), v);
    }
}
