package org.understudy.snapshot;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * What keeps the standby's own cut of one primary's replicas from falling between a preservation and the write it
 * was made for. Writers hold the gate shared while they stage preservations and write ({@link #enter}); a batch that
 * hands its held-back writes to its committer counts them as handed off ({@link #handOff}) before it lets go, until
 * they landed on the image ({@link #landed}). A cut ({@link #exclusive}) holds the gate alone and waits until nothing
 * handed off is still under way: every preservation staged before it has its write applied, and no writer starts a
 * new one meanwhile. The committer never needs the gate, so the cut's wait always ends. Thread-safe.
 */
final class WriterGate {
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    private final Object handoffs = new Object();
    private int handedOff; // guarded by handoffs

    /** Takes the gate shared (blocks while a cut holds it or waits for it). */
    void enter() {
        lock.readLock().lock();
    }

    void leave() {
        lock.readLock().unlock();
    }

    /** True while a cut waits for the gate: a writer then lets go of it at its next commit instead of going on. */
    boolean cutWaiting() {
        return lock.hasQueuedThreads();
    }

    /** A group of preservations and their writes goes on under way without the gate (called while holding it). */
    void handOff() {
        synchronized (handoffs) {
            handedOff++;
        }
    }

    /** A group handed off has landed (or was given up). */
    void landed() {
        synchronized (handoffs) {
            handedOff--;
            handoffs.notifyAll();
        }
    }

    /** Runs {@code cut} holding the gate alone, once every group handed off landed. */
    void exclusive(SnapshotStore.IoAction cut) throws IOException {
        lock.writeLock().lock();
        try {
            synchronized (handoffs) {
                while (handedOff > 0) {
                    try {
                        handoffs.wait();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new InterruptedIOException("interrupted while writes handed off were landing");
                    }
                }
            }
            cut.run();
        } finally {
            lock.writeLock().unlock();
        }
    }
}
