package org.understudy.transport;

import java.nio.ByteBuffer;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A pool of direct buffers in power-of-two size classes (4 KiB to 32 MiB), so data goes between socket and device
 * without per-request allocation of large buffers: the NBD server's WRITE payloads and READ data, the replication
 * link's large frame payloads. Each class keeps at most a bounded number of idle buffers and the pool a bounded number
 * of idle bytes; extra buffers are dropped to the garbage collector. Thread-safe.
 */
public final class BufferPool {
    /** The largest buffer the pool hands out. */
    public static final int MAX_BUFFER = 32 << 20;
    private static final int MIN_SHIFT = 12;
    private static final int MAX_SHIFT = 25;
    /** Idle bytes kept per size class; small classes keep many buffers, the largest a few. */
    private static final long IDLE_BYTES_PER_CLASS = 64L << 20;
    private static final int MAX_IDLE_PER_CLASS = 256;
    /** Idle bytes kept over all classes by default, so a burst of large requests does not pin direct memory for ever. */
    public static final long IDLE_BYTES_TOTAL = 160L << 20;

    /** Idle buffers per size class: array queues, so giving a buffer back allocates no queue node. */
    private final ArrayBlockingQueue<ByteBuffer>[] free;
    private final AtomicInteger[] idle;
    private final AtomicLong idleBytes = new AtomicLong();
    private final long idleBytesTotal;

    /** A pool keeping up to {@link #IDLE_BYTES_TOTAL} idle bytes. */
    public BufferPool() {
        this(IDLE_BYTES_TOTAL);
    }

    /** A pool keeping up to {@code idleBytesTotal} idle bytes over all size classes. */
    @SuppressWarnings("unchecked")
    public BufferPool(long idleBytesTotal) {
        this.idleBytesTotal = idleBytesTotal;
        int classes = MAX_SHIFT - MIN_SHIFT + 1;
        free = new ArrayBlockingQueue[classes];
        idle = new AtomicInteger[classes];
        for (int i = 0; i < classes; i++) {
            free[i] = new ArrayBlockingQueue<>(idleCap(1 << (i + MIN_SHIFT)));
            idle[i] = new AtomicInteger();
        }
    }

    /** A direct buffer with position 0 and limit {@code length} (1 .. {@link #MAX_BUFFER}). */
    public ByteBuffer acquire(int length) {
        int cls = sizeClass(length);
        ByteBuffer b = free[cls].poll();
        if (b != null) {
            idle[cls].decrementAndGet();
            idleBytes.addAndGet(-b.capacity());
        } else {
            b = allocateAligned(1 << (cls + MIN_SHIFT));
        }
        b.clear().limit(length);
        return b;
    }

    /** Returns a buffer obtained from {@link #acquire}; null is ignored. */
    public void release(ByteBuffer b) {
        if (b == null) {
            return;
        }
        int cls = Integer.numberOfTrailingZeros(b.capacity()) - MIN_SHIFT;
        int cap = idleCap(b.capacity());
        // over a bound, the buffer is left to the garbage collector (its direct memory goes with it)
        if (idle[cls].incrementAndGet() > cap) {
            idle[cls].decrementAndGet();
            return;
        }
        if (idleBytes.addAndGet(b.capacity()) > idleBytesTotal) {
            idleBytes.addAndGet(-b.capacity());
            idle[cls].decrementAndGet();
            return;
        }
        if (!free[cls].offer(b)) { // cannot happen while the counts hold; kept exact if it ever did
            idleBytes.addAndGet(-b.capacity());
            idle[cls].decrementAndGet();
        }
    }

    /**
     * A direct buffer of {@code capacity} bytes whose first byte starts a page (64 KiB and more) or a cache line
     * (smaller ones). {@code allocateDirect} returns malloc's alignment (16 bytes), and the kernel's copies between a
     * socket or the page cache and a buffer starting mid-line run slower: 1 MiB writes with no standby, the copy from
     * the payload into the page cache took 21-24 % of the primary's CPU samples from a 16-byte aligned buffer and
     * 14-16 % from a page-aligned one. The padding costs at most a page per large buffer (6 % of the smallest).
     */
    static ByteBuffer allocateAligned(int capacity) {
        int unit = capacity >= 64 << 10 ? 4096 : 64;
        return ByteBuffer.allocateDirect(capacity + unit - 1).alignedSlice(unit).slice(0, capacity);
    }

    /** Idle buffers kept of one size class: many small ones, a few large ones. */
    private static int idleCap(int capacity) {
        return (int) Math.min(MAX_IDLE_PER_CLASS, Math.max(2, IDLE_BYTES_PER_CLASS / capacity));
    }

    private static int sizeClass(int length) {
        if (length <= 0 || length > MAX_BUFFER) {
            throw new IllegalArgumentException("buffer length " + length);
        }
        int shift = 32 - Integer.numberOfLeadingZeros(length - 1);
        return Math.max(shift, MIN_SHIFT) - MIN_SHIFT;
    }
}
