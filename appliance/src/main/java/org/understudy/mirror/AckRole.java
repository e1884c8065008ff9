package org.understudy.mirror;

import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;

/**
 * Who reads a {@link MirrorLink}'s ACKs, one thread at a time (leader/followers). At queue depth 1 a mirrored write
 * is a chain of thread wake-ups: the NBD reader that starts it, the standby's link thread, the reader of the ACK that
 * completes it and sends the reply, then the client. The link's ACK thread used to read every ACK; now the thread
 * that started a write and has nothing else to do may read it itself ({@link #reserve}, then {@link #end}), and the
 * ACK thread is not woken at all.
 *
 * <p>Rules, all under the link's lock: a frame is never left with nobody to read its ACK. A link with frames in
 * flight has a holder; a holder gives the role up ({@link #NONE}) only when nothing is in flight, and otherwise hands
 * it to the ACK thread. A reservation is taken only on an idle link, by a thread that will end it right after
 * queuing its own write (before it waits for anything else); a frame queued by any other thread meanwhile hands the
 * role to the ACK thread at once. Only the holder reads the link; the ACK thread waits on {@link #turn} while it does
 * not hold the role. On an idle link nobody reads: an ERROR frame or the end of the stream is read when the next
 * frame (a write, a KEEPALIVE) goes out, or when the ack watchdog finds bytes waiting ({@link #idleInput}).
 */
final class AckRole {
    static final int NONE = 0;
    static final int ACK_THREAD = 1;
    /** Taken by a thread about to start a write; its own frames keep it. */
    static final int RESERVED = 2;
    /** The reserving thread reads ACKs. */
    static final int BORROWED = 3;

    /** What the role reads and looks at; {@link #idle} and {@link #isDead} are asked under the link's lock. */
    interface Link {
        /** Reads and handles one frame; false once the link is dead. */
        boolean readOne(boolean borrowed);

        /** No frame in flight. */
        boolean idle();

        boolean isDead();
    }

    private final ReentrantLock lock;
    private final Condition turn;
    private final Link link;
    private int holder = NONE;
    private Thread by;
    /** ACKs read by the ACK thread and by writers that borrowed the role, and hand-overs to the ACK thread. */
    long ackThreadReads;
    long borrowedReads;
    long handOvers;

    AckRole(ReentrantLock lock, Link link) {
        this.lock = lock;
        this.turn = lock.newCondition();
        this.link = link;
    }

    /** Under the lock: a frame was queued by the current thread, so somebody must read its ACK. */
    void queued() {
        if (holder == NONE || holder == RESERVED && by != Thread.currentThread()) {
            toAckThread();
        }
    }

    /**
     * Under the lock, from the ack watchdog while nothing is in flight: bytes waiting on the idle link (an ERROR from
     * the standby) are handed to the ACK thread rather than left until the next frame.
     */
    void idleTick(org.understudy.transport.StreamConnection channel) {
        try {
            if (holder == NONE && channel.available() > 0) {
                toAckThread();
            }
        } catch (java.io.IOException e) {
            // the next frame's send or read meets the failure
        }
    }

    /**
     * Under the lock, from the ack watchdog: the oldest frame in flight has waited a quarter of the ack timeout. A
     * reservation whose thread has not come back to read (its local write is slow) goes to the ACK thread, so an ACK
     * that came is never left unread until the watchdog takes the link for dead.
     */
    void overdue() {
        if (holder == RESERVED) {
            toAckThread();
        }
    }

    /** Under the lock: reserves the role for the current thread if the link is idle and nobody holds it. */
    boolean reserve() {
        if (holder != NONE || !link.idle() || link.isDead()) {
            return false;
        }
        holder = RESERVED;
        by = Thread.currentThread();
        return true;
    }

    /**
     * Ends the current thread's reservation. With {@code wait}, if it is still this thread's (no other thread's frame
     * came meanwhile), reads and handles frames exactly as the ACK thread does until {@code done} or nothing is in
     * flight; then the role goes to the ACK thread if frames are still in flight, else to nobody. Without {@code wait}
     * it goes there at once.
     */
    void end(boolean wait, BooleanSupplier done) {
        lock.lock();
        try {
            if (holder != RESERVED || by != Thread.currentThread()) {
                return; // another thread's frame handed the role to the ACK thread meanwhile
            }
            if (!wait || link.idle() || done.getAsBoolean()) {
                release();
                return;
            }
            holder = BORROWED;
        } finally {
            lock.unlock();
        }
        while (link.readOne(true)) {
            lock.lock();
            try {
                if (link.idle() || done.getAsBoolean()) {
                    release();
                    return;
                }
            } finally {
                lock.unlock();
            }
        }
    }

    /** The ACK thread's loop: reads while it holds the role, and gives the role up when nothing is in flight. */
    void runAckThread() {
        while (true) {
            lock.lock();
            try {
                while (holder != ACK_THREAD && !link.isDead()) {
                    turn.awaitUninterruptibly();
                }
                if (link.isDead()) {
                    return;
                }
            } finally {
                lock.unlock();
            }
            if (!link.readOne(false)) {
                return;
            }
            lock.lock();
            try {
                if (holder == ACK_THREAD && link.idle()) {
                    release();
                }
            } finally {
                lock.unlock();
            }
        }
    }

    /** Under the lock: the link died; the ACK thread stops waiting. */
    void dead() {
        turn.signalAll();
    }

    int holder() {
        return holder;
    }

    /** Under the lock: the holder stops reading; nobody holds the role on an idle link, else the ACK thread does. */
    private void release() {
        if (link.idle()) {
            holder = NONE;
            by = null;
        } else {
            toAckThread();
        }
    }

    private void toAckThread() {
        if (holder != ACK_THREAD) {
            holder = ACK_THREAD;
            by = null;
            handOvers++;
            turn.signal();
        }
    }
}
