package org.understudy.replica;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.understudy.config.ClusterConfig;
import org.understudy.config.Endpoint;
import org.understudy.e2e.Poll;
import org.understudy.replication.FrameType;
import org.understudy.replication.HandshakeMessages;
import org.understudy.testing.TestCluster;

/**
 * The replica server tells the health engine when a primary's kernel closed its link (the fast path's first fact),
 * over real TCP on loopback: the end of the stream, a reset, a frame cut short. A close the standby made itself (a
 * fence) and a live primary's orderly goodbye (its ERROR frame) are no such fact.
 */
@Timeout(30)
class PeerCloseTest {
    private static final long SIZE = 1 << 20;

    @TempDir
    Path root;
    private ReplicaServer server;
    private final List<String> closes = new CopyOnWriteArrayList<>();
    private final List<String> ended = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() throws IOException {
        ClusterConfig cluster = TestCluster.of(root, 0, 2, SIZE, 2 * SIZE);
        server = ReplicaServer.start(cluster, ReplicaOptions.defaults().withBind(new Endpoint("127.0.0.1", 0)),
                new LinkActivity() {
                    @Override
                    public void heard(String primary) {
                    }

                    @Override
                    public void closedByPeer(String primary, String volume, String how) {
                        closes.add(primary + "/" + volume + ": " + how);
                    }
                });
    }

    @AfterEach
    void stop() throws IOException {
        server.close();
    }

    private RawPrimary linkUp() throws IOException {
        RawPrimary p = new RawPrimary(server.boundPort());
        p.handshake(TestCluster.KEY, "p1", "vol0", SIZE);
        Poll.until(Duration.ofSeconds(10), "link up", () -> server.linkCount("p1") == 1);
        return p;
    }

    private void awaitLinkGone() {
        Poll.until(Duration.ofSeconds(10), "link gone", () -> server.linkCount("p1") == 0);
    }

    @Test
    void primaryClosesItsSocket_endOfStreamReported() throws Exception {
        linkUp().close();
        Poll.until(Duration.ofSeconds(10), "close reported", () -> !closes.isEmpty());
        assertEquals(List.of("p1/vol0: end of stream"), closes);
    }

    @Test
    void primaryResetsItsSocket_resetReported() throws Exception {
        RawPrimary p = linkUp();
        p.socket.setOption(StandardSocketOptions.SO_LINGER, 0); // close sends RST, as a kernel may for a killed process
        p.close();
        Poll.until(Duration.ofSeconds(10), "close reported", () -> !closes.isEmpty());
        assertEquals(List.of("p1/vol0: connection reset"), closes);
    }

    @Test
    void primaryDiesInTheMiddleOfAFrame_reported() throws Exception {
        RawPrimary p = linkUp();
        p.send(ByteBuffer.wrap(new byte[] {0x55, 0x44, 0x33})); // the first bytes of a frame header, then nothing
        p.close();
        Poll.until(Duration.ofSeconds(10), "close reported", () -> !closes.isEmpty());
        assertEquals(List.of("p1/vol0: end of stream in the middle of a frame"), closes);
    }

    @Test
    void standbyClosesTheLink_fence_notReported() throws Exception {
        try (RawPrimary p = linkUp()) {
            server.fence("p1", "taken over", 2000);
            p.awaitClose(); // the standby closed it
        }
        awaitLinkGone();
        assertTrue(closes.isEmpty(), closes::toString);
    }

    @Test
    void primarySaysGoodbye_errorFrame_notReported() throws Exception {
        try (RawPrimary p = linkUp()) {
            p.frames.write(FrameType.ERROR, 0, 0, HandshakeMessages.errorPayload("primary shutting down"));
            awaitLinkGone();
        }
        assertTrue(closes.isEmpty(), closes::toString);
    }
}
