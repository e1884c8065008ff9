package org.understudy.nbd;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.ArrayDeque;
import java.util.concurrent.locks.ReentrantLock;
import org.understudy.transport.OutputBatch;

/**
 * The replies of one connection on its non-blocking socket. Whichever thread has a reply (the NBD reader, a pooled
 * worker, a mirror link's ACK reader completing a write) writes it at once when nothing is queued and the socket
 * takes it whole; otherwise the rest is queued and the server's {@link ReplyFlusher} finishes it when the socket
 * drains. No thread ever waits here for a client to read: a client that stops reading only delays its own replies,
 * and, as each reply keeps its request's permits until it is out, the connection's reader stops taking requests once
 * the in-flight limits are reached. Replies leave whole and in the order they were queued, never interleaved.
 *
 * <p>A reply without data sent on a thread with an {@link OutputBatch} open (a mirror link's ACK reader completing
 * the writes one ACK confirms, or the connection's reader completing the writes it starts from one read of requests)
 * is held until the batch ends, and the replies held together leave in one socket write: a client at queue depth 16
 * hears a dozen replies per system call instead of one. Nothing is held past the
 * batch, and a reply sent outside a batch first writes those held, so the order stays the order of sending.
 * Thread-safe.
 */
final class ReplyQueue {
    /** Told when a reply is out (or abandoned): gives back its buffer and its request's permits. */
    @FunctionalInterface
    interface Finisher {
        void finished(ByteBuffer release, int bytes);
    }

    /** A reply not yet written whole: what is left of it, and what to give back once it is out. */
    private record Queued(ByteBuffer[] left, ByteBuffer release, int bytes) {
        boolean done() {
            return !left[left.length - 1].hasRemaining() && !left[0].hasRemaining();
        }
    }

    private final SocketChannel ch;
    private final ReplyFlusher flusher;
    private final Finisher finisher;
    private final java.util.function.Consumer<IOException> onFailure;
    private final ReentrantLock lock = new ReentrantLock();
    private final ArrayDeque<Queued> queue = new ArrayDeque<>();
    /** The most replies held at once: more are written before the next is held. */
    static final int HELD_MAX = 64;
    private final ByteBuffer header = ByteBuffer.allocateDirect(NbdConstants.SIMPLE_REPLY_SIZE);
    private final ByteBuffer[] pair = new ByteBuffer[2];
    /** Replies held in a batch, encoded back to back, and what each gives back once it is out. */
    private final ByteBuffer held = ByteBuffer.allocateDirect(HELD_MAX * NbdConstants.SIMPLE_REPLY_SIZE);
    private final ByteBuffer[] heldRelease = new ByteBuffer[HELD_MAX];
    private final int[] heldBytes = new int[HELD_MAX];
    private int heldCount;
    private final OutputBatch.Held releaser = this::releaseHeld;
    private boolean abandoned;
    private long queuedTotal;
    /** Socket writes of replies (whole, held together or a queued one's rest), since the connection opened. */
    private long writesTotal;

    /** @param onFailure told (outside no lock guarantee) when a write to the client fails; closes the connection */
    ReplyQueue(SocketChannel ch, ReplyFlusher flusher, Finisher finisher, java.util.function.Consumer<IOException> onFailure) {
        this.ch = ch;
        this.flusher = flusher;
        this.finisher = finisher;
        this.onFailure = onFailure;
    }

    SocketChannel channel() {
        return ch;
    }

    /**
     * Sends a simple reply, followed by {@code data} when not null, without waiting: written now if the socket takes
     * it, else queued for the flusher; held until the batch ends when it has no data and the calling thread has an
     * {@link OutputBatch} open. {@code release} and {@code bytes} go to the {@link Finisher} once it is out.
     */
    void send(int error, long cookie, ByteBuffer data, ByteBuffer release, int bytes) {
        IOException failed;
        lock.lock();
        try {
            failed = abandoned ? new IOException("connection closed") : sendLocked(error, cookie, data, release, bytes);
            if (failed == null) {
                return;
            }
        } finally {
            lock.unlock();
        }
        finisher.finished(release, bytes);
        onFailure.accept(failed);
    }

    /** Holds, writes or queues one reply; returns the write's failure (the reply itself not yet finished) or null. */
    private IOException sendLocked(int error, long cookie, ByteBuffer data, ByteBuffer release, int bytes) {
        if (data == null && queue.isEmpty() && OutputBatch.isOpen()) {
            if (heldCount == HELD_MAX) {
                IOException failed = writeHeld();
                if (failed != null) {
                    return failed;
                }
            }
            if (queue.isEmpty()) {
                if (heldCount == 0) {
                    OutputBatch.hold(releaser);
                }
                NbdSimpleReply.encode(held, error, cookie);
                heldRelease[heldCount] = release;
                heldBytes[heldCount] = bytes;
                heldCount++;
                return null;
            }
        }
        if (heldCount > 0) {
            IOException failed = writeHeld(); // those held were sent first: they leave first
            if (failed != null) {
                return failed;
            }
        }
        header.clear();
        NbdSimpleReply.encode(header, error, cookie).flip();
        if (queue.isEmpty()) {
            writesTotal++;
            try {
                if (data == null) {
                    ch.write(header);
                } else {
                    pair[0] = header;
                    pair[1] = data;
                    ch.write(pair);
                }
            } catch (IOException e) {
                return e;
            } finally {
                pair[1] = null;
            }
        }
        boolean whole = !header.hasRemaining() && (data == null || !data.hasRemaining());
        if (whole) {
            finisher.finished(release, bytes);
            return null;
        }
        ByteBuffer h = ByteBuffer.allocate(header.remaining()).put(header).flip();
        enqueue(data == null ? new ByteBuffer[] {h} : new ByteBuffer[] {h, data}, release, bytes);
        return null;
    }

    private void enqueue(ByteBuffer[] left, ByteBuffer release, int bytes) {
        boolean wasEmpty = queue.isEmpty();
        queue.addLast(new Queued(left, release, bytes));
        queuedTotal++;
        if (wasEmpty) {
            flusher.arm(this);
        }
    }

    /**
     * Writes the held replies in one call (under the lock, nothing queued before them): those that went out whole are
     * finished, the rest of a reply the socket did not take is queued for the flusher. On a failure every held reply
     * is finished and the failure returned.
     */
    private IOException writeHeld() {
        held.flip();
        writesTotal++;
        IOException failed = null;
        try {
            ch.write(held);
        } catch (IOException e) {
            failed = e;
        }
        int written = held.position();
        for (int i = 0; i < heldCount; i++) {
            int start = i * NbdConstants.SIMPLE_REPLY_SIZE;
            int end = start + NbdConstants.SIMPLE_REPLY_SIZE;
            if (failed == null && end > written) {
                int from = Math.max(start, written);
                ByteBuffer rest = ByteBuffer.allocate(end - from).put(held.slice(from, end - from)).flip();
                enqueue(new ByteBuffer[] {rest}, heldRelease[i], heldBytes[i]);
            } else {
                finisher.finished(heldRelease[i], heldBytes[i]);
            }
            heldRelease[i] = null;
        }
        heldCount = 0;
        held.clear();
        return failed;
    }

    /** The batch that held replies ended: they are written now. */
    private void releaseHeld() {
        IOException failed;
        lock.lock();
        try {
            if (heldCount == 0) {
                return;
            }
            failed = writeHeld();
        } finally {
            lock.unlock();
        }
        if (failed != null) {
            onFailure.accept(failed);
        }
    }

    /**
     * Writes queued replies while the socket takes them (the flusher's thread, when the socket is writable). Returns
     * true when nothing is left queued, so the flusher stops watching this socket.
     */
    boolean flush() {
        IOException failed = null;
        lock.lock();
        try {
            Queued q;
            while ((q = queue.peekFirst()) != null) {
                writesTotal++;
                try {
                    ch.write(q.left());
                } catch (IOException e) {
                    failed = e;
                    break;
                }
                if (!q.done()) {
                    return false;
                }
                queue.pollFirst();
                finisher.finished(q.release(), q.bytes());
            }
        } finally {
            lock.unlock();
        }
        if (failed != null) {
            onFailure.accept(failed);
        }
        return true;
    }

    /** The connection closed: every queued reply is given up and what it held given back. Idempotent. */
    void abandon() {
        lock.lock();
        try {
            abandoned = true;
            for (int i = 0; i < heldCount; i++) {
                finisher.finished(heldRelease[i], heldBytes[i]);
                heldRelease[i] = null;
            }
            heldCount = 0;
            held.clear();
            Queued q;
            while ((q = queue.pollFirst()) != null) {
                finisher.finished(q.release(), q.bytes());
            }
        } finally {
            lock.unlock();
        }
        flusher.forget(this);
    }

    /** Socket writes that carried replies, since the connection opened. */
    long writesTotal() {
        lock.lock();
        try {
            return writesTotal;
        } finally {
            lock.unlock();
        }
    }

    /** Replies that could not be written at once and went through the queue, since the connection opened. */
    long queuedTotal() {
        lock.lock();
        try {
            return queuedTotal;
        } finally {
            lock.unlock();
        }
    }
}
