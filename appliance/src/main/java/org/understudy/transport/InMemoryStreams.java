package org.understudy.transport;

import java.io.IOException;
import java.net.BindException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * An in-memory network of stream connections for deterministic tests without sockets: {@link #listen} registers an
 * address (port 0 picks a free one), {@link #connect} joins a new connection to the listener bound there, or is
 * refused at once when none is. A connection is two {@link BytePipe}s of {@code pipeCapacity} bytes each, with a
 * socket's blocking, end-of-stream, reset and asynchronous-close rules, so code written for TCP meets the same
 * behaviour here. Faults come from wrapping this transport in {@link FaultyStreamTransport}. Thread-safe.
 */
public final class InMemoryStreams implements StreamTransport {
    /** A pipe's default capacity: the order of a loopback socket's buffers. */
    public static final int DEFAULT_PIPE_CAPACITY = 256 * 1024;

    private final Map<InetSocketAddress, Listener> listeners = new ConcurrentHashMap<>();
    private final AtomicInteger nextPort = new AtomicInteger(50000);
    private final int pipeCapacity;

    public InMemoryStreams() {
        this(DEFAULT_PIPE_CAPACITY);
    }

    /** @param pipeCapacity bytes a direction holds before its writer blocks */
    public InMemoryStreams(int pipeCapacity) {
        if (pipeCapacity <= 0) {
            throw new IllegalArgumentException("pipe capacity " + pipeCapacity);
        }
        this.pipeCapacity = pipeCapacity;
    }

    @Override
    public StreamConnection connect(InetSocketAddress remote, Duration timeout) throws IOException {
        Listener l = listeners.get(remote);
        if (l == null) {
            l = listeners.get(new InetSocketAddress(remote.getPort()));
        }
        if (l == null) {
            throw new ConnectException("Connection refused: nothing listens on " + remote + " (in memory)");
        }
        InetSocketAddress local = new InetSocketAddress(InetAddress.getLoopbackAddress(), nextPort.getAndIncrement());
        BytePipe up = new BytePipe(pipeCapacity);
        BytePipe down = new BytePipe(pipeCapacity);
        PipeEnd client = new PipeEnd(remote, down, up);
        l.offer(new PipeEnd(local, up, down), timeout);
        return client;
    }

    @Override
    public StreamListener listen(InetSocketAddress local, int backlog) throws IOException {
        while (true) {
            InetSocketAddress at = local.getPort() != 0 ? local
                    : new InetSocketAddress(local.getAddress(), nextPort.getAndIncrement());
            Listener l = new Listener(at, Math.max(1, backlog));
            if (listeners.putIfAbsent(at, l) == null) {
                return l;
            }
            if (local.getPort() != 0) {
                throw new BindException("Address already in use: " + local + " (in memory)");
            }
        }
    }

    @Override
    public String toString() {
        return "in-memory streams";
    }

    /** A bound address and its queue of connections not yet accepted. */
    private final class Listener implements StreamListener {
        private final InetSocketAddress address;
        private final int backlog;
        private final ReentrantLock lock = new ReentrantLock();
        private final Condition changed = lock.newCondition();
        private final ArrayDeque<PipeEnd> queue = new ArrayDeque<>();
        private boolean closed;

        Listener(InetSocketAddress address, int backlog) {
            this.address = address;
            this.backlog = backlog;
        }

        @Override
        public StreamConnection accept() throws IOException {
            lock.lock();
            try {
                if (closed) {
                    throw new ClosedChannelException();
                }
                while (queue.isEmpty()) {
                    try {
                        changed.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new ClosedByInterruptException();
                    }
                    if (closed) {
                        throw new AsynchronousCloseException();
                    }
                }
                changed.signalAll();
                return queue.pollFirst();
            } finally {
                lock.unlock();
            }
        }

        /** Queues the accepting end of a new connection, waiting at most {@code timeout} for room in the backlog. */
        void offer(PipeEnd end, Duration timeout) throws IOException {
            lock.lock();
            try {
                long left = timeout.toNanos();
                while (!closed && queue.size() >= backlog) {
                    if (left <= 0) {
                        throw new SocketTimeoutException("connect timed out: backlog of " + address + " full");
                    }
                    try {
                        left = changed.awaitNanos(left);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new ClosedByInterruptException();
                    }
                }
                if (closed) {
                    throw new ConnectException("Connection refused: " + address + " closed (in memory)");
                }
                queue.addLast(end);
                changed.signalAll();
            } finally {
                lock.unlock();
            }
        }

        @Override
        public InetSocketAddress localAddress() {
            return address;
        }

        @Override
        public void close() {
            lock.lock();
            try {
                if (closed) {
                    return;
                }
                closed = true;
                listeners.remove(address, this);
                for (PipeEnd end : queue) {
                    end.close();
                }
                queue.clear();
                changed.signalAll();
            } finally {
                lock.unlock();
            }
        }
    }

    /** One end of an in-memory connection: reads one pipe, writes the other. */
    private static final class PipeEnd extends AbstractStreamConnection {
        private final SocketAddress remote;
        private final BytePipe in;
        private final BytePipe out;
        private final ReentrantLock readLock = new ReentrantLock();
        private final ReentrantLock writeLock = new ReentrantLock();
        private volatile boolean open = true;

        PipeEnd(SocketAddress remote, BytePipe in, BytePipe out) {
            this.remote = remote;
            this.in = in;
            this.out = out;
        }

        @Override
        public long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
            ensureOpen();
            if (remaining(dsts, offset, length) == 0) {
                return 0;
            }
            readLock.lock();
            try {
                return in.read(dsts, offset, length);
            } catch (ClosedByInterruptException e) {
                close();
                throw e;
            } finally {
                readLock.unlock();
            }
        }

        @Override
        public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
            ensureOpen();
            writeLock.lock();
            try {
                return out.write(srcs, offset, length);
            } catch (ClosedByInterruptException e) {
                close();
                throw e;
            } finally {
                writeLock.unlock();
            }
        }

        @Override
        public int available() {
            return open ? in.available() : 0;
        }

        @Override
        public SocketAddress remoteAddress() {
            return remote;
        }

        @Override
        public boolean isOpen() {
            return open;
        }

        @Override
        public void close() {
            if (open) {
                open = false;
                out.closeWriter();
                in.closeReader();
            }
        }

        private void ensureOpen() throws ClosedChannelException {
            if (!open) {
                throw new ClosedChannelException();
            }
        }

        @Override
        public String toString() {
            return "mem:" + remote;
        }
    }
}
