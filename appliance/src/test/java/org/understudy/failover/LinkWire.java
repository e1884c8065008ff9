package org.understudy.failover;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.understudy.e2e.Poll;
import org.understudy.health.HealthDetector;
import org.understudy.health.PathConfig;
import org.understudy.transport.FaultyStreamTransport;
import org.understudy.transport.InMemoryStreams;
import org.understudy.transport.Scheduler;
import org.understudy.transport.StreamConnection;
import org.understudy.transport.StreamListener;

/**
 * One primary's replication link in a detection scenario: in-memory streams with a fault switch on the standby's side
 * (a middlebox in front of it). The standby's end tells the detector when the peer closed it, as the replica server
 * does: the end of the stream, or a reset; a close of its own is not reported. Life on the link path comes from the
 * scenario's heartbeats, so this wire only carries the closes.
 */
final class LinkWire implements AutoCloseable {
    private final String primary;
    private final HealthDetector detector;
    private final InMemoryStreams net = new InMemoryStreams();
    /** The standby's side: {@link FaultyStreamTransport#reset} is a middlebox resetting the connection. */
    final FaultyStreamTransport standbySide;
    private final StreamListener listener;
    private volatile StreamConnection primaryEnd;
    /** Connections the standby saw end, whoever ended them. */
    private final AtomicInteger ended = new AtomicInteger();
    private final AtomicInteger accepted = new AtomicInteger();

    LinkWire(String primary, HealthDetector detector, Scheduler scheduler) throws IOException {
        this.primary = primary;
        this.detector = detector;
        this.standbySide = new FaultyStreamTransport(net, scheduler);
        this.listener = standbySide.listen(new InetSocketAddress("127.0.0.1", 0), 4);
        Thread t = new Thread(this::acceptLoop, "link-wire-" + primary);
        t.setDaemon(true);
        t.start();
    }

    private void acceptLoop() {
        while (true) {
            StreamConnection c;
            try {
                c = listener.accept();
            } catch (IOException e) {
                return;
            }
            accepted.incrementAndGet();
            Thread t = new Thread(() -> read(c), "link-wire-reader-" + primary);
            t.setDaemon(true);
            t.start();
        }
    }

    private void read(StreamConnection c) {
        ByteBuffer b = ByteBuffer.allocate(64);
        try {
            while (true) {
                b.clear();
                if (c.read(b) < 0) {
                    detector.closedByPeer(primary, PathConfig.LINK, "end of stream");
                    return;
                }
            }
        } catch (IOException e) {
            if (StreamConnection.isReset(e)) {
                detector.closedByPeer(primary, PathConfig.LINK, "connection reset");
            }
        } finally {
            try {
                c.close();
            } catch (IOException ignored) {
                // closing anyway
            }
            ended.incrementAndGet();
        }
    }

    /** The primary (re)connects its link and sends a byte; returns once the standby accepted it. */
    void connect() throws IOException {
        int before = accepted.get();
        primaryEnd = net.connect(listener.localAddress(), Duration.ofSeconds(5));
        primaryEnd.write(ByteBuffer.wrap(new byte[] {1}));
        Poll.until(Duration.ofSeconds(10), "the standby accepts " + primary + "'s link", () -> accepted.get() > before);
    }

    /** The primary's process dies: its kernel closes the connection (the standby reads the end of the stream). */
    void primaryCloses() throws IOException {
        primaryEnd.close();
    }

    /** Connections the standby saw end so far. */
    int ended() {
        return ended.get();
    }

    /** Waits until the standby saw {@code n} connections end (and told the detector). */
    void awaitEnded(int n) {
        Poll.until(Duration.ofSeconds(10), primary + "'s link ends " + n + " time(s)", () -> ended.get() >= n);
    }

    @Override
    public void close() throws IOException {
        listener.close();
        StreamConnection c = primaryEnd;
        if (c != null) {
            c.close();
        }
    }
}
