package org.understudy.nbd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
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
import org.understudy.replica.ReplicaOptions;
import org.understudy.replica.ReplicaServer;
import org.understudy.testing.TestCluster;

/**
 * The mirrored write path allocates (almost) nothing per write: 4 KiB NBD writes through a real primary volume
 * (NBD server, served device, mirrored volume, replication link over loopback TCP) to a real standby (replica server,
 * apply loop, replica image), all in this JVM. The heap allocated by every thread but the test's client, over a few
 * thousand writes after a warm-up, is divided by the writes. The path once allocated about 1.5 KB a write on the
 * primary and 350 B on the standby (records, lambdas, futures, buffer views, map nodes per write); the bound is many
 * times what it allocates now, so only a returning per-write allocation fails it, not the JVM's background noise.
 */
class MirroredWriteAllocationTest {
    private static final long SIZE = 64L << 20;
    private static final int BLOCK = 4096;
    /** Bytes of heap per write, both nodes together, that fail the test. */
    private static final long BOUND_PER_WRITE = 200;

    @TempDir
    Path root;

    @Test
    void fourKibWrites_allocateAlmostNothingOnEitherNode() throws Exception {
        var mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        org.junit.jupiter.api.Assumptions.assumeTrue(mx.isThreadAllocatedMemorySupported());
        mx.setThreadAllocatedMemoryEnabled(true);
        ClusterConfig base = TestCluster.of(root, 0, 1, SIZE);
        try (ReplicaServer standby = ReplicaServer.start(base,
                ReplicaOptions.defaults().withBind(new Endpoint("127.0.0.1", 0)))) {
            ClusterConfig cluster = TestCluster.withPort(base, standby.boundPort());
            var primary = cluster.primaries().get(0);
            try (MirroredVolume volume = MirroredVolume.open(cluster, primary, primary.volumes().get(0),
                    MirrorOptions.defaults())) {
                Poll.until(Duration.ofSeconds(30), () -> "volume in sync: " + volume.snapshot(),
                        () -> volume.state() == MirrorState.IN_SYNC);
                MutableNbdExports exports = new MutableNbdExports();
                exports.put("vol0", ServedDevice.counting(volume));
                try (NbdServer server = NbdServer.start(new InetSocketAddress("127.0.0.1", 0), exports);
                     NbdTestClient client = NbdTestClient.open(server.port(), "vol0")) {
                    byte[] data = new byte[BLOCK];
                    SplittableRandom random = new SplittableRandom(7);
                    writes(client, random, data, 16, 20_000); // warm-up: pools filled, code compiled
                    writes(client, random, data, 1, 2_000);
                    double qd16 = perWrite(mx, client, random, data, 16, 20_000);
                    double qd1 = perWrite(mx, client, random, data, 1, 5_000);
                    // printed for the record, as the throughput test does
                    System.out.printf("heap allocated per mirrored 4 KiB write, primary and standby together: %d B"
                            + " at queue depth 16, %d B at depth 1 (bound %d B)%n", Math.round(qd16), Math.round(qd1),
                            BOUND_PER_WRITE);
                    assertTrue(qd16 < BOUND_PER_WRITE, "allocated " + Math.round(qd16) + " B per write at QD16");
                    assertTrue(qd1 < BOUND_PER_WRITE, "allocated " + Math.round(qd1) + " B per write at QD1");
                }
            }
        }
    }

    /** Heap allocated per write by every thread but this one (the client), over {@code n} writes at depth {@code qd}. */
    private static double perWrite(com.sun.management.ThreadMXBean mx, NbdTestClient client, SplittableRandom random,
                                   byte[] data, int qd, int n) throws Exception {
        long total0 = mx.getTotalThreadAllocatedBytes();
        long mine0 = mx.getCurrentThreadAllocatedBytes();
        writes(client, random, data, qd, n);
        long mine = mx.getCurrentThreadAllocatedBytes() - mine0;
        long total = mx.getTotalThreadAllocatedBytes() - total0;
        return (double) (total - mine) / n;
    }

    /** {@code n} random 4 KiB writes with {@code qd} in flight, each answered without error. */
    private static void writes(NbdTestClient client, SplittableRandom random, byte[] data, int qd, int n)
            throws Exception {
        long blocks = SIZE / BLOCK;
        int sent = 0;
        for (; sent < qd; sent++) {
            client.send(0, NbdConstants.CMD_WRITE, random.nextLong(blocks) * BLOCK, BLOCK, data);
        }
        for (int answered = 0; answered < n; answered++) {
            assertEquals(0, client.readReply().error(), "write answered with an error");
            if (sent < n) {
                client.send(0, NbdConstants.CMD_WRITE, random.nextLong(blocks) * BLOCK, BLOCK, data);
                sent++;
            }
        }
    }
}
