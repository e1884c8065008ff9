package org.understudy.snapshot;

import java.io.IOException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Group commit of one file's {@code force}: each writer takes a ticket after its write and asks for everything up to
 * its ticket to be durable; one force covers every ticket issued before it started, so writers that arrive while a
 * force runs share the next one instead of forcing one by one. Thread-safe.
 */
final class GroupForce {
    /** The force itself (e.g. {@code channel.force(false)}). */
    @FunctionalInterface
    interface Action {
        void force() throws IOException;
    }

    private final Action action;
    private final AtomicLong issued = new AtomicLong();
    private final ReentrantLock lock = new ReentrantLock();
    private volatile long forced;
    private final AtomicLong forces = new AtomicLong();

    GroupForce(Action action) {
        this.action = action;
    }

    /** A ticket for a write that has completed: {@link #forceUpTo} with it makes that write durable. */
    long ticket() {
        return issued.incrementAndGet();
    }

    /** Returns once every write ticketed up to {@code ticket} is durable. */
    void forceUpTo(long ticket) throws IOException {
        if (forced >= ticket) {
            return;
        }
        lock.lock();
        try {
            if (forced >= ticket) {
                return;
            }
            long target = issued.get();
            action.force();
            forces.incrementAndGet();
            forced = target;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Runs {@code change} while no force runs, then counts every ticket issued so far as durable: for swapping the
     * file for one already forced (a compacted journal).
     */
    void replaceForced(Action change) throws IOException {
        lock.lock();
        try {
            change.force();
            forced = issued.get();
        } finally {
            lock.unlock();
        }
    }

    /** Forces issued so far (a figure for logs and tests). */
    long forces() {
        return forces.get();
    }
}
