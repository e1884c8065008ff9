package org.understudy.testing;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.understudy.config.ClusterConfig;
import org.understudy.config.Endpoint;
import org.understudy.config.MirrorMode;
import org.understudy.config.PrimaryConfig;
import org.understudy.config.Secrets;
import org.understudy.config.StandbyConfig;
import org.understudy.config.VolumeConfig;

/** Builds cluster records directly for tests: primaries p1..pN, each with the given volumes under {@code root}. */
public final class TestCluster {
    public static final byte[] KEY = "understudy-test-cluster-key-0123456789".getBytes(StandardCharsets.US_ASCII);

    private TestCluster() {
    }

    /** A cluster whose standby replicates on {@code 127.0.0.1:port} and keeps its state under {@code root/standby}. */
    public static ClusterConfig of(Path root, int port, int primaries, long... volumeSizes) {
        return of(root, port, KEY, primaries, volumeSizes);
    }

    public static ClusterConfig of(Path root, int port, byte[] key, int primaries, long... volumeSizes) {
        StandbyConfig standby = new StandbyConfig("sb", "127.0.0.1", new Endpoint("127.0.0.1", port),
                new Endpoint("127.0.0.1", 0), root.resolve("standby"));
        List<PrimaryConfig> ps = new ArrayList<>();
        for (int i = 1; i <= primaries; i++) {
            String name = "p" + i;
            List<VolumeConfig> vols = new ArrayList<>();
            for (int v = 0; v < volumeSizes.length; v++) {
                vols.add(new VolumeConfig("vol" + v, root.resolve(name).resolve("vol" + v + ".img"), volumeSizes[v],
                        MirrorMode.SYNC));
            }
            ps.add(new PrimaryConfig(name, "127.0.0.1", 10809, new Endpoint("127.0.0.1", 0), root.resolve(name),
                    vols));
        }
        return new ClusterConfig(root.resolve("cluster.yaml"), "test", standby, ps,
                new Secrets(root.resolve("secrets"), key, "token"));
    }

    /** The same cluster with the standby's replication port set to {@code port} (after binding port 0). */
    public static ClusterConfig withPort(ClusterConfig c, int port) {
        StandbyConfig s = c.standby();
        return new ClusterConfig(c.file(), c.name(), new StandbyConfig(s.name(), s.address(),
                new Endpoint(s.replication().host(), port), s.admin(), s.stateDir()), c.primaries(), c.secrets());
    }
}
