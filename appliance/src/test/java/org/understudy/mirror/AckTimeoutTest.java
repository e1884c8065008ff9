package org.understudy.mirror;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.understudy.config.ClusterConfig;
import org.understudy.model.LinkState;
import org.understudy.model.MirrorState;
import org.understudy.replication.Frame;
import org.understudy.replication.FrameChannel;
import org.understudy.replication.FrameFlags;
import org.understudy.replication.FrameType;
import org.understudy.replication.HandshakeMessages;
import org.understudy.replication.LinkAuthenticator;
import org.understudy.replication.ServerHandshake;
import org.understudy.e2e.Poll;
import org.understudy.testing.TestCluster;

/** A standby that authenticates and then never acknowledges: the primary must time out and keep serving. */
class AckTimeoutTest {
    @TempDir
    Path root;

    /** Accepts one link, completes the handshake, then swallows every frame. */
    private static Thread mute(ServerSocketChannel ss, AtomicReference<SocketChannel> accepted) {
        Thread t = new Thread(() -> {
            try (SocketChannel s = ss.accept()) {
                accepted.set(s);
                FrameChannel f = new FrameChannel(s);
                ServerHandshake hs = new ServerHandshake(new LinkAuthenticator(TestCluster.KEY, new SecureRandom()),
                        "sb", 1 << 20);
                f.write(FrameType.CHALLENGE, 0, 0, hs.onHello(HandshakeMessages.Hello.decode(f.read().payload()))
                        .encode());
                hs.onProof(HandshakeMessages.Proof.decode(f.read().payload()));
                f.write(FrameType.WELCOME, FrameFlags.REPLICA_FRESH, 0, null);
                f.read(); // the primary's IDENTITY; answer as a fresh replica
                f.write(FrameType.IDENTITY, 0, 0, new org.understudy.replication.IdentityMessage(
                        org.understudy.resync.VolumeIdentity.fresh(), org.understudy.resync.BitmapInfo.NONE).encode());
                f.maxPayload(hs.maxFrame());
                while (true) {
                    Frame ignored = f.read();
                }
            } catch (IOException e) {
                // the primary gave up on us: expected
            }
        }, "mute-standby");
        t.setDaemon(true);
        t.start();
        return t;
    }

    @Test
    void standbyStopsAcknowledging_writeCompletesAfterTheAckTimeout_onTheInjectedClock() throws Exception {
        try (ServerSocketChannel ss = ServerSocketChannel.open().bind(new InetSocketAddress("127.0.0.1", 0))) {
            int port = ((InetSocketAddress) ss.getLocalAddress()).getPort();
            ClusterConfig cluster = TestCluster.of(root, port, 1, 1 << 20);
            AtomicReference<SocketChannel> accepted = new AtomicReference<>();
            mute(ss, accepted);
            AtomicLong now = new AtomicLong();
            // a long reconnect delay keeps the link's state and reason still while the test looks at them
            MirrorOptions options = MirrorOptions.defaults().withClock(now::get).withAckTimeout(Duration.ofMillis(400))
                    .withReconnect(Duration.ofSeconds(30), Duration.ofSeconds(30));
            var p = cluster.primaries().get(0);
            try (MirroredVolume v = MirroredVolume.open(cluster, p, p.volumes().get(0), options)) {
                MirrorFixture.awaitState(v, MirrorState.SYNCING, Duration.ofSeconds(10));
                AtomicReference<Throwable> error = new AtomicReference<>();
                Thread w = new Thread(() -> {
                    try {
                        v.write(0, ByteBuffer.wrap(new byte[4096]), false);
                    } catch (Throwable e) {
                        error.set(e);
                    }
                });
                w.start();
                // the write waits for an ACK that never comes; the clock has not moved, so the link is still up
                Poll.until(Duration.ofSeconds(5), "write parked", () -> w.getState() == Thread.State.WAITING);
                assertEquals(LinkState.UP, v.linkSnapshot().state());
                // advance the injected clock until the watchdog gives up on the link (once is normally enough)
                Poll.until(Duration.ofSeconds(10), () -> "write still waiting; link " + v.linkSnapshot(), () -> {
                    now.addAndGet(Duration.ofMillis(401).toNanos());
                    return !w.isAlive();
                });
                assertTrue(!w.isAlive() && error.get() == null, "write completed locally: " + error.get());
                assertEquals(MirrorState.DEGRADED, v.state());
                assertTrue(v.linkSnapshot().detail().contains("no ACK"), v.linkSnapshot().toString());
                assertEquals(0, v.snapshot().writesReplicated());
            }
        }
    }
}
