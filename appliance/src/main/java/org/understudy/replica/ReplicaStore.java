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
import org.understudy.snapshot.SharedRoom;
import org.understudy.snapshot.SnapshotStore;

/**
 * Every replica the standby holds: one directory per primary under {@code standby.replicaDir()}, one image and one
 * metadata file per volume, all opened at start. The set is fixed after {@link #open}; thread-safe.
 */
public final class ReplicaStore implements Closeable {
    private static final Logger LOG = LogManager.getLogger(ReplicaStore.class);
    private final Map<String, Replica> replicas;
    private final Map<String, SnapshotStore> snapshots;

    private ReplicaStore(Map<String, Replica> replicas, Map<String, SnapshotStore> snapshots) {
        this.replicas = replicas;
        this.snapshots = snapshots;
    }

    /**
     * Opens (creating where missing) the replica of every volume of every configured primary, and each primary's
     * snapshot store ({@code replicas/<primary>/snapshots/}).
     */
    public static ReplicaStore open(ClusterConfig cluster, Clock wallClock) throws IOException {
        Map<String, Replica> map = new LinkedHashMap<>();
        Map<String, SnapshotStore> stores = new LinkedHashMap<>();
        try {
            for (PrimaryConfig p : cluster.primaries()) {
                SnapshotStore snaps = SnapshotStore.open(snapshotDir(cluster, p.name()), p.name(),
                        cluster.snapshots().chunkSize(), cluster.snapshots().policy(p.name()).spaceLimit());
                stores.put(p.name(), snaps);
                for (VolumeConfig v : p.volumes()) {
                    Replica r = Replica.open(cluster.standby(), p.name(), v, wallClock, snaps);
                    map.put(key(p.name(), v.name()), r);
                    LOG.info("standby {}/{}: replica {} ({} bytes, consistent={}, fresh={})", p.name(), v.name(),
                            r.image(), v.size(), r.consistent(), r.fresh());
                }
            }
        } catch (IOException | RuntimeException e) {
            for (Closeable c : concat(map.values(), stores.values())) {
                try {
                    c.close();
                } catch (IOException suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            throw e;
        }
        SharedRoom.link(stores.values()); // a full disk: one primary's snapshots give room to another's mirror
        return new ReplicaStore(map, stores);
    }

    /** Where {@code primary}'s snapshot store lives on the standby. */
    public static java.nio.file.Path snapshotDir(ClusterConfig cluster, String primary) {
        return cluster.standby().replicaDir().resolve(primary).resolve("snapshots");
    }

    /** The snapshot store of {@code primary}, or null when not configured. */
    public SnapshotStore snapshots(String primary) {
        return snapshots.get(primary);
    }

    private static List<Closeable> concat(java.util.Collection<? extends Closeable> a,
                                          java.util.Collection<? extends Closeable> b) {
        List<Closeable> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
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
        for (Closeable r : concat(replicas.values(), snapshots.values())) {
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
