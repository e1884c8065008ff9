package org.understudy.mirror;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import org.understudy.config.ClusterConfig;
import org.understudy.config.Endpoint;
import org.understudy.model.MirrorState;
import org.understudy.replica.Replica;
import org.understudy.replica.ReplicaOptions;
import org.understudy.replica.ReplicaServer;
import org.understudy.e2e.Poll;
import org.understudy.testing.TestCluster;

/** A standby and its cluster on loopback for in-process mirroring tests. */
final class MirrorFixture implements AutoCloseable {
    final Path root;
    ClusterConfig cluster;
    ReplicaServer server;
    int port;

    MirrorFixture(Path root, int primaries, long... sizes) throws IOException {
        this.root = root;
        ClusterConfig base = TestCluster.of(root, 0, primaries, sizes);
        server = ReplicaServer.start(base, ReplicaOptions.defaults().withBind(new Endpoint("127.0.0.1", 0)));
        port = server.boundPort();
        cluster = TestCluster.withPort(base, port);
    }

    void stopStandby() throws IOException {
        server.close();
        server = null;
    }

    void startStandby() throws IOException {
        server = ReplicaServer.start(cluster, ReplicaOptions.defaults().withBind(new Endpoint("127.0.0.1", port)));
    }

    MirroredVolume open(int primary, int volume, MirrorOptions options) throws IOException {
        var p = cluster.primaries().get(primary - 1);
        return MirroredVolume.open(cluster, p, p.volumes().get(volume), options);
    }

    static MirrorOptions fastOptions() {
        return MirrorOptions.defaults().withReconnect(Duration.ofMillis(20), Duration.ofMillis(300));
    }

    Path replicaImage(int primary, int volume) {
        var p = cluster.primaries().get(primary - 1);
        return Replica.imagePath(cluster.standby(), p.name(), p.volumes().get(volume).name());
    }

    Path volumeFile(int primary, int volume) {
        return cluster.primaries().get(primary - 1).volumes().get(volume).file();
    }

    static void awaitState(MirroredVolume v, MirrorState s, Duration timeout) {
        Poll.until(timeout, () -> v.describe() + " is " + v.snapshot() + " / " + v.linkSnapshot(), () -> v.state() == s);
    }

    void assertIdentical(int primary, int volume) throws IOException {
        byte[] a = Files.readAllBytes(volumeFile(primary, volume));
        byte[] b = Files.readAllBytes(replicaImage(primary, volume));
        assertEquals(a.length, b.length, "replica size");
        int mismatch = Arrays.mismatch(a, b);
        assertEquals(-1, mismatch, "replica differs from the volume first at byte " + mismatch);
    }

    static ByteBuffer pattern(int len, long seed) {
        ByteBuffer b = ByteBuffer.allocateDirect(len);
        long x = seed * 0x9E3779B97F4A7C15L + 1;
        while (b.remaining() >= 8) {
            x ^= x << 13;
            x ^= x >>> 7;
            x ^= x << 17;
            b.putLong(x);
        }
        while (b.hasRemaining()) {
            b.put((byte) x);
        }
        return b.flip();
    }

    @Override
    public void close() throws IOException {
        if (server != null) {
            server.close();
        }
    }
}
