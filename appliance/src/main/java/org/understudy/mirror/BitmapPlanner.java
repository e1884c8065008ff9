package org.understudy.mirror;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.understudy.resync.BitmapInfo;
import org.understudy.resync.DirtyBitmap;

/**
 * The {@link ResyncPlanner} over a persistent {@link DirtyBitmap}: every write marks its regions durably before it
 * touches the local volume (activity-log style, so most writes cost no I/O), and a region is cleared only when the
 * standby has confirmed its whole content with no newer write to it unconfirmed.
 *
 * <p>Why a per-region in-flight record: an acknowledged client write confirms only its own bytes. A region that was
 * already dirty when the write began (older data the replica lacks) stays dirty until a resync chunk covering the
 * whole region is acknowledged ("stale"); a region whose only changes are writes in flight is cleared when the last of
 * them is acknowledged. A write that is not acknowledged (the link died) leaves its regions dirty. The check and the
 * clear happen under one lock, that of the {@link RegionWrites} table, and a writer registers there before it sets
 * its bit, so a clear never erases the bit of a newer write. The table is primitive arrays: a write allocates
 * nothing here (it used to cost a map node, a boxed key, a record and two lambdas per region).
 *
 * <p>Thread-safe.
 */
final class BitmapPlanner implements ResyncPlanner {
    private static final Logger LOG = LogManager.getLogger(BitmapPlanner.class);
    /** Largest extent handed to a resync in one piece (a chunk of the sync is at most a frame anyway). */
    private static final long MAX_EXTENT = 64L << 20;

    private final String name;
    private final DirtyBitmap bitmap;
    private final boolean usable;
    /** Writes in flight per region ({@code stale}: the region holds older unconfirmed data as well); under lock. */
    private final RegionWrites inFlight = new RegionWrites();
    private final ReentrantLock lock = new ReentrantLock();

    /**
     * @param usable false when the bitmap was rebuilt all-dirty because the file was missing or damaged: it then
     *               cannot vouch for what changed since its base, and the decision table must know
     */
    BitmapPlanner(String name, DirtyBitmap bitmap, boolean usable) {
        this.name = name;
        this.bitmap = bitmap;
        this.usable = usable;
    }

    DirtyBitmap bitmap() {
        return bitmap;
    }

    /** What this side's bitmap contributes to a resync decision. */
    BitmapInfo info() {
        return usable ? BitmapInfo.of(bitmap) : BitmapInfo.NONE;
    }

    long dirtyBytes() {
        return bitmap.dirtyBytes();
    }

    @Override
    public void beforeWrite(long offset, long length) throws IOException {
        if (length <= 0) {
            return;
        }
        long first = offset / bitmap.regionSize();
        long last = (offset + length - 1) / bitmap.regionSize();
        lock.lock();
        try {
            for (long r = first; r <= last; r++) {
                int slot = inFlight.find(r);
                if (slot < 0) {
                    slot = inFlight.insert(r);
                    if (bitmap.isDirty(r)) {
                        inFlight.stale(slot, true);
                    }
                }
                inFlight.count(slot, inFlight.count(slot) + 1);
            }
        } finally {
            lock.unlock();
        }
        try {
            bitmap.markBeforeWrite(offset, length);
        } catch (IOException | RuntimeException e) {
            release(first, last, false);
            throw e;
        }
    }

    @Override
    public void replicated(long offset, long length) {
        if (length > 0) {
            release(offset / bitmap.regionSize(), (offset + length - 1) / bitmap.regionSize(), true);
        }
    }

    @Override
    public void markUnreplicated(long offset, long length) {
        if (length > 0) {
            // the bit was set durably before the write; it stays set, and a later ack must not clear it
            release(offset / bitmap.regionSize(), (offset + length - 1) / bitmap.regionSize(), false);
        }
    }

    private void release(long first, long last, boolean acked) {
        lock.lock();
        try {
            for (long r = first; r <= last; r++) {
                int slot = inFlight.find(r);
                if (slot < 0) {
                    continue;
                }
                if (!acked) {
                    inFlight.stale(slot, true);
                }
                int left = inFlight.count(slot) - 1;
                inFlight.count(slot, left);
                if (left > 0) {
                    continue;
                }
                if (!inFlight.stale(slot)) {
                    bitmap.clearRegion(r);
                }
                inFlight.remove(slot);
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * A resync chunk covering whole regions {@code [offset, offset+length)} was acknowledged: the replica holds their
     * content as of the chunk, and every write still in flight on them was sequenced after it.
     */
    @Override
    public void chunkCopied(long offset, long length) {
        if (length <= 0) {
            return;
        }
        long first = offset / bitmap.regionSize();
        long last = (offset + length - 1) / bitmap.regionSize();
        for (long r = first; r <= last; r++) {
            if (bitmap.regionOffset(r) < offset || bitmap.regionOffset(r) + bitmap.regionLength(r) > offset + length) {
                continue; // partly covered: not confirmed as a whole
            }
            lock.lock();
            try {
                int slot = inFlight.find(r);
                if (slot < 0) {
                    bitmap.clearRegion(r);
                } else {
                    inFlight.stale(slot, false);
                }
            } finally {
                lock.unlock();
            }
        }
    }

    @Override
    public List<Extent> plan(long volumeSize, boolean replicaConsistent) {
        return dirtyExtents();
    }

    /** Every region dirty, durably: the next plan copies the whole volume (a full resync). */
    void markAll() throws IOException {
        bitmap.markAll();
    }

    /** The dirty regions as extents in disk order, neighbours merged. */
    List<Extent> dirtyExtents() {
        return bitmap.dirtyRanges(MAX_EXTENT).stream().map(r -> new Extent(r.offset(), r.length())).toList();
    }

    @Override
    public void completed(List<Extent> copied) {
        try {
            bitmap.flush();
        } catch (IOException e) {
            LOG.warn("mirror {}: flushing the dirty bitmap after a resync failed: {} (cleared bits persist later)",
                    name, e.toString());
        }
    }
}
