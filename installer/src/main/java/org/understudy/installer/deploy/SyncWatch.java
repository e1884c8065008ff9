package org.understudy.installer.deploy;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.LongSupplier;
import org.understudy.admin.AdminClient;
import org.understudy.admin.Json;
import org.understudy.cli.StatusFormatter;
import org.understudy.config.ClusterConfig;
import org.understudy.config.ConfigException;
import org.understudy.model.ClusterSnapshot;
import org.understudy.model.MirrorState;
import org.understudy.model.PrimarySnapshot;
import org.understudy.model.PrimaryState;
import org.understudy.model.VolumeSnapshot;

/**
 * Follows the standby's status until every primary is {@code PROTECTED} with every replica in sync, printing each
 * volume's progress (bytes, rate, ETA) every couple of seconds; then prints the cluster status. Gives up when nothing
 * progressed for {@code stall} (the nodes go on syncing). Not thread-safe.
 */
public final class SyncWatch {
    private final ClusterConfig cluster;
    private final PrintWriter out;
    private final LongSupplier nanos;
    private final Duration every;
    private final Duration stall;

    public SyncWatch(ClusterConfig cluster, PrintWriter out, LongSupplier nanos, Duration every, Duration stall) {
        this.cluster = cluster;
        this.out = out;
        this.nanos = nanos;
        this.every = every;
        this.stall = stall;
    }

    /** Waits for sync on {@code primaries} (names); returns true when all are in sync. */
    public boolean await(List<String> primaries) throws InterruptedException {
        AdminClient standby;
        try {
            standby = AdminClient.forNode(cluster, cluster.standby().name());
        } catch (ConfigException e) {
            throw new IllegalStateException(e);
        }
        long start = nanos.getAsLong();
        long lastProgress = start;
        Map<String, Long> lastBytes = new HashMap<>();
        long lastAt = start;
        double total = -1;
        while (true) {
            ClusterSnapshot s;
            try {
                s = Json.mapper().treeToValue(standby.getJson("/api/status"), ClusterSnapshot.class);
            } catch (Exception e) {
                s = null;
                out.println("waiting for the standby's status: " + e.getMessage());
            }
            long now = nanos.getAsLong();
            if (s != null) {
                boolean all = true;
                double secs = Math.max(1e-3, (now - lastAt) / 1e9);
                double done = 0;
                total = 0;
                StringBuilder lines = new StringBuilder();
                for (String p : primaries) {
                    PrimarySnapshot ps = s.primaries().stream().filter(x -> x.name().equals(p)).findFirst().orElse(null);
                    all &= ps != null && ps.state() == PrimaryState.PROTECTED;
                    for (VolumeSnapshot v : s.volumes()) {
                        if (!v.primary().equals(p)) {
                            continue;
                        }
                        long bytes = Math.round(v.size() * Math.min(100, v.syncPercent()) / 100);
                        boolean in = v.state() == MirrorState.IN_SYNC;
                        all &= in;
                        done += bytes;
                        total += v.size();
                        String key = p + "/" + v.name();
                        long before = lastBytes.getOrDefault(key, 0L);
                        if (bytes != before) {
                            lastProgress = now;
                        }
                        double rate = Math.max(0, bytes - before) / secs;
                        lastBytes.put(key, bytes);
                        lines.append(String.format(Locale.ROOT, "  %-16s %-12s %6.1f%%  %s of %s  %7.1f MB/s  ETA %s%n", key,
                                v.state(), v.syncPercent(), Preflight.mib(bytes), Preflight.mib(v.size()), rate / 1e6,
                                in ? "-" : rate <= 0 ? "?" : Math.round((v.size() - bytes) / rate) + " s"));
                    }
                }
                out.printf(Locale.ROOT, "sync %.0f s: %s of %s%n%s", (now - start) / 1e9, Preflight.mib((long) done),
                        Preflight.mib((long) total), lines);
                out.flush();
                if (all) {
                    out.printf(Locale.ROOT, "every replica in sync after %.1f s%n%n", (now - start) / 1e9);
                    out.print(StatusFormatter.format(s));
                    out.flush();
                    return true;
                }
            }
            lastAt = now;
            if (now - lastProgress > stall.toNanos()) {
                out.printf("no sync progress for %d s: the nodes go on; follow them with understudy status --config %s%n",
                        stall.toSeconds(), cluster.file());
                out.flush();
                return false;
            }
            Thread.sleep(every.toMillis());
        }
    }
}
