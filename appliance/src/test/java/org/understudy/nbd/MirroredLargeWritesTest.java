package org.understudy.nbd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.understudy.config.ClusterConfig;
import org.understudy.config.Endpoint;
import org.understudy.e2e.Poll;
import org.understudy.mirror.MirrorOptions;
import org.understudy.mirror.MirroredVolume;
import org.understudy.mirror.ServedDevice;
import org.understudy.model.MirrorState;
import org.understudy.replica.Replica;
import org.understudy.replica.ReplicaOptions;
import org.understudy.replica.ReplicaServer;
import org.understudy.testing.TestCluster;

/**
 * Large mirrored writes, many in flight, through a real NBD server, primary volume, loopback link and standby: each
 * write is written locally in pieces (storage/PageCacheWrites) while the link sends the same buffer, and both must
 * see the whole write. The link stays up (never lost and made again, the volume in sync throughout, every write
 * acknowledged by the standby), and the primary's volume and the standby's replica hold exactly what was written.
 */
class MirroredLargeWritesTest {
    private static final long SIZE = 64L << 20;
    private static final int WRITES = 160;
    private static final int QD = 8;
    private static final int SLOT = 2 << 20;

    @TempDir
    Path root;

    @Test
    void oneMibWritesAtDepthEight_linkStaysUp_bothCopiesExact() throws Exception {
        ClusterConfig base = TestCluster.of(root, 0, 1, SIZE);
        try (ReplicaServer standby = ReplicaServer.start(base,
                ReplicaOptions.defaults().withBind(new Endpoint("127.0.0.1", 0)))) {
            ClusterConfig cluster = TestCluster.withPort(base, standby.boundPort());
            var primary = cluster.primaries().get(0);
            var config = primary.volumes().get(0);
            byte[] expected = new byte[(int) SIZE];
            try (MirroredVolume volume = MirroredVolume.open(cluster, primary, config, MirrorOptions.defaults())) {
                Poll.until(Duration.ofSeconds(30), () -> "volume in sync: " + volume.snapshot(),
                        () -> volume.state() == MirrorState.IN_SYNC);
                long links = volume.counters().linksEstablished();
                long acked = volume.writesAcked();
                MutableNbdExports exports = new MutableNbdExports();
                exports.put("vol0", ServedDevice.counting(volume));
                try (NbdServer server = NbdServer.start(new InetSocketAddress("127.0.0.1", 0), exports);
                     NbdTestClient client = NbdTestClient.open(server.port(), "vol0")) {
                    SplittableRandom random = new SplittableRandom(11);
                    int sent = 0;
                    for (int answered = 0; answered < WRITES; answered++) {
                        while (sent < WRITES && sent - answered < QD) {
                            // 1 MiB and a bit, at offsets that are 512-byte aligned but rarely on a piece boundary,
                            // in a 2 MiB slot of its own among those in flight (NBD leaves overlapping writes in
                            // flight unordered): slots 5 apart cycle through all 32 before one comes back
                            int len = (1 << 20) + 512 * random.nextInt(8);
                            long slot = (sent * 5L) % (SIZE / SLOT);
                            long off = slot * SLOT + 512L * random.nextInt((SLOT - len) / 512);
                            byte[] data = new byte[len];
                            random.nextBytes(data);
                            System.arraycopy(data, 0, expected, (int) off, len);
                            client.send(0, NbdConstants.CMD_WRITE, off, len, data);
                            sent++;
                        }
                        assertEquals(0, client.readReply().error(), "write answered with an error");
                    }
                }
                assertEquals(MirrorState.IN_SYNC, volume.state(), "the volume stayed in sync: " + volume.snapshot());
                assertEquals(links, volume.counters().linksEstablished(),
                        "the link was never lost and made again: " + volume.snapshot());
                assertTrue(volume.writesAcked() - acked >= WRITES,
                        "every write acknowledged by the standby (a write above the link's frame size goes as two): "
                                + volume.snapshot());
            }
            assertEquals(-1, Arrays.mismatch(expected, Files.readAllBytes(config.file())), "the primary's volume");
            assertEquals(-1, Arrays.mismatch(expected,
                    Files.readAllBytes(Replica.imagePath(cluster.standby(), primary.name(), config.name()))),
                    "the standby's replica");
        }
    }
}
