package org.understudy.mirror;

import java.io.InterruptedIOException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;

/**
 * The bytes an asynchronous volume has shipped and the standby not yet acknowledged, bounded by a hard limit: a write
 * {@link #reserve reserves} its bytes before it is queued and is refused (the caller then only marks it dirty) when
 * the reservation would pass the limit, so the backlog never exceeds it. Above the high-water mark writers wait
 * ({@link #awaitBelowHighWater}) for acknowledgements: backpressure. Thread-safe.
 */
final class AsyncBacklog {
    private final long highWater;
    private final long hardLimit;
    private final LongSupplier clock;
    private final AtomicLong bytes = new AtomicLong();
    private final AtomicLong peak = new AtomicLong();
    private final AtomicLong throttledWrites = new AtomicLong();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition drained = lock.newCondition();

    AsyncBacklog(long highWater, long hardLimit, LongSupplier clock) {
        this.highWater = highWater;
        this.hardLimit = hardLimit;
        this.clock = clock;
    }

    /** Takes {@code n} bytes of backlog, or returns false (nothing taken) if that would pass the hard limit. */
    boolean reserve(long n) {
        while (true) {
            long cur = bytes.get();
            if (cur + n > hardLimit) {
                return false;
            }
            if (bytes.compareAndSet(cur, cur + n)) {
                peak.accumulateAndGet(cur + n, Math::max);
                return true;
            }
        }
    }

    /** {@code n} reserved bytes were acknowledged or failed. */
    void release(long n) {
        long left = bytes.addAndGet(-n);
        if (left <= highWater) {
            lock.lock();
            try {
                drained.signalAll();
            } finally {
                lock.unlock();
            }
        }
    }

    /**
     * Backpressure: while the backlog is above the high-water mark, waits for it to drain, at most {@code maxNanos}
     * (the link's ack timeout kills a link that stops acknowledging, which empties the backlog).
     */
    void awaitBelowHighWater(long maxNanos) throws InterruptedIOException {
        if (bytes.get() <= highWater) {
            return;
        }
        throttledWrites.incrementAndGet();
        long deadline = clock.getAsLong() + maxNanos;
        lock.lock();
        try {
            while (bytes.get() > highWater) {
                long left = deadline - clock.getAsLong();
                if (left <= 0) {
                    return;
                }
                drained.await(Math.min(left, TimeUnit.MILLISECONDS.toNanos(50)), TimeUnit.NANOSECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while the async backlog drained");
        } finally {
            lock.unlock();
        }
    }

    long bytes() {
        return bytes.get();
    }

    /** Largest backlog seen since the volume opened. */
    long peak() {
        return peak.get();
    }

    long throttledWrites() {
        return throttledWrites.get();
    }

    long hardLimit() {
        return hardLimit;
    }
}
