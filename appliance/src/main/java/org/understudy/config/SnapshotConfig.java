package org.understudy.config;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Snapshots of replicas on the standby ({@code snapshots:} at the top of the cluster file, overridden per primary):
 * how they are stored and served, how long automatic ones live and the schedules that take them. Immutable;
 * {@link #DEFAULTS} when the file says nothing.
 *
 * @param chunkSize copy-on-write unit: a write preserves whole chunks of this size (a power of two, 4 KiB..4 MiB)
 * @param port      where the standby serves snapshots as read-only NBD exports, on its own address
 */
public record SnapshotConfig(int chunkSize, int port, Policy cluster, Map<String, Policy> primaries) {

    /**
     * What the standby keeps for one primary.
     *
     * @param spaceLimit      bytes the primary's snapshots may take; past it the oldest is dropped (0: no limit)
     * @param preResync       take a snapshot before a replica becomes a resync target
     * @param keepAfterResync how long such a snapshot stays after its resync ended
     * @param schedules       periodic snapshots and their retention
     */
    public record Policy(long spaceLimit, boolean preResync, Duration keepAfterResync, List<Schedule> schedules) {
        public static final Policy DEFAULTS = new Policy(0, true, Duration.ofHours(1), List.of());

        public Policy {
            schedules = List.copyOf(schedules);
        }
    }

    /**
     * One schedule: a snapshot of every volume of the primary every {@code every} (aligned to whole multiples of it
     * since the epoch, so an hourly one falls on the hour), of which the newest {@code keep} are kept.
     *
     * @param name label of its snapshots, unique within a primary
     */
    public record Schedule(String name, Duration every, int keep) {
    }

    public static final int DEFAULT_CHUNK_SIZE = 4096;
    public static final SnapshotConfig DEFAULTS = new SnapshotConfig(DEFAULT_CHUNK_SIZE,
            ClusterConfigLoader.DEFAULT_NBD_PORT, Policy.DEFAULTS, Map.of());

    public SnapshotConfig {
        primaries = Map.copyOf(primaries);
    }

    /** The policy of {@code primary}: its own block, else the cluster's. */
    public Policy policy(String primary) {
        return primaries.getOrDefault(primary, cluster);
    }
}
