package org.understudy.replica;

import java.io.Closeable;
import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.understudy.config.ClusterConfig;
import org.understudy.config.PrimaryConfig;
import org.understudy.config.VolumeConfig;

/**
 * Every replica the standby holds: one directory per primary under {@code standby.replicaDir()}, one image and one
 * metadata file per volume, all opened at start. The set is fixed after {@link #open}; thread-safe.
 */
public final class ReplicaStore implements Closeable {
    private static final Logger LOG = LogManager.getLogger(ReplicaStore.class);
    private final Map<String, Replica> replicas;

    private ReplicaStore(Map<String, Replica> replicas) {
        this.replicas = replicas;
    }

    /** Opens (creating where missing) the replica of every volume of every configured primary. */
    public static ReplicaStore open(ClusterConfig cluster, Clock wallClock) throws IOException {
        Map<String, Replica> map = new LinkedHashMap<>();
        try {
            for (PrimaryConfig p : cluster.primaries()) {
                for (VolumeConfig v : p.volumes()) {
                    Replica r = Replica.open(cluster.standby(), p.name(), v, wallClock);
                    map.put(key(p.name(), v.name()), r);
                    LOG.info("standby {}/{}: replica {} ({} bytes, consistent={}, fresh={})", p.name(), v.name(),
                            r.image(), v.size(), r.consistent(), r.fresh());
                }
            }
        } catch (IOException | RuntimeException e) {
            for (Replica r : map.values()) {
                try {
                    r.close();
                } catch (IOException suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            throw e;
        }
        return new ReplicaStore(map);
    }

    /** The replica of {@code primary}/{@code volume}, or null when not configured. */
    public Replica replica(String primary, String volume) {
        return replicas.get(key(primary, volume));
    }

    public List<Replica> all() {
        return new ArrayList<>(replicas.values());
    }

    private static String key(String primary, String volume) {
        return primary + "/" + volume;
    }

    @Override
    public void close() throws IOException {
        IOException first = null;
        for (Replica r : replicas.values()) {
            try {
                r.close();
            } catch (IOException e) {
                first = first == null ? e : first;
            }
        }
        if (first != null) {
            throw first;
        }
    }
}
