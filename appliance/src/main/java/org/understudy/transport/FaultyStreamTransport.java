package org.understudy.transport;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * Wraps a stream transport with faults a test switches on and off while the link runs, the stream counterpart of
 * {@link FaultyTransport}. Every connection made through it (connected, or accepted from its listeners) obeys the
 * switches, which name a direction as this side sees it: {@link Direction#OUTBOUND} is what this side writes,
 * {@link Direction#INBOUND} what it reads.
 * <ul>
 * <li>{@link #stall}: bytes entering that direction from now on are held (a write waits, as on a full send buffer;
 *     what arrives is kept from the reader) until the stall is lifted or the connection closes;</li>
 * <li>{@link #delay}: each write waits that long before it goes on; each arrival is readable that long after it
 *     came, timed on the injected {@link Scheduler};</li>
 * <li>{@link #corrupt}: flips one byte, a given number of bytes ahead, once (the writer's buffer is left intact);</li>
 * <li>{@link #closeAfter}: once that many more bytes have passed, the connection ends there: the other side reads
 *     exactly those bytes and then the end of the stream (a close in the middle of a frame when the count lands in
 *     one); this side's calls then fail;</li>
 * <li>{@link #cut} and {@link #cutAfter}: the cable is pulled, now or once that many more bytes have passed: nothing
 *     passes either way and new connections are refused, and nobody is told. A side that gives up and closes its end
 *     is not heard by the other until {@link #heal}, as with a real cut, so the other side's end stays open meanwhile;
 *     </li>
 * <li>{@link #reset}: the network resets every live connection now (a middlebox's RST): this side's calls fail
 *     with "Connection reset", the other side's connection ends;</li>
 * <li>{@link #refuse}: new connections fail at once; {@link #heal} lifts every fault, disarms what is armed,
 *     delivers what was held and lets the closes held back by a cut go through.</li>
 * </ul>
 * Byte counts run per direction over every connection ({@link #bytes}); a trigger counts from the moment it is armed,
 * so arm it while that direction is idle. Incoming bytes are taken off the wrapped connection by one thread per
 * connection and copied: this decorator is for tests, never for the data path. Thread-safe: one lock guards the
 * switches and every connection's fault state.
 */
public final class FaultyStreamTransport implements StreamTransport {
    private static final Logger LOG = LogManager.getLogger(FaultyStreamTransport.class);

    /** A direction of traffic as this side sees it. */
    public enum Direction {
        /** What this side writes. */
        OUTBOUND,
        /** What this side reads. */
        INBOUND
    }

    /** What an armed trigger does when its byte comes. */
    enum Kind {
        CORRUPT, CLOSE, CUT
    }

    /** The switches and counters of one direction; guarded by {@link #lock}. */
    static final class Way {
        boolean stalled;
        long delayNanos;
        long position;
        long triggerAt;
        Kind trigger;

        /** Bytes that may pass before the armed trigger acts, or -1 when none acts within {@code n} bytes. */
        long untilTrigger(long n) {
            if (trigger == null) {
                return -1;
            }
            long k = Math.max(0, triggerAt - position);
            boolean within = trigger == Kind.CORRUPT ? k < n : k <= n;
            return within ? k : -1;
        }
    }

    final ReentrantLock lock = new ReentrantLock();
    final Condition changed = lock.newCondition();
    private final StreamTransport inner;
    private final Scheduler scheduler;
    private final Way out = new Way();
    private final Way in = new Way();
    private final Set<FaultyConnection> live = ConcurrentHashMap.newKeySet();
    private final List<FaultyConnection> closedWhileCut = new ArrayList<>();
    private boolean cut;
    private boolean refusing;

    /** @param scheduler times {@link #delay}s (a manual scheduler in deterministic tests) */
    public FaultyStreamTransport(StreamTransport inner, Scheduler scheduler) {
        this.inner = inner;
        this.scheduler = scheduler;
    }

    @Override
    public StreamConnection connect(InetSocketAddress remote, Duration timeout) throws IOException {
        lock.lock();
        try {
            if (cut || refusing) {
                throw new ConnectException("Connection refused (fault: " + (cut ? "link cut" : "refusing") + ")");
            }
        } finally {
            lock.unlock();
        }
        return wrap(inner.connect(remote, timeout));
    }

    @Override
    public StreamListener listen(InetSocketAddress local, int backlog) throws IOException {
        StreamListener l = inner.listen(local, backlog);
        return new StreamListener() {
            @Override
            public StreamConnection accept() throws IOException {
                return wrap(l.accept());
            }

            @Override
            public InetSocketAddress localAddress() {
                return l.localAddress();
            }

            @Override
            public void close() throws IOException {
                l.close();
            }
        };
    }

    private StreamConnection wrap(StreamConnection c) {
        FaultyConnection f = new FaultyConnection(this, c);
        live.add(f);
        f.start();
        return f;
    }

    /** Holds what enters {@code d} from now on (or lets it go again). */
    public FaultyStreamTransport stall(Direction d, boolean on) {
        return change(() -> way(d).stalled = on, "stall " + d + " " + on);
    }

    /** Delays each write ({@code OUTBOUND}) or each arrival ({@code INBOUND}) by {@code nanos}; 0 turns it off. */
    public FaultyStreamTransport delay(Direction d, long nanos) {
        if (nanos < 0) {
            throw new IllegalArgumentException("delay " + nanos);
        }
        return change(() -> way(d).delayNanos = nanos, "delay " + d + " " + nanos + " ns");
    }

    /** Flips the byte {@code after} bytes ahead in {@code d} (0: the next one), once. */
    public FaultyStreamTransport corrupt(Direction d, long after) {
        return arm(d, Kind.CORRUPT, after);
    }

    /** Ends the connection once {@code after} more bytes have passed in {@code d}. */
    public FaultyStreamTransport closeAfter(Direction d, long after) {
        return arm(d, Kind.CLOSE, after);
    }

    /** Cuts the link once {@code after} more bytes have passed in {@code d}. */
    public FaultyStreamTransport cutAfter(Direction d, long after) {
        return arm(d, Kind.CUT, after);
    }

    /** Cuts the link now: nothing passes, new connections are refused, closes are not heard until {@link #heal}. */
    public FaultyStreamTransport cut() {
        return change(() -> cut = true, "cut");
    }

    /** Resets every live connection now; new connections are not affected. */
    public FaultyStreamTransport reset() {
        List<FaultyConnection> now;
        lock.lock();
        try {
            now = new ArrayList<>(live);
            now.forEach(FaultyConnection::resetByNetwork);
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        LOG.info("fault: {} connection(s) reset", now.size());
        now.forEach(FaultyConnection::closeWrapped);
        return this;
    }

    /** Refuses new connections (or accepts them again). */
    public FaultyStreamTransport refuse(boolean on) {
        return change(() -> refusing = on, "refuse " + on);
    }

    /** Lifts every fault and disarms every trigger; held bytes flow and held-back closes go through. */
    public FaultyStreamTransport heal() {
        List<FaultyConnection> closes;
        lock.lock();
        try {
            for (Way w : new Way[] {out, in}) {
                w.stalled = false;
                w.delayNanos = 0;
                w.trigger = null;
            }
            cut = false;
            refusing = false;
            closes = new ArrayList<>(closedWhileCut);
            closedWhileCut.clear();
            live.forEach(FaultyConnection::releaseHeld);
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        LOG.info("fault: healed ({} held-back close(s) go through)", closes.size());
        closes.forEach(FaultyConnection::closeWrapped);
        return this;
    }

    /** Whether the link is cut (by {@link #cut} or a {@link #cutAfter} that fired). */
    public boolean isCut() {
        lock.lock();
        try {
            return cut;
        } finally {
            lock.unlock();
        }
    }

    /** Whether a trigger armed on {@code d} has not acted yet. */
    public boolean armed(Direction d) {
        lock.lock();
        try {
            return way(d).trigger != null;
        } finally {
            lock.unlock();
        }
    }

    /** Bytes that passed in {@code d} so far, over every connection. */
    public long bytes(Direction d) {
        lock.lock();
        try {
            return way(d).position;
        } finally {
            lock.unlock();
        }
    }

    private FaultyStreamTransport arm(Direction d, Kind kind, long after) {
        if (after < 0) {
            throw new IllegalArgumentException("bytes ahead " + after);
        }
        return change(() -> {
            Way w = way(d);
            w.trigger = kind;
            w.triggerAt = w.position + after;
        }, kind + " " + d + " after " + after + " bytes");
    }

    private FaultyStreamTransport change(Runnable r, String what) {
        lock.lock();
        try {
            r.run();
            if (!cut && !in.stalled) {
                live.forEach(FaultyConnection::releaseHeld);
            }
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        LOG.info("fault: {}", what);
        return this;
    }

    // ---- what connections ask, under the lock ------------------------------------------------------------------

    Way way(Direction d) {
        return d == Direction.OUTBOUND ? out : in;
    }

    /** Whether what enters {@code d} now is held. Under the lock. */
    boolean held(Direction d) {
        return cut || way(d).stalled;
    }

    /** A trigger of kind CUT acted. Under the lock. */
    void cutNow(Direction d) {
        cut = true;
        way(d).trigger = null;
        changed.signalAll();
        LOG.info("fault: link cut after {} bytes {}", way(d).position, d);
    }

    /** A connection closed by its owner: its wrapped end closes now, or at {@link #heal} while the link is cut. */
    boolean closing(FaultyConnection c) {
        live.remove(c);
        if (cut) {
            closedWhileCut.add(c);
            return false;
        }
        return true;
    }

    /** Runs {@code release} after the delay of {@code d}; under the lock. */
    void afterDelay(Direction d, Runnable release) {
        scheduler.schedule(() -> {
            lock.lock();
            try {
                release.run();
                changed.signalAll();
            } finally {
                lock.unlock();
            }
        }, way(d).delayNanos);
    }

    static byte flip(byte b) {
        return (byte) (b ^ 0x5a);
    }

    static ByteBuffer copy(ByteBuffer src, int length) {
        ByteBuffer c = ByteBuffer.allocate(length);
        c.put(src.slice(src.position(), length)).flip();
        return c;
    }
}
