package org.understudy.mirror;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.LongSupplier;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.understudy.config.PrimaryConfig;
import org.understudy.config.VolumeConfig;
import org.understudy.resync.DirtyBitmap;
import org.understudy.resync.DirtyBitmapException;

/**
 * Opens (or creates) a volume's dirty bitmap in the primary's state directory and says whether it can be trusted for
 * a resync decision: a bitmap rebuilt because its file was missing (while the volume already had an identity) or
 * damaged is all dirty and "unusable", which the decision table turns into a full copy. Stateless.
 */
final class BitmapPlanners {
    private static final Logger LOG = LogManager.getLogger(BitmapPlanners.class);

    private BitmapPlanners() {
    }

    static BitmapPlanner open(PrimaryConfig primary, VolumeConfig volume, LongSupplier clock) throws IOException {
        String name = primary.name() + "/" + volume.name();
        Path file = PrimaryIdentity.bitmapPath(primary.stateDir(), volume.name());
        Path idFile = PrimaryIdentity.path(primary.stateDir(), volume.name());
        Files.createDirectories(file.getParent());
        int region = volume.mirror().regionSize();
        // 4 MiB hot extents (64 regions): a primary crash resyncs at most the extents written in the last few
        // seconds, while a random workload over a large volume keeps its extents hot instead of forcing the bitmap
        // file on most writes
        int extent = Math.max(region * 64, DirtyBitmap.DEFAULT_EXTENT_SIZE);
        if (!Files.exists(file)) {
            boolean known = Files.exists(idFile);
            if (known) {
                LOG.warn("mirror {}: dirty bitmap {} is missing although the volume has an identity: every region"
                        + " is dirty and the next resync is full", name, file);
            }
            return new BitmapPlanner(name, streams(DirtyBitmap.create(name, file, volume.size(), region, extent, known, clock)),
                    !known);
        }
        try {
            return new BitmapPlanner(name, streams(DirtyBitmap.open(name, file, volume.size(), region, extent,
                    DirtyBitmap.OnBadFile.FAIL, clock)), true);
        } catch (DirtyBitmapException e) {
            return new BitmapPlanner(name, streams(DirtyBitmap.open(name, file, volume.size(), region, extent,
                    DirtyBitmap.OnBadFile.TREAT_ALL_DIRTY, clock)), false);
        }
    }

    /**
     * Extents a sequential stream makes hot ahead of itself: a 1 MiB write stream forced the bitmap file once per
     * 4 MiB (64 forces per 256 MiB, each 1.7 ms on the development machine's ext4, and the writes entering the extent
     * wait for it); with 3 ahead, once per 16 MiB. A primary crash resyncs at most 12 MiB more of such a stream.
     */
    static final int HOT_AHEAD_EXTENTS = 3;

    private static DirtyBitmap streams(DirtyBitmap bitmap) {
        bitmap.hotAhead(HOT_AHEAD_EXTENTS);
        return bitmap;
    }
}
