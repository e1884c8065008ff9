package org.understudy.replica;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.understudy.config.ClusterConfig;
import org.understudy.config.Endpoint;
import org.understudy.resync.IdentityStore;
import org.understudy.testing.TestCluster;

/** Fencing by epoch in the replicas' data identity, not only by the primary's name in the fence file. */
class FenceEpochTest {
    private static final long SIZE = 1 << 20;

    @TempDir
    Path root;
    private ClusterConfig cluster;
    private ReplicaServer server;

    @BeforeEach
    void start() throws IOException {
        ClusterConfig base = TestCluster.of(root, 0, 2, SIZE, 2 * SIZE);
        server = ReplicaServer.start(base, ReplicaOptions.defaults().withBind(new Endpoint("127.0.0.1", 0)));
        cluster = TestCluster.withPort(base, server.boundPort());
    }

    @AfterEach
    void stop() throws IOException {
        if (server != null) {
            server.close();
        }
    }

    private void restartStandby() throws IOException {
        if (server != null) {
            server.close();
        }
        server = ReplicaServer.start(cluster, ReplicaOptions.defaults().withBind(new Endpoint("127.0.0.1",
                cluster.standby().replication().port())));
    }

    private long savedEpoch(String primary, String volume) throws IOException {
        return IdentityStore.load(Replica.identityPath(cluster.standby(), primary, volume)).orElseThrow().epoch();
    }

    @Test
    void fence_raisesEveryReplicaIdentityOfThatPrimary_durably_othersUntouched() throws Exception {
        assertEquals(1, server.fence("p1", "taken over", 2000));
        for (String v : new String[] {"vol0", "vol1"}) {
            assertEquals(1, server.store().replica("p1", v).identity().epoch());
            assertEquals(1, savedEpoch("p1", v), "saved before fence returns");
            assertEquals(0, server.store().replica("p2", v).identity().epoch());
        }
        restartStandby();
        assertEquals(1, server.store().replica("p1", "vol0").identity().epoch(), "survives a standby restart");
        assertEquals(1, server.store().replica("p1", "vol1").identity().epoch());
        assertEquals(1, server.epoch("p1"));
        assertEquals(0, server.epoch("p2"));
    }

    // regression: a lost fence file restarted the counter at 1, an epoch the replicas (and the old primary) had seen
    @Test
    void fenceFileLost_nextFence_goesAboveTheReplicasEpoch() throws Exception {
        server.fence("p1", "first takeover", 2000);
        server.fence("p1", "second takeover", 2000);
        server.close();
        server = null;
        Files.delete(cluster.standby().replicaDir().resolve("p1").resolve(FenceStore.FILE));
        restartStandby();
        assertEquals(2, server.epoch("p1"), "the replicas still say 2");
        assertEquals(3, server.fence("p1", "third takeover", 2000));
        assertEquals(3, savedEpoch("p1", "vol0"));
    }

    @Test
    void primaryAtOlderEpoch_refusedByIdentity_evenWithoutFenceFile_messageNamesBothEpochs() throws Exception {
        server.fence("p1", "taken over", 2000);
        server.close();
        server = null;
        Files.delete(cluster.standby().replicaDir().resolve("p1").resolve(FenceStore.FILE));
        restartStandby();
        try (RawPrimary old = new RawPrimary(server.boundPort())) {
            IOException e = assertThrows(IOException.class, () -> old.handshake(TestCluster.KEY, "p1", "vol0", SIZE));
            assertTrue(e.getMessage().contains("primary epoch 0 is older than the replica's epoch 1"),
                    e.getMessage());
        }
        try (RawPrimary current = new RawPrimary(server.boundPort())) {
            current.identity = current.identity.withEpoch(1);
            current.handshake(TestCluster.KEY, "p1", "vol0", SIZE);
            assertEquals(1, current.peer.identity().epoch());
        }
    }

    @Test
    void fence_closesALinkAttachedAtTheOlderEpoch() throws Exception {
        try (RawPrimary p = new RawPrimary(server.boundPort())) {
            p.handshake(TestCluster.KEY, "p1", "vol0", SIZE);
            server.fence("p1", "taken over", 2000);
            String reason = p.awaitClose();
            assertTrue(reason.isEmpty() || reason.contains("epoch"), reason);
            assertEquals(0, server.linkCount("p1"));
        }
    }
}
