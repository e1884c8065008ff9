package org.understudy.web.series;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.understudy.model.ClusterSnapshot;
import org.understudy.model.VolumeSnapshot;

/**
 * The graphs' memory: per volume, one sample every {@code interval} over the last hour, in fixed arrays (about
 * 3 KB per volume and metric at a 2 s interval), so the node holds a bounded amount whatever runs. Throughput is
 * the difference of the replicated-byte counter between samples. Thread-safe.
 */
public final class SeriesStore {
    /** How far back the graphs reach. */
    public static final Duration WINDOW = Duration.ofHours(1);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String[] NAMES = {"throughput", "latencyP99Ms", "dirty", "backlog", "resyncPercent"};

    private final int capacity;
    private final Map<String, VolumeSeries> volumes = new LinkedHashMap<>();

    public SeriesStore(Duration interval) {
        this.capacity = (int) Math.max(2, WINDOW.toMillis() / interval.toMillis());
    }

    /** Adds one sample of every volume in the snapshot. */
    public synchronized void sample(ClusterSnapshot s, long nowNanos, Instant wall) {
        long second = wall.getEpochSecond();
        for (VolumeSnapshot v : s.volumes()) {
            VolumeSeries vs = volumes.computeIfAbsent(v.primary() + "/" + v.name(), k -> new VolumeSeries(capacity));
            double throughput = 0;
            if (vs.lastBytes >= 0 && nowNanos > vs.lastNanos && v.bytesReplicated() >= vs.lastBytes) {
                throughput = (v.bytesReplicated() - vs.lastBytes) * 1e9 / (nowNanos - vs.lastNanos);
            }
            vs.lastBytes = v.bytesReplicated();
            vs.lastNanos = nowNanos;
            double[] sample = new double[VolumeSeries.METRICS];
            sample[VolumeSeries.THROUGHPUT] = throughput;
            sample[VolumeSeries.LATENCY_P99_MS] = v.writeLatency() == null ? 0 : v.writeLatency().p99Micros() / 1000.0;
            sample[VolumeSeries.DIRTY] = Math.max(0, v.dirtyBytes());
            sample[VolumeSeries.BACKLOG] = v.backlogBytes();
            sample[VolumeSeries.RESYNC_PERCENT] = v.resyncTotalBytes() > 0 && v.resyncDoneBytes() < v.resyncTotalBytes()
                    ? 100.0 * v.resyncDoneBytes() / v.resyncTotalBytes() : v.syncPercent();
            vs.add(second, sample);
        }
    }

    /**
     * Everything kept for {@code primary}'s volumes: {@code {"volumes": {"vol0": {"t": [...], "throughput": [...],
     * ...}}}}, times in epoch seconds.
     */
    public synchronized ObjectNode all(String primary) {
        return json(primary, false);
    }

    /** The newest sample of each of {@code primary}'s volumes, in the same shape with one point each. */
    public synchronized ObjectNode latest(String primary) {
        return json(primary, true);
    }

    private ObjectNode json(String primary, boolean lastOnly) {
        ObjectNode root = JSON.createObjectNode();
        ObjectNode vols = root.putObject("volumes");
        String prefix = primary + "/";
        for (Map.Entry<String, VolumeSeries> e : volumes.entrySet()) {
            if (!e.getKey().startsWith(prefix)) {
                continue;
            }
            VolumeSeries vs = e.getValue();
            ObjectNode o = vols.putObject(e.getKey().substring(prefix.length()));
            int from = lastOnly ? Math.max(0, vs.size() - 1) : 0;
            ArrayNode t = o.putArray("t");
            for (int i = from; i < vs.size(); i++) {
                t.add(vs.time(i));
            }
            for (int m = 0; m < VolumeSeries.METRICS; m++) {
                ArrayNode a = o.putArray(NAMES[m]);
                for (int i = from; i < vs.size(); i++) {
                    a.add(vs.value(m, i));
                }
            }
        }
        return root;
    }

    /** Volumes tracked (for tests and logs). */
    public synchronized int volumes() {
        return volumes.size();
    }
}
