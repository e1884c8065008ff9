package org.understudy.daemon;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.understudy.replica.StandInBitmap;
import org.understudy.resync.ByteRange;
import org.understudy.storage.BlockDevice;

/**
 * A device as a node serves it over NBD during a handover: counts requests in flight so a drain can wait until
 * every write already taken has finished (and been acknowledged by the standby), and, on the standby, remembers
 * which 64 KiB regions were written since {@link #markClean} so a failback copies only those at the end, and marks
 * the replica's durable stand-in bitmap before each write (so a failback after a standby restart still knows what
 * changed). Closing it does not close the device or the bitmap it uses. Thread-safe.
 */
final class ServedDevice implements BlockDevice {
    static final int REGION = 64 * 1024;

    private final BlockDevice inner;
    private final StandInBitmap journal;
    private final AtomicLongArray dirty;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition idle = lock.newCondition();
    private int inFlight;

    private ServedDevice(BlockDevice inner, StandInBitmap journal, boolean tracking) {
        this.inner = inner;
        this.journal = journal;
        long regions = (inner.size() + REGION - 1) / REGION;
        this.dirty = tracking ? new AtomicLongArray((int) ((regions + 63) / 64)) : null;
    }

    /** A primary's volume: counts requests in flight for a drain, and nothing more on the write path. */
    static ServedDevice counting(BlockDevice inner) {
        return new ServedDevice(inner, null, false);
    }

    /**
     * A replica served by the standby: also remembers the regions written since {@link #markClean}, and marks
     * {@code journal} (the replica's stand-in bitmap; null in tests) durably before each write.
     */
    static ServedDevice tracking(BlockDevice inner, StandInBitmap journal) {
        return new ServedDevice(inner, journal, true);
    }

    BlockDevice inner() {
        return inner;
    }

    /** Waits until no request is in flight; false if some still are after {@code timeoutMillis}. */
    boolean awaitIdle(long timeoutMillis) throws InterruptedException {
        long left = TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        lock.lock();
        try {
            while (inFlight > 0) {
                if (left <= 0) {
                    return false;
                }
                left = idle.awaitNanos(left);
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    int inFlight() {
        lock.lock();
        try {
            return inFlight;
        } finally {
            lock.unlock();
        }
    }

    /** Forgets every written region: from now on only new writes count. Tracking devices only. */
    void markClean() {
        for (int i = 0; i < dirty.length(); i++) {
            dirty.set(i, 0);
        }
    }

    /** Regions written since {@link #markClean}, merged into ascending byte ranges. */
    List<ByteRange> dirtyExtents() {
        List<ByteRange> out = new ArrayList<>();
        long regions = (inner.size() + REGION - 1) / REGION;
        long start = -1;
        for (long r = 0; r <= regions; r++) {
            boolean d = r < regions && (dirty.get((int) (r >>> 6)) & (1L << (r & 63))) != 0;
            if (d && start < 0) {
                start = r;
            } else if (!d && start >= 0) {
                long off = start * REGION;
                out.add(new ByteRange(off, Math.min(inner.size(), r * REGION) - off));
                start = -1;
            }
        }
        return out;
    }

    /** Before a write: the durable stand-in bitmap, then the in-memory set. */
    private void mark(long offset, long length) throws IOException {
        if (length <= 0) {
            return;
        }
        if (journal != null) {
            journal.markBeforeWrite(offset, length);
        }
        markMemory(offset, length);
    }

    /**
     * Sets the in-memory bits of a range. Called again after each write completes: a {@link #markClean} between the
     * mark and the end of the write would otherwise hide a write that the first copy may have read too early.
     */
    private void markMemory(long offset, long length) {
        if (length <= 0 || dirty == null) {
            return;
        }
        for (long r = offset / REGION; r <= (offset + length - 1) / REGION; r++) {
            int word = (int) (r >>> 6);
            long bit = 1L << (r & 63);
            long v;
            do {
                v = dirty.get(word);
            } while ((v & bit) == 0 && !dirty.compareAndSet(word, v, v | bit));
        }
    }

    private void enter() {
        lock.lock();
        try {
            inFlight++;
        } finally {
            lock.unlock();
        }
    }

    private void leave() {
        lock.lock();
        try {
            if (--inFlight == 0) {
                idle.signalAll();
            }
        } finally {
            lock.unlock();
        }
    }

    @Override
    public long size() {
        return inner.size();
    }

    @Override
    public void read(long offset, ByteBuffer dst) throws IOException {
        enter();
        try {
            inner.read(offset, dst);
        } finally {
            leave();
        }
    }

    @Override
    public void write(long offset, ByteBuffer src, boolean fua) throws IOException {
        enter();
        try {
            // marked before the write: a copy that starts later always sees the region as dirty
            int length = src.remaining();
            mark(offset, length);
            try {
                inner.write(offset, src, fua);
            } finally {
                markMemory(offset, length); // even a failed write may have changed the region
            }
        } finally {
            leave();
        }
    }

    @Override
    public boolean completesWritesLater() {
        return inner.completesWritesLater();
    }

    /** Counted in flight until the wrapped device completes it, however late; marked like {@link #write}. */
    @Override
    public void writeAsync(long offset, ByteBuffer src, boolean fua, WriteCallback callback) {
        int length = src.remaining();
        enter();
        try {
            mark(offset, length);
        } catch (IOException | RuntimeException e) {
            leave();
            callback.done(e);
            return;
        }
        inner.writeAsync(offset, src, fua, error -> {
            try {
                markMemory(offset, length); // even a failed write may have changed the region
            } finally {
                leave();
            }
            callback.done(error);
        });
    }

    @Override
    public void flush() throws IOException {
        enter();
        try {
            inner.flush();
        } finally {
            leave();
        }
    }

    @Override
    public void trim(long offset, long length, boolean fua) throws IOException {
        enter();
        try {
            mark(offset, length);
            try {
                inner.trim(offset, length, fua);
            } finally {
                markMemory(offset, length); // even a failed write may have changed the region
            }
        } finally {
            leave();
        }
    }

    @Override
    public void writeZeroes(long offset, long length, boolean fua, boolean mayTrim) throws IOException {
        enter();
        try {
            mark(offset, length);
            try {
                inner.writeZeroes(offset, length, fua, mayTrim);
            } finally {
                markMemory(offset, length); // even a failed write may have changed the region
            }
        } finally {
            leave();
        }
    }

    @Override
    public String describe() {
        return inner.describe();
    }

    @Override
    public void close() {
        // the wrapped device belongs to its owner
    }
}
