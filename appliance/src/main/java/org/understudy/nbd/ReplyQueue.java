package org.understudy.nbd;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.ArrayDeque;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The replies of one connection on its non-blocking socket. Whichever thread has a reply (the NBD reader, a pooled
 * worker, a mirror link's ACK reader completing a write) writes it at once when nothing is queued and the socket
 * takes it whole; otherwise the rest is queued and the server's {@link ReplyFlusher} finishes it when the socket
 * drains. No thread ever waits here for a client to read: a client that stops reading only delays its own replies,
 * and, as each reply keeps its request's permits until it is out, the connection's reader stops taking requests once
 * the in-flight limits are reached. Replies leave whole and in the order they were queued, never interleaved.
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
    private final ByteBuffer header = ByteBuffer.allocateDirect(NbdConstants.SIMPLE_REPLY_SIZE);
    private final ByteBuffer[] pair = new ByteBuffer[2];
    private boolean abandoned;
    private long queuedTotal;

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
     * it, else queued for the flusher. {@code release} and {@code bytes} go to the {@link Finisher} once it is out.
     */
    void send(int error, long cookie, ByteBuffer data, ByteBuffer release, int bytes) {
        IOException failed = null;
        lock.lock();
        try {
            if (abandoned) {
                failed = new IOException("connection closed");
            } else {
                header.clear();
                NbdSimpleReply.encode(header, error, cookie).flip();
                if (queue.isEmpty()) {
                    try {
                        if (data == null) {
                            ch.write(header);
                        } else {
                            pair[0] = header;
                            pair[1] = data;
                            ch.write(pair);
                        }
                    } catch (IOException e) {
                        failed = e;
                    } finally {
                        pair[1] = null;
                    }
                }
                if (failed == null) {
                    boolean whole = !header.hasRemaining() && (data == null || !data.hasRemaining());
                    if (whole) {
                        finisher.finished(release, bytes);
                        return;
                    }
                    ByteBuffer h = ByteBuffer.allocate(header.remaining()).put(header).flip();
                    boolean wasEmpty = queue.isEmpty();
                    queue.addLast(new Queued(data == null ? new ByteBuffer[] {h} : new ByteBuffer[] {h, data},
                            release, bytes));
                    queuedTotal++;
                    if (wasEmpty) {
                        flusher.arm(this);
                    }
                    return;
                }
            }
        } finally {
            lock.unlock();
        }
        finisher.finished(release, bytes);
        onFailure.accept(failed);
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
            Queued q;
            while ((q = queue.pollFirst()) != null) {
                finisher.finished(q.release(), q.bytes());
            }
        } finally {
            lock.unlock();
        }
        flusher.forget(this);
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
