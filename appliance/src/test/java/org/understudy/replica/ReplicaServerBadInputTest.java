package org.understudy.replica;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.understudy.config.ClusterConfig;
import org.understudy.config.Endpoint;
import org.understudy.model.MirrorState;
import org.understudy.model.VolumeSnapshot;
import org.understudy.replication.ClientHandshake;
import org.understudy.replication.Frame;
import org.understudy.replication.FrameCodec;
import org.understudy.replication.FrameType;
import org.understudy.replication.HandshakeMessages;
import org.understudy.replication.LinkAuthenticator;
import org.understudy.e2e.Poll;
import org.understudy.testing.TestCluster;

/**
 * Bad input on the replication port closes only the offending connection, with a reason, and never touches a replica;
 * the server and other links carry on.
 */
class ReplicaServerBadInputTest {
    private static final long SIZE = 1 << 20;

    @TempDir
    Path root;
    private ReplicaServer server;
    private ClusterConfig cluster;
    private int port;
    private byte[] p2Before;
    private final java.util.List<String> refusedLogins = new java.util.concurrent.CopyOnWriteArrayList<>();

    @BeforeEach
    void start() throws Exception {
        ClusterConfig base = TestCluster.of(root, 0, 2, SIZE);
        server = ReplicaServer.start(base, ReplicaOptions.defaults().withBind(new Endpoint("127.0.0.1", 0))
                .withMaxFrame(FrameCodec.MIN_FRAME), new LinkActivity() {
                    @Override
                    public void heard(String primary) {
                    }

                    @Override
                    public void authenticationRefused(String source, String claimedPrimary, String reason) {
                        refusedLogins.add(source + " " + claimedPrimary + " " + reason);
                    }
                });
        port = server.boundPort();
        cluster = TestCluster.withPort(base, port);
        // give p2/vol0 some content through a well-behaved raw link: sync begin, a write, sync end
        try (RawPrimary p = new RawPrimary(port)) {
            p.handshake(TestCluster.KEY, "p2", "vol0", SIZE);
            ByteBuffer out = ByteBuffer.allocate(3 * FrameCodec.HEADER_SIZE + 4096);
            FrameCodec.encode(out, FrameType.SYNC_BEGIN, 0, 1, 0, 0, null);
            FrameCodec.encode(out, FrameType.WRITE, 0, 2, 8192, 4096, ByteBuffer.wrap(filled(4096, (byte) 0x5a)));
            FrameCodec.encode(out, FrameType.SYNC_END, 0, 3, 0, 0, null);
            p.send(out.flip());
            Frame ack;
            do {
                ack = p.frames.read();
            } while (ack.seq() < 3);
            assertEquals(FrameType.ACK, ack.type());
        }
        p2Before = digest(p2Image());
        Poll.until(Duration.ofSeconds(5), () -> "links " + server.links(), () -> server.links().isEmpty());
    }

    @AfterEach
    void stop() throws IOException {
        server.close();
    }

    private Path p2Image() {
        return Replica.imagePath(cluster.standby(), "p2", "vol0");
    }

    private static byte[] filled(int n, byte b) {
        byte[] a = new byte[n];
        java.util.Arrays.fill(a, b);
        return a;
    }

    private static byte[] digest(Path p) throws Exception {
        return MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(p));
    }

    /** After every bad connection: replica bytes unchanged, server still accepts and serves a good link. */
    private void assertHarmless(String reason, String expectedInReason) throws Exception {
        assertTrue(reason.contains(expectedInReason), "reason '" + reason + "' should mention '" + expectedInReason + "'");
        assertArrayEquals(p2Before, digest(p2Image()), "replica p2/vol0 changed");
        try (RawPrimary good = new RawPrimary(port)) {
            good.handshake(TestCluster.KEY, "p1", "vol0", SIZE);
            ByteBuffer out = ByteBuffer.allocate(FrameCodec.HEADER_SIZE);
            FrameCodec.encode(out, FrameType.KEEPALIVE, 0, 1, 0, 0, null);
            good.send(out.flip());
            Frame ack = good.frames.read();
            assertEquals(FrameType.ACK, ack.type());
            assertEquals(1, ack.seq());
        }
        VolumeSnapshot p2 = server.snapshots().stream().filter(s -> s.primary().equals("p2")).findFirst().orElseThrow();
        assertTrue(p2.state() == MirrorState.DEGRADED || p2.state() == MirrorState.IN_SYNC, p2.toString());
    }

    @Test
    void garbage_closesWithReason() throws Exception {
        byte[] junk = new byte[4096];
        new Random(1).nextBytes(junk);
        try (RawPrimary p = new RawPrimary(port)) {
            p.send(ByteBuffer.wrap(junk));
            assertHarmless(p.awaitClose(), "bad magic");
        }
    }

    @Test
    void wrongKey_isRefused() throws Exception {
        byte[] wrong = "definitely-not-the-cluster-key-000000".getBytes(StandardCharsets.US_ASCII);
        try (RawPrimary p = new RawPrimary(port)) {
            ClientHandshake hs = new ClientHandshake(new LinkAuthenticator(wrong, new SecureRandom()), "p2", "vol0",
                    SIZE, 1 << 20);
            p.frames.write(FrameType.HELLO, 0, 0, hs.hello().encode());
            Frame c = p.frames.read();
            var ch = HandshakeMessages.Challenge.decode(c.payload());
            byte[] forged = new LinkAuthenticator(wrong, new SecureRandom()).prove(LinkAuthenticator.Role.PRIMARY,
                    ch.nonce(), hs.hello().nonce(), new LinkAuthenticator.Transcript(1, ch.maxFrame(), "p2", "vol0", SIZE));
            p.frames.write(FrameType.PROOF, 0, 0, ByteBuffer.wrap(forged));
            assertHarmless(p.awaitClose(), "failed to prove the cluster key");
        }
        // regression: forged handshakes were WARN lines only; now each is a refused authentication on record
        assertEquals(java.util.List.of("127.0.0.1 p2 primary 'p2' failed to prove the cluster key"), refusedLogins);
    }

    @Test
    void reflectedProof_isRefused() throws Exception {
        try (RawPrimary p = new RawPrimary(port)) {
            ClientHandshake hs = new ClientHandshake(new LinkAuthenticator(new byte[32], new SecureRandom()), "p2",
                    "vol0", SIZE, 1 << 20);
            p.frames.write(FrameType.HELLO, 0, 0, hs.hello().encode());
            var ch = HandshakeMessages.Challenge.decode(p.frames.read().payload());
            p.frames.write(FrameType.PROOF, 0, 0, ByteBuffer.wrap(ch.proof()));
            assertHarmless(p.awaitClose(), "failed to prove the cluster key");
        }
    }

    @Test
    void unknownVolumeOrWrongSize_isRefusedAfterAuthentication() throws Exception {
        try (RawPrimary p = new RawPrimary(port)) {
            try {
                p.handshake(TestCluster.KEY, "p2", "vol0", SIZE * 2);
            } catch (IOException expected) {
                assertTrue(expected.getMessage().contains("does not match"), expected.getMessage());
            }
        }
        try (RawPrimary p = new RawPrimary(port)) {
            try {
                p.handshake(TestCluster.KEY, "p9", "vol0", SIZE);
            } catch (IOException expected) {
                assertTrue(expected.getMessage().contains("unknown primary"), expected.getMessage());
            }
        }
        assertHarmless("unknown primary", "unknown");
    }

    @Test
    void badCrc_closesWithReason_andTheFrameIsNotApplied() throws Exception {
        try (RawPrimary p = new RawPrimary(port)) {
            p.handshake(TestCluster.KEY, "p2", "vol0", SIZE);
            ByteBuffer out = ByteBuffer.allocate(FrameCodec.HEADER_SIZE + 4096);
            FrameCodec.encode(out, FrameType.WRITE, 0, 1, 8192, 4096, ByteBuffer.wrap(filled(4096, (byte) 0x11)));
            out.put(FrameCodec.HEADER_SIZE + 5, (byte) 0x12);
            p.send(out.flip());
            assertHarmless(p.awaitClose(), "CRC32C mismatch");
        }
    }

    @Test
    void truncatedFrame_closesWithReason() throws Exception {
        try (RawPrimary p = new RawPrimary(port)) {
            p.handshake(TestCluster.KEY, "p2", "vol0", SIZE);
            ByteBuffer out = ByteBuffer.allocate(FrameCodec.HEADER_SIZE + 4096);
            FrameCodec.encode(out, FrameType.WRITE, 0, 1, 0, 4096, ByteBuffer.wrap(filled(4096, (byte) 0x22)));
            out.flip().limit(FrameCodec.HEADER_SIZE + 1000);
            p.send(out);
            p.socket.shutdownOutput();
            assertHarmless(p.awaitClose(), "middle of a frame");
        }
    }

    @Test
    void oversizedFrame_closesWithReasonBeforeItsPayloadArrives() throws Exception {
        try (RawPrimary p = new RawPrimary(port)) {
            p.handshake(TestCluster.KEY, "p2", "vol0", SIZE);
            int big = FrameCodec.MIN_FRAME * 2; // the standby proposed MIN_FRAME, so this is over the negotiated max
            ByteBuffer out = ByteBuffer.allocate(FrameCodec.HEADER_SIZE + big);
            FrameCodec.encode(out, FrameType.WRITE, 0, 1, 0, big, ByteBuffer.allocate(big));
            out.flip().limit(FrameCodec.HEADER_SIZE);
            p.send(out);
            assertHarmless(p.awaitClose(), "exceeds");
        }
    }

    @Test
    void frameOutOfSequence_closesWithReason() throws Exception {
        try (RawPrimary p = new RawPrimary(port)) {
            p.handshake(TestCluster.KEY, "p2", "vol0", SIZE);
            ByteBuffer out = ByteBuffer.allocate(FrameCodec.HEADER_SIZE + 512);
            FrameCodec.encode(out, FrameType.WRITE, 0, 5, 0, 512, ByteBuffer.wrap(filled(512, (byte) 0x33)));
            p.send(out.flip());
            assertHarmless(p.awaitClose(), "out of sequence");
        }
    }

    @Test
    void writeOutsideTheVolume_closesWithReason() throws Exception {
        try (RawPrimary p = new RawPrimary(port)) {
            p.handshake(TestCluster.KEY, "p2", "vol0", SIZE);
            ByteBuffer out = ByteBuffer.allocate(FrameCodec.HEADER_SIZE);
            FrameCodec.encode(out, FrameType.ZERO, 0, 1, SIZE - 512, 1024, null);
            p.send(out.flip());
            assertHarmless(p.awaitClose(), "outside the volume");
        }
    }

    @Test
    void silentConnection_isClosedAfterTheHandshakeTimeout() throws Exception {
        server.close();
        server = ReplicaServer.start(cluster, ReplicaOptions.defaults().withBind(new Endpoint("127.0.0.1", port))
                .withHandshakeTimeout(Duration.ofMillis(200)));
        try (RawPrimary p = new RawPrimary(port)) {
            String reason = p.awaitClose();
            assertTrue(reason.isEmpty() || reason.contains("handshake"), reason);
        }
        assertHarmless("handshake", "handshake");
    }
}
