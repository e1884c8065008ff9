package org.understudy.model;

import java.time.Instant;
import java.util.List;

/**
 * The immutable state model of one node at one instant: what every management face reads.
 *
 * @param volumes on a primary its own volumes; on the standby every replica it holds
 * @param links   replication links as this node sees them
 */
public record ClusterSnapshot(String cluster, NodeSnapshot node, List<VolumeSnapshot> volumes, List<LinkSnapshot> links,
                              Instant takenAt) {
    public ClusterSnapshot {
        volumes = List.copyOf(volumes);
        links = List.copyOf(links);
    }
}
