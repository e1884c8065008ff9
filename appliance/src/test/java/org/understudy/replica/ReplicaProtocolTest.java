package org.understudy.replica;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.understudy.config.ClusterConfig;
import org.understudy.config.Endpoint;
import org.understudy.model.MirrorState;
import org.understudy.replication.Frame;
import org.understudy.replication.FrameCodec;
import org.understudy.replication.FrameFlags;
import org.understudy.replication.FrameType;
import org.understudy.testing.TestCluster;

/** The standby's side of the data stream, driven frame by frame. */
class ReplicaProtocolTest {
    private static final long SIZE = 1 << 20;

    @TempDir
    Path root;
    private ReplicaServer server;
    private ClusterConfig cluster;

    @BeforeEach
    void start() throws IOException {
        ClusterConfig base = TestCluster.of(root, 0, 2, SIZE, 2 * SIZE);
        server = ReplicaServer.start(base, ReplicaOptions.defaults().withBind(new Endpoint("127.0.0.1", 0)));
        cluster = TestCluster.withPort(base, server.boundPort());
    }

    @AfterEach
    void stop() throws IOException {
        server.close();
    }

    private Properties meta(String primary, String volume) throws IOException {
        Properties p = new Properties();
        try (InputStream in = Files.newInputStream(Replica.metadataPath(cluster.standby(), primary, volume))) {
            p.load(in);
        }
        return p;
    }

    private static void send(RawPrimary p, FrameType type, int flags, long seq, long offset, long length,
                             byte[] payload) throws IOException {
        ByteBuffer out = ByteBuffer.allocate(FrameCodec.HEADER_SIZE + (payload == null ? 0 : payload.length));
        FrameCodec.encode(out, type, flags, seq, offset, length, payload == null ? null : ByteBuffer.wrap(payload));
        p.send(out.flip());
    }

    /** The first replica's state in its snapshot, checked against the light view the standby's health tick reads. */
    private MirrorState firstState() {
        var s = server.snapshots().get(0);
        assertEquals(s.state(), stateOf(s.primary(), s.name()), "the health tick's view agrees with the snapshot");
        return s.state();
    }

    private MirrorState stateOf(String primary, String volume) {
        java.util.List<MirrorState> found = new java.util.ArrayList<>();
        server.forEachState((p, v, state) -> {
            if (p.equals(primary) && v.equals(volume)) {
                found.add(state);
            }
        });
        assertEquals(1, found.size(), primary + "/" + volume + " once in the states");
        return found.get(0);
    }

    @Test
    void everyConfiguredReplica_existsWithTheVolumeSize_andIsListedBeforeAnyLink() throws IOException {
        assertEquals(4, server.snapshots().size());
        for (var s : server.snapshots()) {
            assertEquals(MirrorState.INCONSISTENT, s.state());
            assertEquals(s.state(), stateOf(s.primary(), s.name()), "the health tick's view agrees");
            Path img = Replica.imagePath(cluster.standby(), s.primary(), s.name());
            assertEquals(s.size(), Files.size(img));
            assertEquals(root.resolve("standby/replicas").resolve(s.primary()).resolve(s.name() + ".img"), img);
        }
    }

    @Test
    void syncMarkers_makeTheReplicaInconsistentThenConsistent_durably() throws Exception {
        try (RawPrimary p = new RawPrimary(server.boundPort())) {
            int welcome = p.handshake(TestCluster.KEY, "p1", "vol0", SIZE);
            assertTrue((welcome & FrameFlags.REPLICA_FRESH) != 0, "a new replica is fresh");
            assertFalse((welcome & FrameFlags.REPLICA_CONSISTENT) != 0, "a new replica is not consistent");
            send(p, FrameType.SYNC_BEGIN, 0, 1, 0, 0, null);
            Frame ack = p.frames.read();
            assertEquals(1, ack.seq());
            assertEquals("false", meta("p1", "vol0").getProperty("consistent"));
            assertEquals("false", meta("p1", "vol0").getProperty("fresh"));
            assertEquals(MirrorState.SYNCING, firstState());
            byte[] data = new byte[4096];
            java.util.Arrays.fill(data, (byte) 7);
            send(p, FrameType.WRITE, 0, 2, 4096, 4096, data);
            send(p, FrameType.ZERO, 0, 3, 0, 4096, null);
            send(p, FrameType.SYNC_END, 0, 4, 0, 0, null);
            do {
                ack = p.frames.read();
            } while (ack.seq() < 4);
            assertEquals(FrameType.ACK, ack.type());
            assertTrue(ack.has(FrameFlags.DURABLE), "SYNC_END is acknowledged only once forced");
            assertEquals("true", meta("p1", "vol0").getProperty("consistent"));
            assertEquals(MirrorState.IN_SYNC, firstState());
            byte[] img = Files.readAllBytes(Replica.imagePath(cluster.standby(), "p1", "vol0"));
            assertEquals(7, img[4096]);
            assertEquals(0, img[0]);
        }
    }

    @Test
    void consistentReplica_newLink_notInSyncUntilItsPrimarySaysSo() throws Exception {
        // regression: a restarted primary's replicas showed IN_SYNC for 67-87 ms before the identity exchange had
        // decided anything, then SYNCING
        try (RawPrimary p = new RawPrimary(server.boundPort())) {
            p.handshake(TestCluster.KEY, "p1", "vol0", SIZE);
            send(p, FrameType.SYNC_BEGIN, 0, 1, 0, 0, null);
            send(p, FrameType.SYNC_END, 0, 2, 0, 0, null);
            while (p.frames.read().seq() < 2) {
                // the ACK of SYNC_END
            }
            assertEquals(MirrorState.IN_SYNC, firstState());
        }
        org.understudy.e2e.Poll.until(java.time.Duration.ofSeconds(5), "link gone",
                () -> server.snapshots().get(0).state() == MirrorState.DEGRADED);
        assertEquals(MirrorState.DEGRADED, firstState());
        try (RawPrimary again = new RawPrimary(server.boundPort())) {
            int welcome = again.handshake(TestCluster.KEY, "p1", "vol0", SIZE);
            assertTrue((welcome & FrameFlags.REPLICA_CONSISTENT) != 0, "the replica itself is consistent");
            send(again, FrameType.KEEPALIVE, 0, 1, 0, 0, null);
            assertEquals(1, again.frames.read().seq());
            var undecided = server.snapshots().get(0);
            assertEquals(MirrorState.SYNCING, undecided.state(), "linked, identities exchanged, nothing decided yet");
            assertEquals(0.0, undecided.syncPercent());
            send(again, FrameType.SYNC_BEGIN, 0, 2, 0, 0, null);
            send(again, FrameType.SYNC_END, 0, 3, 0, 0, null);
            while (again.frames.read().seq() < 3) {
                // the ACK of SYNC_END
            }
            assertEquals(MirrorState.IN_SYNC, firstState(), "decided in sync: now it is shown so");
        }
    }

    @Test
    void fuaWrite_isAcknowledgedDurable_plainWriteIsNot() throws Exception {
        try (RawPrimary p = new RawPrimary(server.boundPort())) {
            p.handshake(TestCluster.KEY, "p2", "vol1", 2 * SIZE);
            send(p, FrameType.WRITE, 0, 1, 0, 512, new byte[512]);
            Frame ack = p.frames.read();
            assertEquals(1, ack.seq());
            assertFalse(ack.has(FrameFlags.DURABLE));
            send(p, FrameType.WRITE, FrameFlags.FUA, 2, 512, 512, new byte[512]);
            ack = p.frames.read();
            assertEquals(2, ack.seq());
            assertTrue(ack.has(FrameFlags.DURABLE));
            send(p, FrameType.FLUSH, 0, 3, 0, 0, null);
            ack = p.frames.read();
            assertTrue(ack.has(FrameFlags.DURABLE));
        }
    }

    @Test
    void secondLinkForTheSameVolume_supersedesTheFirst() throws Exception {
        try (RawPrimary first = new RawPrimary(server.boundPort());
             RawPrimary second = new RawPrimary(server.boundPort())) {
            first.handshake(TestCluster.KEY, "p1", "vol0", SIZE);
            second.handshake(TestCluster.KEY, "p1", "vol0", SIZE);
            first.awaitClose(); // the standby closes the older link (its reason is logged)
            send(second, FrameType.KEEPALIVE, 0, 1, 0, 0, null);
            assertEquals(1, second.frames.read().seq());
        }
    }

    @Test
    void largeWritesInFlightTogether_overlappingLandInSequenceOrder_acksCumulativeAndRising() throws Exception {
        // regression guard for the parallel apply: 24 frames of 128 KiB (each received into a buffer of its own and
        // applied by the appliers) sent without waiting, three rounds over the same eight ranges
        int chunk = 128 * 1024;
        try (RawPrimary p = new RawPrimary(server.boundPort())) {
            p.handshake(TestCluster.KEY, "p1", "vol0", SIZE);
            ByteBuffer all = ByteBuffer.allocate(24 * (FrameCodec.HEADER_SIZE + chunk));
            for (int i = 0; i < 24; i++) {
                byte[] data = new byte[chunk];
                java.util.Arrays.fill(data, (byte) (i + 1));
                FrameCodec.encode(all, FrameType.WRITE, 0, i + 1, (long) (i % 8) * chunk, chunk, ByteBuffer.wrap(data));
            }
            p.send(all.flip());
            long last = 0;
            while (last < 24) {
                Frame ack = p.frames.read();
                assertEquals(FrameType.ACK, ack.type());
                assertTrue(ack.seq() > last && ack.seq() <= 24, "ACK " + ack.seq() + " after " + last);
                last = ack.seq();
            }
            byte[] image = Files.readAllBytes(Replica.imagePath(cluster.standby(), "p1", "vol0"));
            for (int k = 0; k < 8; k++) {
                for (int b = k * chunk; b < (k + 1) * chunk; b += 4096) {
                    assertEquals(17 + k, image[b], "range " + k + " holds its last write");
                }
            }
        }
    }
}
