package org.understudy.mirror;

import java.io.InterruptedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Overlap guard: a holder of a byte range excludes every overlapping range until it releases, while disjoint ranges
 * proceed in parallel. Writes and full-sync reads hold their range while they take a sequence number and touch the
 * local volume, so overlapping operations are applied locally in sequence order and a sync chunk never carries data
 * older than a write sequenced before it. A linear scan is fine: at most queue-depth ranges are held. Thread-safe.
 */
final class RangeGuard {
    /** A held range; release exactly once. */
    static final class Range {
        final long start;
        final long end;

        Range(long start, long end) {
            this.start = start;
            this.end = end;
        }
    }

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition released = lock.newCondition();
    private final List<Range> held = new ArrayList<>();

    Range acquire(long offset, long length) throws InterruptedIOException {
        Range r = new Range(offset, offset + Math.max(1, length));
        lock.lock();
        try {
            while (overlaps(r)) {
                released.await();
            }
            held.add(r);
            return r;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted waiting for an overlapping write to finish");
        } finally {
            lock.unlock();
        }
    }

    void release(Range r) {
        lock.lock();
        try {
            held.remove(r);
            released.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private boolean overlaps(Range r) {
        for (Range h : held) {
            if (h.start < r.end && r.start < h.end) {
                return true;
            }
        }
        return false;
    }
}
