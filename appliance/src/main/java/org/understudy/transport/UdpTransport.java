package org.understudy.transport;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * A {@link DatagramTransport} over one UDP socket. One platform thread per socket (not per peer: a standby's one
 * socket hears every primary) receives in a blocking call and calls the receiver: a datagram then costs one wake-up,
 * where a virtual thread costs the poller's wake-up, a carrier's and a re-arm of the socket in the poller for each.
 * Send errors are logged at debug level and otherwise ignored: a lost heartbeat is what the detector is for.
 * Thread-safe.
 */
public final class UdpTransport implements DatagramTransport {
    private static final Logger LOG = LogManager.getLogger(UdpTransport.class);
    /** Heartbeats are far smaller; anything longer is truncated by the socket and rejected by the codec. */
    public static final int MAX_DATAGRAM = 2048;
    /** The reader only decodes a heartbeat and tells the detector: a small stack is plenty. */
    private static final long READER_STACK = 256 * 1024;

    private final DatagramChannel channel;
    private final InetSocketAddress local;
    private final String name;
    private volatile Receiver receiver;
    private final Thread reader;

    /** Binds {@code bind} (port 0 for an ephemeral port) and starts receiving. */
    public UdpTransport(String name, InetSocketAddress bind) throws IOException {
        this.name = name;
        this.channel = DatagramChannel.open(bind.getAddress() instanceof java.net.Inet6Address
                ? StandardProtocolFamily.INET6 : StandardProtocolFamily.INET);
        channel.bind(bind);
        this.local = (InetSocketAddress) channel.getLocalAddress();
        this.reader = Thread.ofPlatform().name("udp-" + name).daemon().stackSize(READER_STACK).start(this::readLoop);
        LOG.info("{}: UDP heartbeat transport bound to {}", name, local);
    }

    private void readLoop() {
        ByteBuffer buf = ByteBuffer.allocate(MAX_DATAGRAM);
        while (channel.isOpen()) {
            try {
                buf.clear();
                InetSocketAddress from = (InetSocketAddress) channel.receive(buf);
                buf.flip();
                byte[] msg = new byte[buf.remaining()];
                buf.get(msg);
                Receiver r = receiver;
                if (r != null) {
                    r.receive(from, msg);
                }
            } catch (ClosedChannelException e) {
                return;
            } catch (IOException e) {
                LOG.warn("{}: UDP receive failed: {}", name, e.toString());
            } catch (RuntimeException e) {
                LOG.error("{}: heartbeat receiver failed on a message; continuing", name, e);
            }
        }
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
    }
}
