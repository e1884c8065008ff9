package org.understudy.nbd;

import java.nio.ByteBuffer;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A pool of direct buffers in power-of-two size classes (4 KiB to {@link NbdConstants#MAX_PAYLOAD}), so WRITE payloads
 * and READ data go between socket and device without per-request allocation of large buffers. Each class keeps at most
 * a bounded number of idle buffers and the pool a bounded number of idle bytes; extra buffers are dropped to the
 * garbage collector. Thread-safe.
 */
final class BufferPool {
    private static final int MIN_SHIFT = 12;
    private static final int MAX_SHIFT = 25;
    /** Idle bytes kept per size class; small classes keep many buffers, the largest a few. */
    private static final long IDLE_BYTES_PER_CLASS = 64L << 20;
    private static final int MAX_IDLE_PER_CLASS = 256;
    /** Idle bytes kept over all classes, so a burst of large requests does not pin direct memory for ever. */
    private static final long IDLE_BYTES_TOTAL = 160L << 20;

    private final ConcurrentLinkedQueue<ByteBuffer>[] free;
    private final AtomicInteger[] idle;
    private final AtomicLong idleBytes = new AtomicLong();

    @SuppressWarnings("unchecked")
    BufferPool() {
        int classes = MAX_SHIFT - MIN_SHIFT + 1;
        free = new ConcurrentLinkedQueue[classes];
        idle = new AtomicInteger[classes];
        for (int i = 0; i < classes; i++) {
            free[i] = new ConcurrentLinkedQueue<>();
            idle[i] = new AtomicInteger();
        }
    }

    /** A direct buffer with position 0 and limit {@code length} (1 .. MAX_PAYLOAD). */
    ByteBuffer acquire(int length) {
        int cls = sizeClass(length);
        ByteBuffer b = free[cls].poll();
        if (b != null) {
            idle[cls].decrementAndGet();
            idleBytes.addAndGet(-b.capacity());
        } else {
            b = ByteBuffer.allocateDirect(1 << (cls + MIN_SHIFT));
        }
        b.clear().limit(length);
        return b;
    }

    /** Returns a buffer obtained from {@link #acquire}; null is ignored. */
    void release(ByteBuffer b) {
        if (b == null) {
            return;
        }
        int cls = Integer.numberOfTrailingZeros(b.capacity()) - MIN_SHIFT;
        int cap = (int) Math.min(MAX_IDLE_PER_CLASS, Math.max(2, IDLE_BYTES_PER_CLASS / b.capacity()));
        // over a bound, the buffer is left to the garbage collector (its direct memory goes with it)
        if (idle[cls].incrementAndGet() > cap) {
            idle[cls].decrementAndGet();
            return;
        }
        if (idleBytes.addAndGet(b.capacity()) > IDLE_BYTES_TOTAL) {
            idleBytes.addAndGet(-b.capacity());
            idle[cls].decrementAndGet();
            return;
        }
        free[cls].offer(b);
    }

    private static int sizeClass(int length) {
        if (length <= 0 || length > NbdConstants.MAX_PAYLOAD) {
            throw new IllegalArgumentException("buffer length " + length);
        }
        int shift = 32 - Integer.numberOfLeadingZeros(length - 1);
        return Math.max(shift, MIN_SHIFT) - MIN_SHIFT;
    }
}
