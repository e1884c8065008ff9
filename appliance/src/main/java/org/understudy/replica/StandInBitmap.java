package org.understudy.replica;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.understudy.resync.BitmapInfo;
import org.understudy.resync.ByteRange;
import org.understudy.resync.DirtyBitmap;
import org.understudy.resync.DirtyBitmapException;

/**
 * What a replica changed while the standby stood in for its primary: a persistent {@link DirtyBitmap} next to the
 * image ({@code <volume>.standin.bitmap}), marked durably before every stand-in write. It counts from the replica
 * identity's bitmap base (the generation the primary still holds), so a failback copies back only these regions
 * plus those the primary had in flight when it stopped. A file that is missing or damaged while the replica still
 * counts from a base is rebuilt all dirty and reported unusable: the decision table then copies the whole volume.
 * Thread-safe (the bitmap is).
 */
public final class StandInBitmap implements Closeable {
    private static final Logger LOG = LogManager.getLogger(StandInBitmap.class);
    private static final long MAX_RANGE = 64L << 20;

    private final DirtyBitmap bitmap;
    private final boolean usable;

    private StandInBitmap(DirtyBitmap bitmap, boolean usable) {
        this.bitmap = bitmap;
        this.usable = usable;
    }

    static Path path(Path image, String volume) {
        return image.resolveSibling(volume + ".standin.bitmap");
    }

    /** A new, clean bitmap (any old file replaced): the replica starts diverging from its primary now. */
    static StandInBitmap startFresh(String name, Path file, long size, int regionSize) throws IOException {
        Files.deleteIfExists(file);
        return new StandInBitmap(DirtyBitmap.create(name, file, size, regionSize, extentSize(regionSize), false,
                System::nanoTime), true);
    }

    /** The bitmap kept since the divergence began; rebuilt all dirty, and unusable, if it is missing or damaged. */
    static StandInBitmap resume(String name, Path file, long size, int regionSize) throws IOException {
        try {
            return new StandInBitmap(DirtyBitmap.open(name, file, size, regionSize, extentSize(regionSize),
                    DirtyBitmap.OnBadFile.FAIL, System::nanoTime), true);
        } catch (DirtyBitmapException e) {
            LOG.error("{}: the stand-in bitmap cannot vouch for what changed ({}); a failback will copy everything",
                    name, e.getMessage());
            return new StandInBitmap(DirtyBitmap.open(name, file, size, regionSize, extentSize(regionSize),
                    DirtyBitmap.OnBadFile.TREAT_ALL_DIRTY, System::nanoTime), false);
        }
    }

    private static int extentSize(int regionSize) {
        return Math.max(regionSize * 64, DirtyBitmap.DEFAULT_EXTENT_SIZE);
    }

    /** Records durably that {@code [offset, offset+length)} is about to change. */
    public void markBeforeWrite(long offset, long length) throws IOException {
        if (length > 0) {
            bitmap.markBeforeWrite(offset, length);
        }
    }

    /** What this bitmap contributes to a failback decision. */
    public BitmapInfo info() {
        return usable ? BitmapInfo.of(bitmap) : BitmapInfo.NONE;
    }

    /** The regions changed since the divergence began (every region if the bitmap is unusable). */
    public List<ByteRange> ranges() {
        return bitmap.dirtyRanges(MAX_RANGE);
    }

    /** Persists cleared snapshots and retires idle extents (housekeeping; a crash loses nothing without it). */
    public void flush() throws IOException {
        bitmap.flush();
    }

    /**
     * Closes the bitmap precisely: the first flush saves the bits, the second retires the extents idle since, so a
     * reopened bitmap holds exactly the regions written (after a crash, whole 4 MiB extents: more, never less).
     */
    @Override
    public void close() throws IOException {
        bitmap.flush();
        bitmap.flush();
        bitmap.close();
    }
}
