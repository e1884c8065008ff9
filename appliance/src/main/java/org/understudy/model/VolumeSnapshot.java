package org.understudy.model;

import org.understudy.config.MirrorMode;

/**
 * One volume (on a primary) or replica (on the standby) at a point in time.
 *
 * @param syncPercent      0..100; 100 when in sync
 * @param bytesReplicated  bytes the standby has acknowledged since this process started
 * @param writesReplicated write requests the standby has acknowledged since this process started
 */
public record VolumeSnapshot(String primary, String name, long size, MirrorMode mode, MirrorState state,
                             double syncPercent, long bytesReplicated, long writesReplicated,
                             LatencySummary writeLatency) {
}
