package org.understudy.mirror;

import java.util.concurrent.ScheduledExecutorService;
import org.understudy.config.VolumeConfig;
import org.understudy.storage.BlockDevice;

/**
 * The fixed collaborators of one {@link MirroredVolume}, shared by the volume, its {@link LinkKeeper} and its
 * {@link MirrorDataPath}, so each takes one holder instead of a dozen arguments. Immutable holder; every part is
 * thread-safe on its own (or, like the local device, safe for the concurrent use a block device gets).
 *
 * @param name        {@code primary/volume}, the prefix of every log line
 * @param primary     the primary's name
 * @param standbyName the standby's name
 * @param scheduler   the volume's timer (reconnects, bitmap housekeeping, link timers)
 */
record VolumeParts(String name, String primary, String standbyName, VolumeConfig volume, BlockDevice local,
                   MirrorOptions options, ScheduledExecutorService scheduler, ResyncPlanner planner, RangeGuard guard,
                   TrafficCounters counters, LatencyHistogram latency, PrimaryIdentity identity,
                   MirrorContext context) {

    /** Bytes of dirty regions (what the next resync would copy); -1 without a dirty bitmap. */
    long dirtyBytes() {
        return planner instanceof BitmapPlanner bp ? bp.dirtyBytes() : -1;
    }
}
