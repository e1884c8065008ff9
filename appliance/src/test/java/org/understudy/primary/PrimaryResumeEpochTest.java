package org.understudy.primary;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.understudy.config.ClusterConfig;
import org.understudy.config.Endpoint;
import org.understudy.config.MirrorMode;
import org.understudy.config.PrimaryConfig;
import org.understudy.config.Secrets;
import org.understudy.config.StandbyConfig;
import org.understudy.config.VolumeConfig;
import org.understudy.daemon.NodeServices;
import org.understudy.model.PrimaryLifecycle;
import org.understudy.model.PrimaryState;
import org.understudy.events.Retention;
import org.understudy.resync.IdentityStore;
import org.understudy.testing.TestCluster;

/** A primary told to resume with the standby's epoch carries it in every volume's identity, durably. */
class PrimaryResumeEpochTest {
    private static final long SIZE = 1 << 20;

    @TempDir
    Path root;

    @Test
    void resumeWithEpoch_everyVolumeIdentityTakesIt_savedBeforeServing_neverLowered() throws Exception {
        int deadPort;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            deadPort = s.getLocalPort(); // nothing listens there once closed: the standby is down for this test
        }
        StandbyConfig standby = new StandbyConfig("sb", "127.0.0.1", new Endpoint("127.0.0.1", deadPort),
                new Endpoint("127.0.0.1", 0), root.resolve("standby"));
        Path state = root.resolve("p1");
        // an address of its own in 127/8, so its heartbeat port cannot meet another test's
        PrimaryConfig p = new PrimaryConfig("p1", "127.0.83.17", 0, new Endpoint("127.0.0.1", 0), state,
                List.of(new VolumeConfig("vol0", state.resolve("vol0.img"), SIZE, MirrorMode.SYNC),
                        new VolumeConfig("vol1", state.resolve("vol1.img"), SIZE, MirrorMode.SYNC)));
        ClusterConfig cluster = new ClusterConfig(root.resolve("cluster.yaml"), "test", standby, List.of(p),
                new Secrets(root.resolve("secrets"), TestCluster.KEY, "token"));
        try (NodeServices services = NodeServices.open("p1", state, Retention.DEFAULT)) {
            PrimaryNode node = new PrimaryNode(cluster, p, services);
            try {
                node.start();
                node.fence("the standby took the role (test)");
                assertEquals(PrimaryLifecycle.FENCED, node.model().snapshot().node().lifecycle().state());
                assertEquals(PrimaryState.FENCED, node.model().snapshot().primaries().getFirst().state());

                Map<String, Object> r = node.resume("fence cleared at the standby", 3);
                assertEquals(true, r.get("ok"), r.toString());
                assertTrue(String.valueOf(r.get("message")).contains("epoch 3"), r.toString());
                assertEquals(3, savedEpoch(state, "vol0"));
                assertEquals(3, savedEpoch(state, "vol1"));
                assertEquals(PrimaryLifecycle.SERVING, node.model().snapshot().node().lifecycle().state());
                assertEquals("fence cleared at the standby", node.model().snapshot().node().lifecycle().cause());

                r = node.resume("already serving, an older word", 2);
                assertEquals(true, r.get("ok"), r.toString());
                assertEquals(3, savedEpoch(state, "vol0"), "never lowered");

                r = node.resume("failback from sb", 4); // even when already serving, the epoch is taken
                assertEquals(4, savedEpoch(state, "vol0"));
                assertEquals(4, savedEpoch(state, "vol1"));

                assertEquals(false, node.resume("bad", -1).get("ok"));
                assertEquals(4, savedEpoch(state, "vol0"));
            } finally {
                node.close();
            }
        }
    }

    private static long savedEpoch(Path state, String volume) throws Exception {
        return IdentityStore.load(state.resolve("volumes").resolve(volume + ".identity")).orElseThrow().epoch();
    }
}
