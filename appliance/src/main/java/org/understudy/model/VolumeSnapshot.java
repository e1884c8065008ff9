package org.understudy.model;

import org.understudy.config.MirrorMode;

/**
 * One volume (on a primary) or replica (on the standby) at a point in time.
 *
 * @param syncPercent      0..100; 100 when in sync
 * @param bytesReplicated  bytes the standby has acknowledged since this process started
 * @param writesReplicated write requests the standby has acknowledged since this process started
 * @param dirtyBytes       bytes of the regions the replica may lack (the primary's dirty bitmap); -1 where unknown
 * @param resyncDoneBytes  bytes the current (or last) resync has copied so far
 * @param resyncTotalBytes bytes the current (or last) resync has to copy
 * @param resyncRate       bytes per second of the current (or last) resync; 0 when none ran
 * @param backlogBytes     bytes written but not yet acknowledged by the standby (async mode backlog)
 * @param generation       the generation of the data this copy holds (16 hex digits), "" when unknown
 * @param lastVerify       outcome of the last online verify ({@link VerifySummary#NONE} when none ran)
 */
public record VolumeSnapshot(String primary, String name, long size, MirrorMode mode, MirrorState state,
                             double syncPercent, long bytesReplicated, long writesReplicated,
                             LatencySummary writeLatency, long dirtyBytes, long resyncDoneBytes,
                             long resyncTotalBytes, double resyncRate, long backlogBytes, String generation,
                             VerifySummary lastVerify) {

    public VolumeSnapshot {
        generation = generation == null ? "" : generation;
        lastVerify = lastVerify == null ? VerifySummary.NONE : lastVerify;
    }

    /**
     * Bytes the replica may lack, as every face shows it: the dirty-region bitmap's figure where the node keeps one (a
     * primary), else (the standby, whose replicas keep none: {@code dirtyBytes} is negative) estimated from the sync
     * share, 0 when in sync. Never a sentinel.
     */
    public long dirtyBytesOrEstimate() {
        if (dirtyBytes >= 0) {
            return dirtyBytes;
        }
        if (state == MirrorState.IN_SYNC) {
            return 0;
        }
        double sync = Math.max(0, Math.min(100, syncPercent));
        return Math.round(size * (100 - sync) / 100);
    }

    /** The same snapshot with {@code verify} as its last verify (the standby shows the primary's). */
    public VolumeSnapshot withLastVerify(VerifySummary verify) {
        return new VolumeSnapshot(primary, name, size, mode, state, syncPercent, bytesReplicated, writesReplicated,
                writeLatency, dirtyBytes, resyncDoneBytes, resyncTotalBytes, resyncRate, backlogBytes, generation, verify);
    }

    /** A snapshot without the resync figures (a node that does not track them). */
    public VolumeSnapshot(String primary, String name, long size, MirrorMode mode, MirrorState state,
                          double syncPercent, long bytesReplicated, long writesReplicated,
                          LatencySummary writeLatency) {
        this(primary, name, size, mode, state, syncPercent, bytesReplicated, writesReplicated, writeLatency, -1, 0, 0,
                0, 0, "", VerifySummary.NONE);
    }
}
