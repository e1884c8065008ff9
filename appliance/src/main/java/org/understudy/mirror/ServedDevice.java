package org.understudy.mirror;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.understudy.storage.BlockDevice;
import org.understudy.transport.FreeList;

/**
 * A device as a node serves it over NBD: counts requests in flight so a drain or a handover can wait until every
 * write already taken has finished (on a primary: been acknowledged by the standby), and tells its {@link WriteMarks}
 * of every write before and after it (the standby's stand-in marks the replica's durable bitmap there). Closing it
 * does not close the device it wraps. Thread-safe.
 */
public final class ServedDevice implements BlockDevice {

    /**
     * What a served device tells of each write (WRITE, TRIM, WRITE_ZEROES): {@link #beforeWrite} before the wrapped
     * device sees it (a failure refuses the write), {@link #afterWrite} once it ended, even in failure (a failed
     * write may still have changed the range). Implementations are thread-safe.
     */
    public interface WriteMarks {
        /** Marks nothing. */
        WriteMarks NONE = new WriteMarks() {
            @Override
            public void beforeWrite(long offset, long length) {
            }

            @Override
            public void afterWrite(long offset, long length) {
            }
        };

        void beforeWrite(long offset, long length) throws IOException;

        void afterWrite(long offset, long length);
    }

    private final BlockDevice inner;
    private final WriteMarks marks;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition idle = lock.newCondition();
    private int inFlight;
    /** Finished {@link Tracked} writes kept for the next ones (more than the writes in flight at usual depths). */
    private final FreeList<Tracked> spare = new FreeList<>(1024, Tracked::new);

    private ServedDevice(BlockDevice inner, WriteMarks marks) {
        this.inner = inner;
        this.marks = marks;
    }

    /** A device that counts requests in flight for a drain, and does nothing more on the write path. */
    public static ServedDevice counting(BlockDevice inner) {
        return new ServedDevice(inner, WriteMarks.NONE);
    }

    /** A device that also tells {@code marks} of every write. */
    public static ServedDevice marking(BlockDevice inner, WriteMarks marks) {
        return new ServedDevice(inner, marks);
    }

    public BlockDevice inner() {
        return inner;
    }

    /** Waits until no request is in flight; false if some still are after {@code timeoutMillis}. */
    public boolean awaitIdle(long timeoutMillis) throws InterruptedException {
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

    public int inFlight() {
        lock.lock();
        try {
            return inFlight;
        } finally {
            lock.unlock();
        }
    }

    private void marksBefore(long offset, long length) throws IOException {
        if (length > 0) {
            marks.beforeWrite(offset, length);
        }
    }

    private void marksAfter(long offset, long length) {
        if (length > 0) {
            marks.afterWrite(offset, length);
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
            marksBefore(offset, length);
            try {
                inner.write(offset, src, fua);
            } finally {
                marksAfter(offset, length); // even a failed write may have changed the region
            }
        } finally {
            leave();
        }
    }

    @Override
    public boolean completesWritesLater() {
        return inner.completesWritesLater();
    }

    @Override
    public boolean writesTravel() {
        return inner.writesTravel();
    }

    @Override
    public void writeAsync(long offset, ByteBuffer src, boolean fua, WriteCallback callback) {
        writeAsync(offset, src, fua, false, callback);
    }

    @Override
    public void sendHeld() {
        inner.sendHeld();
    }

    /** Counted in flight until the wrapped device completes it, however late; marked like {@link #write}. */
    @Override
    public void writeAsync(long offset, ByteBuffer src, boolean fua, boolean moreFollow, WriteCallback callback) {
        int length = src.remaining();
        Tracked t = enterTracked(offset, length, callback);
        try {
            marksBefore(offset, length);
        } catch (IOException | RuntimeException e) {
            t.leave(); // refused before the write: nothing changed, nothing to mark after
            callback.done(e);
            return;
        }
        inner.writeAsync(offset, src, fua, moreFollow, t);
    }

    /** Like {@link #enter}, and the write's completion from the idle ones: no callback object per write. */
    private Tracked enterTracked(long offset, long length, WriteCallback callback) {
        enter();
        Tracked t = spare.take();
        t.offset = offset;
        t.length = length;
        t.callback = callback;
        return t;
    }

    /**
     * An asynchronous write in flight: when the wrapped device completes it, its marks are told, it leaves the
     * in-flight count and goes back to the idle ones, then its caller hears.
     */
    private final class Tracked implements WriteCallback {
        private long offset;
        private long length;
        private WriteCallback callback;
        @Override
        public void done(Throwable error) {
            WriteCallback told = callback;
            try {
                marksAfter(offset, length); // even a failed write may have changed the region
            } finally {
                leave();
            }
            told.done(error);
        }

        /** Out of the in-flight count, and kept for the next write. */
        void leave() {
            callback = null;
            ServedDevice.this.leave();
            spare.giveBack(this);
        }
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
            marksBefore(offset, length);
            try {
                inner.trim(offset, length, fua);
            } finally {
                marksAfter(offset, length); // even a failed write may have changed the region
            }
        } finally {
            leave();
        }
    }

    @Override
    public void writeZeroes(long offset, long length, boolean fua, boolean mayTrim) throws IOException {
        enter();
        try {
            marksBefore(offset, length);
            try {
                inner.writeZeroes(offset, length, fua, mayTrim);
            } finally {
                marksAfter(offset, length); // even a failed write may have changed the region
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
