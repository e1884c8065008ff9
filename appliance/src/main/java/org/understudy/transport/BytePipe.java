package org.understudy.transport;

import java.io.IOException;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedByInterruptException;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One direction of an in-memory connection: a bounded ring of bytes between a writing end and a reading end, with a
 * socket's blocking and closing rules. The writer blocks while the ring is full (the peer's receive buffer); the
 * reader blocks while it is empty. The writer closing is the reader's end of stream once the ring is drained; the
 * reader closing discards what is buffered and makes the writer's next write fail as a reset. A thread blocked on
 * its own end when that end closes gets {@link AsynchronousCloseException}; an interrupted one gets
 * {@link ClosedByInterruptException} (and its connection then closes, as a socket does). Thread-safe.
 */
final class BytePipe {
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final byte[] ring;
    private int head;
    private int count;
    private boolean writerClosed;
    private boolean readerClosed;

    BytePipe(int capacity) {
        if (capacity <= 0) {
            throw new IllegalArgumentException("pipe capacity " + capacity);
        }
        this.ring = new byte[capacity];
    }

    /** Scattering read: at least one byte (blocking), -1 at the end of the stream. */
    long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
        lock.lock();
        try {
            while (count == 0) {
                if (readerClosed) {
                    throw new AsynchronousCloseException();
                }
                if (writerClosed) {
                    return -1;
                }
                awaitChange();
            }
            long n = 0;
            for (int i = offset; i < offset + length && count > 0; i++) {
                ByteBuffer d = dsts[i];
                while (d.hasRemaining() && count > 0) {
                    int run = Math.min(Math.min(d.remaining(), count), ring.length - head);
                    d.put(ring, head, run);
                    head = (head + run) % ring.length;
                    count -= run;
                    n += run;
                }
            }
            changed.signalAll();
            return n;
        } finally {
            lock.unlock();
        }
    }

    /** Gathering write of every remaining byte, blocking while the ring is full. */
    long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
        lock.lock();
        try {
            long n = 0;
            for (int i = offset; i < offset + length; i++) {
                ByteBuffer s = srcs[i];
                while (s.hasRemaining()) {
                    if (writerClosed) {
                        throw new AsynchronousCloseException();
                    }
                    if (readerClosed) {
                        throw new SocketException("Connection reset by peer");
                    }
                    if (count == ring.length) {
                        awaitChange();
                        continue;
                    }
                    int tail = (head + count) % ring.length;
                    int run = Math.min(s.remaining(), Math.min(ring.length - count, ring.length - tail));
                    s.get(ring, tail, run);
                    count += run;
                    n += run;
                    changed.signalAll();
                }
            }
            return n;
        } finally {
            lock.unlock();
        }
    }

    /** Bytes buffered and not yet read. */
    int available() {
        lock.lock();
        try {
            return readerClosed ? 0 : count;
        } finally {
            lock.unlock();
        }
    }

    /** The writing end closed: the reader drains what is left, then reads the end of the stream. */
    void closeWriter() {
        lock.lock();
        try {
            writerClosed = true;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** The reading end closed: buffered bytes are dropped, the writer's next write is reset. */
    void closeReader() {
        lock.lock();
        try {
            readerClosed = true;
            count = 0;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Waits for the other side; an interrupt ends the wait as on a socket (the caller closes its end). */
    private void awaitChange() throws IOException {
        try {
            changed.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ClosedByInterruptException();
        }
    }
}
