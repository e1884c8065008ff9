package org.understudy.web.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.DataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.understudy.security.AuthFace;
import org.understudy.model.ClusterSnapshot;
import org.understudy.model.SnapshotSpace;
import java.util.List;
import org.understudy.web.Snapshots;

/** The metrics of a model snapshot: names in the understudy_ namespace, conventions, and values. */
class ModelCollectorTest {
    private static final MetricSnapshots METRICS = ModelCollector.collect(Snapshots.standby(2, 2),
            Map.of(AuthFace.WEB, 3L, AuthFace.JMX, 1L));

    private static MetricSnapshot family(String name) {
        return METRICS.stream().filter(m -> m.getMetadata().getName().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no family " + name));
    }

    private static double value(String family, String... labels) {
        Labels want = Labels.of(labels);
        for (DataPointSnapshot d : family(family).getDataPoints()) {
            if (d.getLabels().equals(want)) {
                return d instanceof GaugeSnapshot.GaugeDataPointSnapshot g ? g.getValue()
                        : ((CounterSnapshot.CounterDataPointSnapshot) d).getValue();
            }
        }
        throw new AssertionError("no point " + want + " in " + family);
    }

    @Test
    void everyFamily_isInTheNamespace_withHelp() {
        Set<String> names = new TreeSet<>();
        for (MetricSnapshot m : METRICS) {
            names.add(m.getMetadata().getName());
            assertTrue(m.getMetadata().getName().startsWith("understudy_"), m.getMetadata().getName());
            assertTrue(m.getMetadata().getHelp() != null && !m.getMetadata().getHelp().isBlank(), m.getMetadata().getName());
        }
        for (String n : Set.of("understudy_primary_state", "understudy_path_up", "understudy_volume_replicated_bytes",
                "understudy_volume_outofsync_bytes", "understudy_volume_backlog_bytes", "understudy_volume_resync_done_bytes",
                "understudy_volume_write_latency_seconds", "understudy_primary_failovers",
                "understudy_primary_last_failover_duration_seconds", "understudy_alarms_active", "understudy_auth_failures")) {
            assertTrue(names.contains(n), n + " in " + names);
        }
    }

    @Test
    void states_areLabelledGauges_oneForTheCurrentState() {
        assertEquals(1, value("understudy_primary_state", "primary", "p1", "state", "STANDING_IN"));
        assertEquals(0, value("understudy_primary_state", "primary", "p1", "state", "PROTECTED"));
        assertEquals(1, value("understudy_primary_state", "primary", "p2", "state", "PROTECTED"));
        assertEquals(1, value("understudy_volume_state", "primary", "p1", "volume", "vol0", "state", "SYNCING"));
        assertEquals(1, value("understudy_link_state", "peer", "p2", "volume", "vol1", "state", "UP"));
    }

    @Test
    void values_agreeWithTheSnapshot() {
        assertEquals(0, value("understudy_path_up", "node", "p1", "path", "production", "kind", "production"));
        assertEquals(1, value("understudy_path_up", "node", "p2", "path", "production", "kind", "production"));
        assertEquals(2.5, value("understudy_path_silent_seconds", "node", "p1", "path", "production", "kind", "production"), 1e-9);
        assertEquals(2001, value("understudy_volume_replicated_bytes", "primary", "p2", "volume", "vol1"));
        assertEquals(8192, value("understudy_volume_outofsync_bytes", "primary", "p2", "volume", "vol0"));
        assertEquals(512, value("understudy_volume_backlog_bytes", "primary", "p1", "volume", "vol1"));
        assertEquals(0.425, value("understudy_volume_sync_ratio", "primary", "p1", "volume", "vol0"), 1e-9);
        assertEquals(0.0012, value("understudy_volume_write_latency_seconds", "primary", "p1", "volume", "vol0", "quantile", "0.99"), 1e-12);
        assertEquals(1, value("understudy_primary_failovers", "primary", "p1"));
        assertEquals(0.15, value("understudy_primary_last_failover_duration_seconds", "primary", "p1", "kind", "switchover",
                "completed", "true"), 1e-9);
        assertEquals(0.12, value("understudy_primary_last_failover_step_duration_seconds", "primary", "p1", "kind", "switchover",
                "step", "drain-primary", "outcome", "OK"), 1e-9);
        assertEquals(1, value("understudy_alarms_active", "kind", "PATH_DOWN", "severity", "MINOR"));
        assertEquals(0, value("understudy_alarms_active", "kind", "SPLIT_BRAIN", "severity", "CRITICAL"));
        assertEquals(3, value("understudy_auth_failures", "face", "web"));
        assertEquals(0, value("understudy_auth_failures", "face", "snmp"));
        assertEquals(1, value("understudy_standins_active"));
    }

    /** The library's text writer: counters get _total, units stay at the end, an unknown out-of-sync is left out. */
    @Test
    void textExposition_followsTheConventions() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrometheusTextFormatWriter.create().write(out, METRICS);
        String text = out.toString(StandardCharsets.UTF_8);
        assertTrue(text.contains("# TYPE understudy_volume_replicated_bytes_total counter"), text);
        assertTrue(text.contains("understudy_primary_state{primary=\"p1\",state=\"STANDING_IN\"} 1.0"), text);
        assertTrue(text.contains("understudy_auth_failures_total{face=\"web\"} 3.0"), text);
        assertTrue(text.contains("understudy_node_info{cluster=\"demo\",node=\"standby\",role=\"standby\",version=\"1.0\"} 1"), text);
        assertTrue(!text.contains("understudy_volume_outofsync_bytes{primary=\"p1\",volume=\"vol1\"}"),
                "an unknown (-1) out-of-sync count is left out, not shown as a number");
    }

    @Test
    void snapshotSpace_perPrimary_onTheStandby() {
        ClusterSnapshot s = Snapshots.standby(2, 2);
        ClusterSnapshot withSnapshots = new ClusterSnapshot(s.cluster(), s.node(), s.primaries(), s.volumes(), s.links(),
                s.paths(), s.alarms(), s.failover(), s.takenAt(), List.of(),
                List.of(new SnapshotSpace("p1", 3 << 20, 20L << 30, 2), new SnapshotSpace("p2", 0, 0, 0)));
        MetricSnapshots m = ModelCollector.collect(withSnapshots, Map.of());
        java.util.function.BiFunction<String, String, Double> v = (family, primary) -> m.stream()
                .filter(f -> f.getMetadata().getName().equals(family)).findFirst().orElseThrow()
                .getDataPoints().stream().filter(d -> d.getLabels().equals(Labels.of("primary", primary)))
                .map(d -> ((GaugeSnapshot.GaugeDataPointSnapshot) d).getValue()).findFirst().orElseThrow();
        assertEquals(2, v.apply("understudy_snapshots", "p1"));
        assertEquals(3 << 20, v.apply("understudy_snapshot_space_used_bytes", "p1"));
        assertEquals(20L << 30, v.apply("understudy_snapshot_space_limit_bytes", "p1"));
        assertEquals(0, v.apply("understudy_snapshots", "p2"));
        assertTrue(METRICS.stream().noneMatch(f -> f.getMetadata().getName().startsWith("understudy_snapshot")),
                "a node without snapshot space (a primary) has no snapshot families");
    }
}
