package org.understudy.standby;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLongArray;
import org.understudy.mirror.ServedDevice;
import org.understudy.replica.StandInBitmap;
import org.understudy.resync.ByteRange;

/**
 * What the standby marks of each write while it stands in for a primary: the replica's durable stand-in bitmap
 * before the write (so a failback after a standby restart still knows what changed), and an in-memory set of the
 * 64 KiB regions written since {@link #markClean}, so the end of a failback copies only those. Thread-safe.
 */
final class StandInMarks implements ServedDevice.WriteMarks {
    static final int REGION = 64 * 1024;

    private final long size;
    private final StandInBitmap journal;
    private final AtomicLongArray dirty;

    /** Marks for a replica of {@code size} bytes; {@code journal} is its stand-in bitmap (null in tests). */
    StandInMarks(long size, StandInBitmap journal) {
        this.size = size;
        this.journal = journal;
        long regions = (size + REGION - 1) / REGION;
        this.dirty = new AtomicLongArray((int) ((regions + 63) / 64));
    }

    /** Before a write: the durable stand-in bitmap, then the in-memory set. */
    @Override
    public void beforeWrite(long offset, long length) throws IOException {
        if (journal != null) {
            journal.markBeforeWrite(offset, length);
        }
        markMemory(offset, length);
    }

    /**
     * After a write: the in-memory bits again. A {@link #markClean} between the mark and the end of the write would
     * otherwise hide a write that the first copy may have read too early.
     */
    @Override
    public void afterWrite(long offset, long length) {
        markMemory(offset, length);
    }

    /** Forgets every written region: from now on only new writes count. */
    void markClean() {
        for (int i = 0; i < dirty.length(); i++) {
            dirty.set(i, 0);
        }
    }

    /** Regions written since {@link #markClean}, merged into ascending byte ranges. */
    List<ByteRange> dirtyExtents() {
        List<ByteRange> out = new ArrayList<>();
        long regions = (size + REGION - 1) / REGION;
        long start = -1;
        for (long r = 0; r <= regions; r++) {
            boolean d = r < regions && (dirty.get((int) (r >>> 6)) & (1L << (r & 63))) != 0;
            if (d && start < 0) {
                start = r;
            } else if (!d && start >= 0) {
                long off = start * REGION;
                out.add(new ByteRange(off, Math.min(size, r * REGION) - off));
                start = -1;
            }
        }
        return out;
    }

    private void markMemory(long offset, long length) {
        for (long r = offset / REGION; r <= (offset + length - 1) / REGION; r++) {
            int word = (int) (r >>> 6);
            long bit = 1L << (r & 63);
            long v;
            do {
                v = dirty.get(word);
            } while ((v & bit) == 0 && !dirty.compareAndSet(word, v, v | bit));
        }
    }
}
