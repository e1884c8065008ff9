package org.understudy.model;

import java.time.Instant;
import java.util.List;

/**
 * The immutable state model of one node at one instant: what every management face reads.
 *
 * @param primaries on the standby, its view of every primary (state, paths, last failover); on a primary, its own
 *                  state only (FENCED with the reason when it does not serve, else PROTECTED/SYNCING/DEGRADED)
 * @param volumes   on a primary its own volumes; on the standby every replica it holds
 * @param links     replication links as this node sees them
 * @param paths     on a primary, its health paths to the standby; on the standby they are inside {@code primaries}
 * @param alarms    active alarms, most severe first
 * @param failover  failover policy and activity (the standby's; {@link FailoverSummary#NONE} on a primary)
 * @param snapshots     on the standby, every snapshot image of every replica (empty on a primary)
 * @param snapshotSpace on the standby, the space each primary's snapshots take (empty on a primary)
 */
public record ClusterSnapshot(String cluster, NodeSnapshot node, List<PrimarySnapshot> primaries,
                              List<VolumeSnapshot> volumes, List<LinkSnapshot> links, List<PathSnapshot> paths,
                              List<Alarm> alarms, FailoverSummary failover, Instant takenAt,
                              List<SnapshotEntry> snapshots, List<SnapshotSpace> snapshotSpace) {
    public ClusterSnapshot {
        primaries = List.copyOf(primaries);
        volumes = List.copyOf(volumes);
        links = List.copyOf(links);
        paths = List.copyOf(paths);
        alarms = List.copyOf(alarms);
        snapshots = snapshots == null ? List.of() : List.copyOf(snapshots);
        snapshotSpace = snapshotSpace == null ? List.of() : List.copyOf(snapshotSpace);
    }

    /** A node without snapshots (a primary). */
    public ClusterSnapshot(String cluster, NodeSnapshot node, List<PrimarySnapshot> primaries,
                           List<VolumeSnapshot> volumes, List<LinkSnapshot> links, List<PathSnapshot> paths,
                           List<Alarm> alarms, FailoverSummary failover, Instant takenAt) {
        this(cluster, node, primaries, volumes, links, paths, alarms, failover, takenAt, List.of(), List.of());
    }
}
