package org.understudy.mirror;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.understudy.config.Endpoint;
import org.understudy.replication.ClientHandshake;
import org.understudy.replication.Frame;
import org.understudy.replication.FrameChannel;
import org.understudy.replication.FrameType;
import org.understudy.replication.HandshakeMessages;
import org.understudy.replication.IdentityMessage;
import org.understudy.replication.HandshakeMessages.Challenge;
import org.understudy.replication.LinkAuthenticator;
import org.understudy.replication.ProtocolException;
import org.understudy.transport.StreamConnection;

/**
 * Opens one replication link: connect over the options' stream transport (bounded), transport security seam, then
 * the authenticated handshake (bounded by the ack timeout: a standby that accepts but never answers is dropped).
 * Stateless; thread-safe.
 */
final class LinkConnector {
    private static final org.apache.logging.log4j.Logger LOG =
            org.apache.logging.log4j.LogManager.getLogger(LinkConnector.class);
    private final Endpoint standby;
    private final LinkAuthenticator auth;
    private final MirrorOptions options;
    private final ScheduledExecutorService scheduler;

    LinkConnector(Endpoint standby, LinkAuthenticator auth, MirrorOptions options, ScheduledExecutorService scheduler) {
        this.standby = standby;
        this.auth = auth;
        this.options = options;
        this.scheduler = scheduler;
    }

    Endpoint standby() {
        return standby;
    }

    /** Connects and authenticates; the returned link is not started yet. */
    MirrorLink connect(String primary, String volume, long size, TrafficCounters counters,
                       MirrorLink.Listener listener, IdentityMessage mine) throws IOException {
        long t0 = options.clock().getAsLong();
        StreamConnection connection = options.transport().connect(
                new InetSocketAddress(standby.host(), standby.port()), options.connectTimeout());
        long rtt = options.clock().getAsLong() - t0;
        ScheduledFuture<?> timer = null;
        try {
            int proposal = FrameSizing.proposal(rtt, options.maxFrame());
            timer = scheduler.schedule(() -> closeQuietly(connection), options.ackTimeout().toMillis(),
                    TimeUnit.MILLISECONDS);
            StreamConnection channel = options.security().client(connection);
            FrameChannel frames = new FrameChannel(channel);
            ClientHandshake hs = new ClientHandshake(auth, primary, volume, size, proposal);
            frames.write(FrameType.HELLO, 0, 0, hs.hello().encode());
            Challenge c = Challenge.decode(expect(frames, FrameType.CHALLENGE).payload());
            frames.write(FrameType.PROOF, 0, 0, hs.onChallenge(c).encode());
            Frame welcome = expect(frames, FrameType.WELCOME);
            frames.write(FrameType.IDENTITY, 0, 0, mine.encode());
            IdentityMessage peer = IdentityMessage.decode(expect(frames, FrameType.IDENTITY).payload());
            if (!timer.cancel(false)) {
                throw new IOException("handshake took longer than " + options.ackTimeout().toMillis() + " ms");
            }
            MirrorLink link = new MirrorLink(primary + "/" + volume, channel, frames, hs.maxFrame(),
                    welcome.flags(), options.ackTimeout().toNanos(), options.clock(), counters, listener);
            link.peer(peer);
            link.version(hs.version());
            LOG.info("mirror {}/{}: connect round trip {} us: proposed max frame {} B, negotiated {} B", primary,
                    volume, rtt / 1000, proposal, hs.maxFrame());
            frames.maxPayload(hs.maxFrame()); // READ_DATA replies carry up to a frame of data
            return link;
        } catch (IOException | RuntimeException e) {
            if (timer != null) {
                timer.cancel(false);
            }
            closeQuietly(connection);
            throw e;
        }
    }

    private static Frame expect(FrameChannel frames, FrameType type) throws IOException {
        Frame f = frames.read();
        if (f.type() == FrameType.ERROR) {
            throw new ProtocolException("standby refused: " + HandshakeMessages.errorText(f.payload()));
        }
        if (f.type() != type) {
            throw new ProtocolException("expected " + type + " from the standby, got " + f.type());
        }
        return f;
    }

    private static void closeQuietly(StreamConnection s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // nothing to do
        }
    }
}
