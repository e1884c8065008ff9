package org.understudy.transport;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.concurrent.locks.LockSupport;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * A {@link DatagramTransport} over one UDP socket. One platform thread per socket (not per peer: a standby's one
 * socket hears every primary) waits for datagrams and hands every one waiting to the receiver. When they come often
 * (several were waiting, or the previous round ended less than {@value #BUSY_MILLIS} ms before), it then pauses
 * {@value #PAUSE_MILLIS} ms before it looks again: a standby hearing 100 primaries four times a second wakes about
 * 100 times a second, not 400 times (a virtual thread would add the poller's and a carrier's wake-up to each), and a
 * heartbeat is seen at most that pause later, against timeouts of seconds. A primary hears only its standby, a
 * heartbeat every interval: it does not pause, since the pause's end would be a second wake-up per heartbeat.
 * Send errors are logged at debug level and otherwise ignored: a lost heartbeat is what the detector is for.
 * Thread-safe.
 */
public final class UdpTransport implements DatagramTransport {
    private static final Logger LOG = LogManager.getLogger(UdpTransport.class);
    /** Heartbeats are far smaller; anything longer is truncated by the socket and rejected by the codec. */
    public static final int MAX_DATAGRAM = 2048;
    /** The reader only decodes a heartbeat and tells the detector: a small stack is plenty. */
    private static final long READER_STACK = 256 * 1024;
    static final long PAUSE_MILLIS = 10;
    private static final long PAUSE_NANOS = PAUSE_MILLIS * 1_000_000L;
    /** A round starting within this long of the previous one's end means datagrams come often enough to gather. */
    static final long BUSY_MILLIS = 50;
    private static final long BUSY_NANOS = BUSY_MILLIS * 1_000_000L;

    private final DatagramChannel channel;
    private final InetSocketAddress local;
    private final String name;
    private volatile Receiver receiver;
    private final Thread reader;
    /** Rounds followed by a pause (written by the reader only). */
    private volatile long gatheringPauses;

    /** Binds {@code bind} (port 0 for an ephemeral port) and starts receiving. */
    public UdpTransport(String name, InetSocketAddress bind) throws IOException {
        this.name = name;
        this.channel = DatagramChannel.open(bind.getAddress() instanceof java.net.Inet6Address
                ? StandardProtocolFamily.INET6 : StandardProtocolFamily.INET);
        channel.bind(bind);
        channel.configureBlocking(false);
        this.local = (InetSocketAddress) channel.getLocalAddress();
        this.reader = Thread.ofPlatform().name("udp-" + name).daemon().stackSize(READER_STACK).start(this::readLoop);
        LOG.info("{}: UDP heartbeat transport bound to {}", name, local);
    }

    private void readLoop() {
        ByteBuffer buf = ByteBuffer.allocate(MAX_DATAGRAM);
        try (Selector selector = Selector.open()) {
            channel.register(selector, SelectionKey.OP_READ);
            long lastRound = System.nanoTime() - BUSY_NANOS;
            while (channel.isOpen()) {
                selector.select();
                selector.selectedKeys().clear();
                boolean often = System.nanoTime() - lastRound < BUSY_NANOS;
                int n = drain(buf);
                lastRound = System.nanoTime();
                if (n > 1 || n == 1 && often) {
                    // let the next datagrams gather: with 100 primaries a round every PAUSE, not a wake-up each
                    gatheringPauses++;
                    LockSupport.parkNanos(PAUSE_NANOS);
                }
            }
        } catch (ClosedChannelException | ClosedSelectorException e) {
            // closed: done
        } catch (IOException e) {
            LOG.error("{}: UDP receiving stopped: {}", name, e.toString());
        }
    }

    /** Hands every datagram waiting on the socket to the receiver; returns how many. */
    private int drain(ByteBuffer buf) throws IOException {
        int n = 0;
        while (true) {
            buf.clear();
            InetSocketAddress from;
            try {
                from = (InetSocketAddress) channel.receive(buf);
            } catch (ClosedChannelException e) {
                throw e;
            } catch (IOException e) {
                LOG.warn("{}: UDP receive failed: {}", name, e.toString());
                return n;
            }
            if (from == null) {
                return n;
            }
            n++;
            buf.flip();
            byte[] msg = new byte[buf.remaining()];
            buf.get(msg);
            Receiver r = receiver;
            try {
                if (r != null) {
                    r.receive(from, msg);
                }
            } catch (RuntimeException e) {
                LOG.error("{}: heartbeat receiver failed on a message; continuing", name, e);
            }
        }
    }

    /** How many rounds were followed by a pause. */
    long gatheringPauses() {
        return gatheringPauses;
    }

    @Override
    public InetSocketAddress localAddress() {
        return local;
    }

    @Override
    public void send(InetSocketAddress to, byte[] message) {
        try {
            channel.send(ByteBuffer.wrap(message), to);
        } catch (IOException e) {
            LOG.debug("{}: UDP send to {} failed: {}", name, to, e.toString());
        }
    }

    @Override
    public void receiver(Receiver receiver) {
        this.receiver = receiver;
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException e) {
            LOG.debug("{}: close failed: {}", name, e.toString());
        }
        reader.interrupt();
        // the socket is released when the reader's selector lets go of it: wait, so the port can be bound again
        if (Thread.currentThread() != reader) {
            try {
                reader.join(1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
