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
 * older than a write sequenced before it. A linear scan is fine: at most queue-depth ranges are held. Released
 * {@link Range}s are reused by later acquires (a write takes one per request), so a range must not be used after its
 * release. Thread-safe.
 */
final class RangeGuard {
    /** A held range; release exactly once, and forget it then (it is reused). */
    static final class Range {
        private long start;
        private long end;
    }

    /** Released ranges kept for reuse (guarded by {@link #lock}); beyond this many, a released one goes to the GC. */
    private static final int MAX_SPARE = 1024;
    private final ArrayList<Range> spare = new ArrayList<>();

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition released = lock.newCondition();
    private final List<Range> held = new ArrayList<>();

    Range acquire(long offset, long length) throws InterruptedIOException {
        long start = offset;
        long end = offset + Math.max(1, length);
        lock.lock();
        try {
            while (overlaps(start, end)) {
                released.await();
            }
            Range r = spare.isEmpty() ? new Range() : spare.remove(spare.size() - 1);
            r.start = start;
            r.end = end;
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
            if (held.remove(r) && spare.size() < MAX_SPARE) {
                spare.add(r);
            }
            released.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private boolean overlaps(long start, long end) {
        for (int i = 0; i < held.size(); i++) { // indexed: no iterator per check
            Range h = held.get(i);
            if (h.start < end && start < h.end) {
                return true;
            }
        }
        return false;
    }
}
