package org.understudy.transport;

import java.io.IOException;
import java.net.SocketAddress;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedChannelException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;
import org.understudy.transport.FaultyStreamTransport.Direction;
import org.understudy.transport.FaultyStreamTransport.Kind;
import org.understudy.transport.FaultyStreamTransport.Way;

/**
 * One connection of a {@link FaultyStreamTransport}. Writes go to the wrapped connection from the writer's thread,
 * in pieces cut where a trigger acts, after any stall or delay. Reads are served from a queue that one thread of this
 * connection fills from the wrapped connection, so a held or delayed arrival can be kept from the reader and the reader
 * can be woken by a close without the other side hearing of it. State is guarded by the transport's lock.
 */
final class FaultyConnection extends AbstractStreamConnection {
    private static final int READ_CHUNK = 64 * 1024;

    private final FaultyStreamTransport f;
    private final StreamConnection wrapped;
    private final ReentrantLock writeLock = new ReentrantLock();
    private final ArrayDeque<Chunk> arrived = new ArrayDeque<>();
    private volatile boolean closed;
    private boolean endOfStream;
    private IOException readFailure;
    private IOException broken;

    /** Bytes that arrived; readable once released (delay) and not held (stall, cut). */
    private static final class Chunk {
        final ByteBuffer data;
        boolean held;
        boolean released;

        Chunk(ByteBuffer data, boolean held) {
            this.data = data;
            this.held = held;
        }

        boolean readable() {
            return released && !held;
        }
    }

    FaultyConnection(FaultyStreamTransport f, StreamConnection wrapped) {
        this.f = f;
        this.wrapped = wrapped;
    }

    void start() {
        Thread t = new Thread(this::receive, "faulty-stream-" + wrapped.remoteAddress());
        t.setDaemon(true);
        t.start();
    }

    // ---- inbound ------------------------------------------------------------------------------------------------

    private void receive() {
        ByteBuffer buf = ByteBuffer.allocate(READ_CHUNK);
        try {
            while (true) {
                buf.clear();
                int n = wrapped.read(buf);
                if (!arrive(buf.flip(), n < 0)) {
                    return;
                }
            }
        } catch (IOException e) {
            f.lock.lock();
            try {
                readFailure = e;
                f.changed.signalAll();
            } finally {
                f.lock.unlock();
            }
        }
    }

    /** Takes what arrived, acting on an armed trigger; false when the stream ends here. */
    private boolean arrive(ByteBuffer data, boolean end) {
        boolean closeNow = false;
        f.lock.lock();
        try {
            if (end) {
                endOfStream = true;
                return false;
            }
            Way w = f.way(Direction.INBOUND);
            int n = data.remaining();
            long k = w.untilTrigger(n);
            if (k >= 0 && w.trigger == Kind.CORRUPT) {
                data.put(data.position() + (int) k, FaultyStreamTransport.flip(data.get(data.position() + (int) k)));
                w.trigger = null;
                k = -1;
            }
            if (k < 0) {
                queue(data, n);
                w.position += n;
                return true;
            }
            queue(data, (int) k);
            w.position += k;
            data.position(data.position() + (int) k);
            if (w.trigger == Kind.CLOSE) {
                w.trigger = null;
                endOfStream = true; // this side reads the first k bytes, then the end: the peer "closed" there
                closeNow = true;
                return false;
            }
            f.cutNow(Direction.INBOUND);
            queue(data, data.remaining()); // behind the cut: held until it heals
            w.position += n - k;
            return true;
        } finally {
            f.changed.signalAll();
            f.lock.unlock();
            if (closeNow) {
                closeWrapped();
            }
        }
    }

    /** Under the lock. */
    private void queue(ByteBuffer data, int length) {
        if (length == 0) {
            return;
        }
        Chunk c = new Chunk(FaultyStreamTransport.copy(data, length), f.held(Direction.INBOUND));
        if (f.way(Direction.INBOUND).delayNanos > 0) {
            f.afterDelay(Direction.INBOUND, () -> c.released = true);
        } else {
            c.released = true;
        }
        arrived.addLast(c);
    }

    /** The stall or cut that held arrivals is over. Under the lock. */
    void releaseHeld() {
        arrived.forEach(c -> c.held = false);
    }

    @Override
    public long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
        f.lock.lock();
        try {
            ensureOpen();
            if (remaining(dsts, offset, length) == 0) {
                return 0;
            }
            while (true) {
                if (closed) {
                    throw new AsynchronousCloseException();
                }
                if (broken != null) {
                    throw broken;
                }
                Chunk c = arrived.peekFirst();
                if (c != null && c.readable()) {
                    return take(dsts, offset, length);
                }
                if (c == null && endOfStream) {
                    return -1;
                }
                if (c == null && readFailure != null) {
                    throw readFailure;
                }
                awaitChange();
            }
        } finally {
            f.lock.unlock();
        }
    }

    /** Moves readable bytes into {@code dsts}. Under the lock. */
    private long take(ByteBuffer[] dsts, int offset, int length) {
        long n = 0;
        for (int i = offset; i < offset + length; i++) {
            ByteBuffer d = dsts[i];
            while (d.hasRemaining() && !arrived.isEmpty() && arrived.peekFirst().readable()) {
                ByteBuffer src = arrived.peekFirst().data;
                int run = Math.min(d.remaining(), src.remaining());
                d.put(src.slice(src.position(), run));
                src.position(src.position() + run);
                n += run;
                if (!src.hasRemaining()) {
                    arrived.pollFirst();
                }
            }
        }
        return n;
    }

    @Override
    public int available() {
        f.lock.lock();
        try {
            int n = 0;
            for (Chunk c : arrived) {
                if (!c.readable()) {
                    break;
                }
                n += c.data.remaining();
            }
            return closed ? 0 : n;
        } finally {
            f.lock.unlock();
        }
    }

    // ---- outbound -----------------------------------------------------------------------------------------------

    @Override
    public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
        if (closed) {
            throw new ClosedChannelException();
        }
        writeLock.lock();
        try {
            long total = 0;
            long left;
            while ((left = remaining(srcs, offset, length)) > 0) {
                long plain;
                Kind then;
                f.lock.lock();
                try {
                    awaitWritable();
                    Way w = f.way(Direction.OUTBOUND);
                    long k = w.untilTrigger(left);
                    plain = k < 0 ? left : k;
                    then = k < 0 ? null : w.trigger;
                } finally {
                    f.lock.unlock();
                }
                writeExactly(srcs, offset, length, plain);
                total += plain;
                if (then == Kind.CORRUPT) {
                    ByteBuffer b = first(srcs, offset, length);
                    ByteBuffer one = ByteBuffer.wrap(new byte[] {FaultyStreamTransport.flip(b.get(b.position()))});
                    writeExactly(new ByteBuffer[] {one}, 0, 1, 1);
                    b.position(b.position() + 1);
                    total++;
                }
                passed(plain + (then == Kind.CORRUPT ? 1 : 0), then);
                if (then == Kind.CLOSE) {
                    throw breakOff();
                }
            }
            return total;
        } finally {
            writeLock.unlock();
        }
    }

    /** Waits while outbound bytes are held, then for this write's delay. Under the lock. */
    private void awaitWritable() throws IOException {
        while (true) {
            ensureUsable();
            if (f.held(Direction.OUTBOUND)) {
                awaitChange();
                continue;
            }
            if (f.way(Direction.OUTBOUND).delayNanos == 0) {
                return;
            }
            boolean[] due = new boolean[1];
            f.afterDelay(Direction.OUTBOUND, () -> due[0] = true);
            while (!due[0]) {
                ensureUsable();
                awaitChange();
            }
            if (!f.held(Direction.OUTBOUND)) {
                return;
            }
        }
    }

    /** Counts what went out and acts on the trigger that came due. */
    private void passed(long n, Kind then) {
        f.lock.lock();
        try {
            Way w = f.way(Direction.OUTBOUND);
            w.position += n;
            if (then == Kind.CUT) {
                f.cutNow(Direction.OUTBOUND);
            } else if (then != null) {
                w.trigger = null;
            }
        } finally {
            f.lock.unlock();
        }
    }

    /** The network reset this connection: every call from now on fails as a reset. Under the lock. */
    void resetByNetwork() {
        if (broken == null) {
            broken = new SocketException("Connection reset (fault: reset by the network)");
        }
    }

    /** A CLOSE trigger acted on what this side writes: the peer reads what passed, then the end of the stream. */
    private IOException breakOff() {
        IOException e;
        f.lock.lock();
        try {
            e = new SocketException("Connection closed by a fault after " + f.way(Direction.OUTBOUND).position
                    + " bytes written");
            broken = e;
            f.changed.signalAll();
        } finally {
            f.lock.unlock();
        }
        closeWrapped();
        return e;
    }

    /** Writes exactly {@code n} bytes from the front of {@code srcs} to the wrapped connection. */
    private void writeExactly(ByteBuffer[] srcs, int offset, int length, long n) throws IOException {
        if (n == remaining(srcs, offset, length)) {
            for (long left = n; left > 0; ) {
                left -= wrapped.write(srcs, offset, length);
            }
            return;
        }
        List<ByteBuffer> views = new ArrayList<>();
        long need = n;
        for (int i = offset; i < offset + length && need > 0; i++) {
            int take = (int) Math.min(need, srcs[i].remaining());
            views.add(srcs[i].slice(srcs[i].position(), take));
            need -= take;
        }
        ByteBuffer[] v = views.toArray(new ByteBuffer[0]);
        for (long left = n; left > 0; ) {
            left -= wrapped.write(v, 0, v.length);
        }
        need = n;
        for (int i = offset; i < offset + length && need > 0; i++) {
            int take = (int) Math.min(need, srcs[i].remaining());
            srcs[i].position(srcs[i].position() + take);
            need -= take;
        }
    }

    private static ByteBuffer first(ByteBuffer[] bufs, int offset, int length) {
        for (int i = offset; i < offset + length; i++) {
            if (bufs[i].hasRemaining()) {
                return bufs[i];
            }
        }
        throw new IllegalStateException("no bytes left");
    }

    // ---- closing ------------------------------------------------------------------------------------------------

    @Override
    public SocketAddress remoteAddress() {
        return wrapped.remoteAddress();
    }

    @Override
    public boolean isOpen() {
        return !closed;
    }

    @Override
    public void close() {
        boolean now;
        f.lock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            now = f.closing(this);
            f.changed.signalAll();
        } finally {
            f.lock.unlock();
        }
        if (now) {
            closeWrapped();
        }
    }

    /** Closes the wrapped connection: the other side hears of it. */
    void closeWrapped() {
        try {
            wrapped.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }

    /** Under the lock. */
    private void ensureOpen() throws ClosedChannelException {
        if (closed) {
            throw new ClosedChannelException();
        }
    }

    /** Under the lock: a close while waiting ends the wait, a fault that broke the connection is reported. */
    private void ensureUsable() throws IOException {
        if (closed) {
            throw new AsynchronousCloseException();
        }
        if (broken != null) {
            throw broken;
        }
    }

    private void awaitChange() throws IOException {
        try {
            f.changed.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            close(); // as a socket does; the lock is reentrant
            throw new java.nio.channels.ClosedByInterruptException();
        }
    }

    @Override
    public String toString() {
        return "faulty:" + wrapped;
    }
}
