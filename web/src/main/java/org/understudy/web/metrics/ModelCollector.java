package org.understudy.web.metrics;

import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.InfoSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.prometheus.metrics.model.snapshots.Unit;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.understudy.model.Alarm;
import org.understudy.model.AlarmKind;
import org.understudy.model.AlarmSeverity;
import org.understudy.model.ClusterSnapshot;
import org.understudy.model.FailoverStep;
import org.understudy.model.FailoverTimeline;
import org.understudy.model.LinkSnapshot;
import org.understudy.model.LinkState;
import org.understudy.model.MirrorState;
import org.understudy.model.PathSnapshot;
import org.understudy.model.PathState;
import org.understudy.model.PrimarySnapshot;
import org.understudy.model.SnapshotSpace;
import org.understudy.model.PrimaryState;
import org.understudy.model.VolumeSnapshot;
import org.understudy.security.AuthFace;

/**
 * The node's model as Prometheus metrics, built from one snapshot per scrape (no state of its own). Names are in
 * the {@code understudy_} namespace and follow drbd-reactor's and ha_cluster_exporter's conventions: states are
 * gauges with a {@code state} label (1 for the current one, 0 for the others, so a query can select on either),
 * byte counters end in {@code _bytes_total}, durations are in seconds. Thread-safe.
 */
public final class ModelCollector implements MultiCollector {
    static final String NS = "understudy_";
    private static final String[] QUANTILES = {"0.5", "0.99", "0.999"};

    private final Supplier<ClusterSnapshot> model;
    private final Supplier<Map<AuthFace, Long>> authFailures;

    public ModelCollector(Supplier<ClusterSnapshot> model, Supplier<Map<AuthFace, Long>> authFailures) {
        this.model = model;
        this.authFailures = authFailures;
    }

    @Override
    public MetricSnapshots collect() {
        return collect(model.get(), authFailures.get());
    }

    /** The metrics of one snapshot (the tests' entry point). */
    public static MetricSnapshots collect(ClusterSnapshot s, Map<AuthFace, Long> refused) {
        List<MetricSnapshot> out = new ArrayList<>();
        node(s, out);
        primaries(s, out);
        paths(s, out);
        volumes(s, out);
        links(s, out);
        alarms(s, out);
        snapshots(s, out);
        CounterSnapshot.Builder auth = CounterSnapshot.builder().name(NS + "auth_failures")
                .help("Authentications refused since the node started, per face (web, admin API, JMX, SNMP, replication, heartbeat)");
        for (AuthFace f : AuthFace.values()) {
            auth.dataPoint(count(Labels.of("face", face(f)), refused.getOrDefault(f, 0L)));
        }
        out.add(auth.build());
        return new MetricSnapshots(out);
    }

    private static void node(ClusterSnapshot s, List<MetricSnapshot> out) {
        out.add(InfoSnapshot.builder().name(NS + "node").help("The node answering: its name, role, version and cluster")
                .dataPoint(InfoSnapshot.InfoDataPointSnapshot.builder().labels(Labels.of("cluster", s.cluster(), "node",
                        s.node().name(), "role", s.node().role().name().toLowerCase(), "version", s.node().version())).build())
                .build());
        out.add(gauge("node_start_time_seconds", "When the node process started (Unix time)", Unit.SECONDS)
                .dataPoint(point(Labels.EMPTY, s.node().startedAt().toEpochMilli() / 1000.0)).build());
        if (s.node().role() == org.understudy.model.Role.STANDBY) {
            out.add(gauge("failover_automatic", "1 when automatic failover is on, 0 in vault mode", null)
                    .dataPoint(point(Labels.EMPTY, s.failover().autoFailover() ? 1 : 0)).build());
            out.add(gauge("standins_active", "Primaries the standby stands in for now", null)
                    .dataPoint(point(Labels.EMPTY, s.failover().standInsActive())).build());
            out.add(gauge("standins_allowed", "At most this many stand-ins at once", null)
                    .dataPoint(point(Labels.EMPTY, s.failover().standInsAllowed())).build());
        }
    }

    private static void primaries(ClusterSnapshot s, List<MetricSnapshot> out) {
        GaugeSnapshot.Builder state = gauge("primary_state", "1 for the state the primary is in, 0 for the others", null);
        CounterSnapshot.Builder failovers = CounterSnapshot.builder().name(NS + "primary_failovers")
                .help("Takeovers of the primary (automatic, forced or planned) since the standby started");
        GaugeSnapshot.Builder last = gauge("primary_last_failover_duration_seconds",
                "Decision to last step of the primary's last failover, switchover or failback", Unit.SECONDS);
        GaugeSnapshot.Builder steps = gauge("primary_last_failover_step_duration_seconds",
                "Each step of the primary's last failover, switchover or failback", Unit.SECONDS);
        GaugeSnapshot.Builder lastAt = gauge("primary_last_failover_timestamp_seconds",
                "When the primary's last failover, switchover or failback started (Unix time)", Unit.SECONDS);
        GaugeSnapshot.Builder caps = gauge("primary_throttle_bytes_per_second",
                "Bandwidth cap on the primary's replication traffic (0: none)", null);
        for (PrimarySnapshot p : s.primaries()) {
            for (PrimaryState st : PrimaryState.values()) {
                state.dataPoint(point(Labels.of("primary", p.name(), "state", st.name()), p.state() == st ? 1 : 0));
            }
            failovers.dataPoint(count(Labels.of("primary", p.name()), p.failovers()));
            caps.dataPoint(point(Labels.of("primary", p.name(), "traffic", "mirror"), p.caps().mirror()));
            caps.dataPoint(point(Labels.of("primary", p.name(), "traffic", "resync"), p.caps().resync()));
            FailoverTimeline t = p.lastSequence();
            if (t != null) {
                Labels l = Labels.of("primary", p.name(), "kind", t.kind(), "completed", Boolean.toString(t.completed()));
                last.dataPoint(point(l, seconds(t.total())));
                lastAt.dataPoint(point(Labels.of("primary", p.name(), "kind", t.kind()), t.startedAt().toEpochMilli() / 1000.0));
                for (FailoverStep st : t.steps()) {
                    steps.dataPoint(point(Labels.of("primary", p.name(), "kind", t.kind(), "step", st.name(), "outcome",
                            st.outcome().name()), seconds(st.duration())));
                }
            }
        }
        out.add(state.build());
        out.add(failovers.build());
        out.add(caps.build());
        out.add(last.build());
        out.add(lastAt.build());
        out.add(steps.build());
    }

    private static void paths(ClusterSnapshot s, List<MetricSnapshot> out) {
        GaugeSnapshot.Builder up = gauge("path_up", "1 when the health path shows signs of life, 0 when it is silent", null);
        GaugeSnapshot.Builder silent = gauge("path_silent_seconds", "Time since the last valid traffic on the path",
                Unit.SECONDS);
        CounterSnapshot.Builder heartbeats = CounterSnapshot.builder().name(NS + "path_heartbeats")
                .help("Heartbeats received on the path since start, by outcome (valid, replayed, forged, malformed)");
        // a primary's own paths may be in both lists: one series per node and path
        Map<String, PathSnapshot> all = new java.util.LinkedHashMap<>();
        s.paths().forEach(p -> all.put(p.node() + "/" + p.path(), p));
        s.primaries().forEach(pr -> pr.paths().forEach(p -> all.put(p.node() + "/" + p.path(), p)));
        for (PathSnapshot p : all.values()) {
            Labels l = Labels.of("node", p.node(), "path", p.path(), "kind", p.kind().name().toLowerCase());
            up.dataPoint(point(l, p.state() == PathState.UP ? 1 : 0));
            silent.dataPoint(point(l, seconds(p.silentFor())));
            long[] counts = {p.valid(), p.replayed(), p.forged(), p.malformed()};
            String[] names = {"valid", "replayed", "forged", "malformed"};
            for (int i = 0; i < counts.length; i++) {
                heartbeats.dataPoint(count(l.add("outcome", names[i]), counts[i]));
            }
        }
        out.add(up.build());
        out.add(silent.build());
        out.add(heartbeats.build());
    }

    private static void volumes(ClusterSnapshot s, List<MetricSnapshot> out) {
        GaugeSnapshot.Builder state = gauge("volume_state", "1 for the volume's replication state, 0 for the others", null);
        GaugeSnapshot.Builder size = gauge("volume_size_bytes", "Size of the volume", Unit.BYTES);
        GaugeSnapshot.Builder sync = gauge("volume_sync_ratio", "How much of the replica is in sync (1: all)", Unit.RATIO);
        CounterSnapshot.Builder bytes = CounterSnapshot.builder().name(NS + "volume_replicated_bytes").unit(Unit.BYTES)
                .help("Bytes of writes the standby acknowledged since the node started");
        CounterSnapshot.Builder writes = CounterSnapshot.builder().name(NS + "volume_replicated_writes")
                .help("Write requests the standby acknowledged since the node started");
        GaugeSnapshot.Builder outOfSync = gauge("volume_outofsync_bytes",
                "Bytes of the regions the replica may lack (what the next resync copies)", Unit.BYTES);
        GaugeSnapshot.Builder backlog = gauge("volume_backlog_bytes",
                "Bytes written but not yet acknowledged by the standby (asynchronous mode)", Unit.BYTES);
        GaugeSnapshot.Builder resyncDone = gauge("volume_resync_done_bytes", "Bytes the current or last resync copied",
                Unit.BYTES);
        GaugeSnapshot.Builder resyncTotal = gauge("volume_resync_total_bytes", "Bytes the current or last resync has to copy",
                Unit.BYTES);
        GaugeSnapshot.Builder latency = gauge("volume_write_latency_seconds",
                "Write latency seen by NBD clients (local write plus the standby's acknowledgement when mirrored)", Unit.SECONDS);
        GaugeSnapshot.Builder mismatches = gauge("volume_verify_mismatches",
                "Regions the last online verify found different (0 when none ran)", null);
        for (VolumeSnapshot v : s.volumes()) {
            Labels l = Labels.of("primary", v.primary(), "volume", v.name());
            for (MirrorState m : MirrorState.values()) {
                state.dataPoint(point(l.add("state", m.name()), v.state() == m ? 1 : 0));
            }
            size.dataPoint(point(l, v.size()));
            sync.dataPoint(point(l, v.syncPercent() / 100.0));
            bytes.dataPoint(count(l, v.bytesReplicated()));
            writes.dataPoint(count(l, v.writesReplicated()));
            if (v.dirtyBytes() >= 0) {
                outOfSync.dataPoint(point(l, v.dirtyBytes()));
            }
            backlog.dataPoint(point(l, v.backlogBytes()));
            resyncDone.dataPoint(point(l, v.resyncDoneBytes()));
            resyncTotal.dataPoint(point(l, v.resyncTotalBytes()));
            if (v.writeLatency() != null && v.writeLatency().count() > 0) {
                long[] us = {v.writeLatency().p50Micros(), v.writeLatency().p99Micros(), v.writeLatency().p999Micros()};
                for (int i = 0; i < QUANTILES.length; i++) {
                    latency.dataPoint(point(l.add("quantile", QUANTILES[i]), us[i] / 1e6));
                }
            }
            mismatches.dataPoint(point(l, v.lastVerify().mismatches()));
        }
        for (GaugeSnapshot.Builder b : List.of(state, size, sync, outOfSync, backlog, resyncDone, resyncTotal, latency, mismatches)) {
            out.add(b.build());
        }
        out.add(bytes.build());
        out.add(writes.build());
    }

    private static void links(ClusterSnapshot s, List<MetricSnapshot> out) {
        GaugeSnapshot.Builder state = gauge("link_state", "1 for the replication link's state, 0 for the others", null);
        Map<String, LinkSnapshot> unique = new java.util.LinkedHashMap<>();
        s.links().forEach(l -> unique.put(l.peer() + "/" + l.volume(), l));
        for (LinkSnapshot l : unique.values()) {
            for (LinkState st : LinkState.values()) {
                state.dataPoint(point(Labels.of("peer", l.peer(), "volume", l.volume(), "state", st.name()),
                        l.state() == st ? 1 : 0));
            }
        }
        out.add(state.build());
    }

    private static void alarms(ClusterSnapshot s, List<MetricSnapshot> out) {
        Map<AlarmKind, Map<AlarmSeverity, Integer>> counts = new EnumMap<>(AlarmKind.class);
        for (Alarm a : s.alarms()) {
            counts.computeIfAbsent(a.kind(), k -> new EnumMap<>(AlarmSeverity.class)).merge(a.severity(), 1, Integer::sum);
        }
        GaugeSnapshot.Builder active = gauge("alarms_active", "Active alarms by kind and severity", null);
        for (AlarmKind k : AlarmKind.values()) {
            Map<AlarmSeverity, Integer> bySeverity = counts.getOrDefault(k, Map.of());
            if (bySeverity.isEmpty()) {
                active.dataPoint(point(Labels.of("kind", k.name(), "severity", k.defaultSeverity().name()), 0));
            }
            bySeverity.forEach((sev, n) -> active.dataPoint(point(Labels.of("kind", k.name(), "severity", sev.name()), n)));
        }
        out.add(active.build());
    }

    /** On the standby: each primary's snapshots, the space they take and its limit. */
    private static void snapshots(ClusterSnapshot s, List<MetricSnapshot> out) {
        if (s.snapshotSpace().isEmpty()) {
            return;
        }
        GaugeSnapshot.Builder count = gauge("snapshots", "Snapshots of the primary's replicas kept on the standby", null);
        GaugeSnapshot.Builder used = gauge("snapshot_space_used_bytes",
                "Bytes the preserved chunks of the primary's snapshots take on the standby", Unit.BYTES);
        GaugeSnapshot.Builder limit = gauge("snapshot_space_limit_bytes",
                "Past this the oldest of the primary's snapshots is dropped (0: no limit)", Unit.BYTES);
        for (SnapshotSpace sp : s.snapshotSpace()) {
            Labels l = Labels.of("primary", sp.primary());
            count.dataPoint(point(l, sp.snapshots()));
            used.dataPoint(point(l, sp.usedBytes()));
            limit.dataPoint(point(l, sp.limitBytes()));
        }
        out.add(count.build());
        out.add(used.build());
        out.add(limit.build());
    }

    private static GaugeSnapshot.Builder gauge(String name, String help, Unit unit) {
        GaugeSnapshot.Builder b = GaugeSnapshot.builder().name(NS + name).help(help);
        return unit == null ? b : b.unit(unit);
    }

    private static GaugeSnapshot.GaugeDataPointSnapshot point(Labels labels, double value) {
        return GaugeSnapshot.GaugeDataPointSnapshot.builder().labels(labels).value(value).build();
    }

    private static CounterSnapshot.CounterDataPointSnapshot count(Labels labels, double value) {
        return CounterSnapshot.CounterDataPointSnapshot.builder().labels(labels).value(value).build();
    }

    private static double seconds(java.time.Duration d) {
        return d == null ? 0 : d.toNanos() / 1e9;
    }

    private static String face(AuthFace f) {
        return f.name().toLowerCase().replace('_', '-');
    }
}
